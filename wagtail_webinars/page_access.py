"""Which pages an editor reaches, by Wagtail's own page permissions: the one rule that decides
whose registrations and feedback comments an editor may see (part of the kernel: it reads only
Wagtail).

An editor reaches a page they may edit or publish, through their groups' page permissions
(``GroupPagePermission`` on the page or an ancestor); "add" alone reaches the pages they own, as
Wagtail lets them edit those. Exploring a page does not reach it: the explorer shows every ancestor
of an editor's own tree, and one region's editors must not see another region's people through a
shared parent. Superusers reach every page.

Reaching a page never by itself shows personal data: each admin view also asks for the model
permission to view it (``view_registration``, ``view_feedback``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from wagtail.permission_policies.pages import PagePermissionPolicy

# Wagtail's page actions that make a page an editor's own.
EDITOR_ACTIONS = frozenset({"change", "publish"})


def page_policy() -> PagePermissionPolicy:
    return PagePermissionPolicy()


def reachable_pages(user: Any) -> QuerySet:
    """The pages ``user`` may edit or publish, as one queryset (use it as a subquery)."""
    return page_policy().instances_user_has_any_permission_for(user, EDITOR_ACTIONS)


def reaches_every_page(user: Any) -> bool:
    """Superusers: no filter needed at all."""
    return bool(user.is_active and user.is_superuser)


def reachable_page_filter(user: Any, field: str = "page") -> Q:
    """A ``Q`` on ``<field>_id``: the rows whose page ``user`` reaches. Matches nothing for a user
    without page permissions; everything for a superuser."""
    if reaches_every_page(user):
        return Q()
    return Q(**{f"{field}_id__in": reachable_pages(user).values("pk")})


def can_reach(user: Any, page: Any) -> bool:
    """Whether ``user`` reaches ``page``. Reads the permissions Wagtail caches on the user, so
    asking for every row of a list costs no query once the first has been asked."""
    if page is None:
        return reaches_every_page(user)
    return page_policy().user_has_any_permission_for_instance(user, EDITOR_ACTIONS, page)
