"""The inbox's list of views: the built-in ones and the saved ones, each with how many cases it holds.

Counts are capped (``soridam.lib.counts``): "999+" past ``COUNT_CAP - 1``, so a view over a million cases
costs what a view over a thousand does. Every count starts from ``cases_visible_to`` through
``inbox_cases``, exactly like the list it links to, and nothing is cached: numbers are per agent.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from soridam.accounts.models import User
from soridam.lib.counts import capped_counts
from soridam.saved_views.access import MAX_LISTED, may_edit_saved_view, saved_views_visible_to
from soridam.saved_views.models import SavedView
from soridam.workspace.inbox import VIEWS, InboxQuery, InvalidInboxQuery, inbox_cases, parse_inbox_query

COUNT_CAP = 1000
VIEW_NAMES = {
    "open": _("All open"),
    "mine": _("Mine"),
    "team": _("My teams"),
    "unassigned": _("Unassigned"),
    "needs_review": _("Needs review"),
}


@dataclass(frozen=True)
class ViewEntry:
    """One line of the list: a link, a name and a count ("" when the view cannot be shown)."""

    name: str
    query: InboxQuery | None
    count: str
    saved: SavedView | None = None
    error: str = ""
    editable: bool = False


def count_label(count: int) -> str:
    return f"{COUNT_CAP - 1}+" if count >= COUNT_CAP else str(count)


def saved_query(saved: SavedView, category_slugs: Collection[str], cursor: str = "") -> InboxQuery:
    """The inbox query a saved view stands for. Raises InvalidInboxQuery, naming the view, when a stored
    value is no longer understood (a category removed since, a value typed in the admin)."""
    params = {**saved.params(), "cursor": cursor, "saved": str(saved.pk)}
    try:
        return parse_inbox_query(params, category_slugs)
    except InvalidInboxQuery as invalid:
        message = _("The saved view “%(name)s” cannot be shown: %(error)s") % {
            "name": saved.name,
            "error": invalid.message,
        }
        raise InvalidInboxQuery(str(message)) from None


def inbox_views(user: User, category_slugs: Collection[str]) -> tuple[list[ViewEntry], list[ViewEntry]]:
    """The built-in views and the saved ones the user sees, counted in one query (two with the saved list)."""
    builtin = [InboxQuery(view=view) for view in VIEWS]
    saved = list(saved_views_visible_to(user)[:MAX_LISTED])
    parsed: list[InboxQuery | str] = [_parse_or_error(view, category_slugs) for view in saved]
    valid = [query for query in parsed if isinstance(query, InboxQuery)]
    counts = iter(capped_counts([inbox_cases(user, query) for query in (*builtin, *valid)], COUNT_CAP))
    builtin_entries = [ViewEntry(str(VIEW_NAMES[q.view]), q, count_label(next(counts))) for q in builtin]
    return builtin_entries, _saved_entries(user, saved, parsed, counts)


def _parse_or_error(saved: SavedView, category_slugs: Collection[str]) -> InboxQuery | str:
    try:
        return saved_query(saved, category_slugs)
    except InvalidInboxQuery as invalid:
        return invalid.message


def _saved_entries(
    user: User, saved: Sequence[SavedView], parsed: Sequence[InboxQuery | str], counts: Iterator[int]
) -> list[ViewEntry]:
    entries = []
    for view, query in zip(saved, parsed, strict=True):
        editable = may_edit_saved_view(user, view)
        if isinstance(query, str):
            entries.append(ViewEntry(view.name, None, "", view, error=query, editable=editable))
        else:
            entries.append(ViewEntry(view.name, query, count_label(next(counts)), view, editable=editable))
    return entries
