"""Reading a browser form's body without letting Django's own refusals become its English
"Bad Request (400)" page.

Django refuses a body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (``RequestDataTooBig``), a form
with more than ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` fields (``TooManyFieldsSent``) or files, and a
broken multipart body, by raising when ``request.POST`` is first read. The HTML form views ask
``form_data_problem()`` first and answer with their own page, in the visitor's language.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext


@dataclass(frozen=True)
class FormDataProblem:
    """Why the body could not be read: the status to answer with and a translated message."""

    status: int
    message: str


def form_data_problem(request: HttpRequest) -> FormDataProblem | None:
    """Load ``request.POST``; None when it could be read, else what to tell the visitor.

    Call inside the visitor's language. After a problem, ``request.POST`` must not be read
    again (Django raises again).
    """
    try:
        request.POST  # noqa: B018 - reading it is what parses the body
    except RequestDataTooBig:
        return FormDataProblem(
            413, gettext("What you sent is too large. Shorten the text and send it again.")
        )
    except (TooManyFieldsSent, TooManyFilesSent):
        return FormDataProblem(400, gettext("The form was sent with too many fields."))
    except MultiPartParserError:
        return FormDataProblem(400, gettext("The form could not be read. Please send it again."))
    return None
