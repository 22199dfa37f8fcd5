"""Where the registration limits are counted: how much one network, and one e-mail address for
one webinar, may send, so that a whole office behind one NAT address can register its staff
for a popular webinar while a script that posts thousands of times is stopped.

Four counters, each in the cache through django-ratelimit (see ``ratelimit.py``), shared by the
HTML form and the JSON endpoint:

* every registration POST per client network (``REGISTRATION_RATE_LIMIT``): the hard cap that
  stops a flood of any kind, counted before anything is read;
* failed validations per client network (``REGISTRATION_FAILURE_RATE_LIMIT``), a budget of
  their own, so that typos and scripts sending rubbish never use up the registrations;
* valid registrations per client network (``REGISTRATION_NETWORK_RATE_LIMIT``);
* valid registrations per e-mail address and webinar (``REGISTRATION_ADDRESS_RATE_LIMIT``), so
  that nobody sends one address's registration over and over, from one network or from many.

Each function counts and returns the seconds for ``Retry-After`` when a limit is exceeded, or
None. An address that is already registered counts as a new one does: the limits must not tell
a stranger which is which.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest

from ..models.registrations import email_key_for
from ..ratelimit import Limit, limits_retry_after


def refused_any_post(request: HttpRequest) -> int | None:
    """Count a registration POST against the network's hard cap, before the body is read."""
    return limits_retry_after(request, [Limit("registration", "REGISTRATION_RATE_LIMIT")])


def refused_invalid(request: HttpRequest) -> int | None:
    """Count a POST whose input was refused; over the failure budget it is answered 429
    instead of 400. Valid registrations from the same network are not affected."""
    return limits_retry_after(
        request, [Limit("registration.failed", "REGISTRATION_FAILURE_RATE_LIMIT")]
    )


def refused_valid(request: HttpRequest, email: str, page_ids: Iterable[int]) -> int | None:
    """Count a valid registration against the network's budget and the budget of this e-mail
    address for each webinar (a series registration names several): all in one round trip."""
    key = email_key_for(email)
    return limits_retry_after(
        request,
        [
            *(
                Limit(
                    "registration.address",
                    "REGISTRATION_ADDRESS_RATE_LIMIT",
                    value=f"{key}\x1f{page_id}",
                )
                for page_id in page_ids
            ),
            Limit("registration.network", "REGISTRATION_NETWORK_RATE_LIMIT"),
        ],
    )
