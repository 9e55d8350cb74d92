"""The agent inbox: a typed query parsed from GET parameters, and the cases it selects (R-AGENT-1).

Every list starts from ``cases_visible_to(user)``, so a view or filter can only narrow what the agent
may see. Pages are keyset pages: a deep page costs the same as the first.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from soridam.accounts.access import team_ids_of
from soridam.accounts.models import User
from soridam.cases.access import cases_visible_to
from soridam.cases.models import ACTIVE_STATUSES, TAG_LENGTH, Case, Priority, Status
from soridam.cases.stages import Stage
from soridam.channels.kinds import Channel
from soridam.lib.keyset import BadCursor, Ordering, Page, check_cursor, paginate

PAGE_SIZE = 25

VIEWS = ("open", "mine", "team", "unassigned", "needs_review")
DEFAULT_VIEW = "open"
ACTIVE = "active"
ALL = "all"
STATUS_FILTERS = (ACTIVE, ALL, *Status.values)
SORTS: dict[str, Ordering] = {
    "updated_desc": Ordering("updated_at", descending=True),
    "updated_asc": Ordering("updated_at", descending=False),
    "created_desc": Ordering("created_at", descending=True),
    "created_asc": Ordering("created_at", descending=False),
    "sla_due": Ordering("sla_due_at", descending=False),  # cases with a running SLA clock only
}
DEFAULT_SORT = "updated_desc"


class InvalidInboxQuery(ValueError):
    """A GET parameter the inbox does not understand; the message says which one."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class InboxQuery:
    view: str = DEFAULT_VIEW
    status: str = ACTIVE
    channel: str = ""
    priority: str = ""
    category: str = ""
    stage: str = ""
    sort: str = DEFAULT_SORT
    cursor: str = ""
    tag: str = ""
    saved: str = ""  # the id of the saved view these filters come from (soridam.saved_views), "" for none

    @property
    def ordering(self) -> Ordering:
        return SORTS[self.sort]

    def params(self) -> dict[str, str]:
        """The non-default parameters, in a stable order, for links back to this list."""
        defaults = InboxQuery()
        return {
            name: getattr(self, name)
            for name in ("view", "status", "channel", "priority", "category", "stage", "tag", "sort", "cursor", "saved")
            if getattr(self, name) != getattr(defaults, name)
        }

    def filter_params(self) -> dict[str, str]:
        """What a saved view stores: the filters and the sort, without the page or the view it came from."""
        return {name: value for name, value in self.params().items() if name not in ("cursor", "saved")}

    def url_params(self, **changes: str) -> str:
        """``a=b&c=d`` for this query with ``changes`` applied; any change except a cursor restarts at page 1
        and leaves the saved view (it is then a different list)."""
        keeps_saved = not set(changes) - {"cursor"}
        changed = replace(self, **{"cursor": "", "saved": self.saved if keeps_saved else "", **changes})
        return urlencode(changed.params())


def _choice(params: Mapping[str, str], name: str, allowed: Collection[str], default: str) -> str:
    value = params.get(name, "").strip()
    if value == "":
        return default
    if value not in allowed:
        raise InvalidInboxQuery(_("Unknown %(name)s: %(value)s.") % {"name": name, "value": value[:40]})
    return value


def _check_cursor(cursor: str) -> str:
    if not cursor:
        return ""
    try:
        check_cursor(cursor, datetime)
    except BadCursor:
        raise InvalidInboxQuery(_("This page link is not valid; start again from the first page.")) from None
    return cursor


def _check_saved(saved: str) -> str:
    if saved and not (saved.isdigit() and len(saved) < 10):
        raise InvalidInboxQuery(_("This saved view link is not valid."))
    return saved


def parse_inbox_query(params: Mapping[str, str], category_slugs: Collection[str]) -> InboxQuery:
    """Read the inbox's GET parameters. Unknown values raise InvalidInboxQuery; unknown names are ignored."""
    return InboxQuery(
        view=_choice(params, "view", VIEWS, DEFAULT_VIEW),
        status=_choice(params, "status", STATUS_FILTERS, ACTIVE),
        channel=_choice(params, "channel", Channel.values, ""),
        priority=_choice(params, "priority", Priority.values, ""),
        category=_choice(params, "category", category_slugs, ""),
        stage=_choice(params, "stage", Stage.values, ""),
        tag=" ".join(params.get("tag", "").split())[:TAG_LENGTH],
        sort=_choice(params, "sort", SORTS, DEFAULT_SORT),
        cursor=_check_cursor(params.get("cursor", "").strip()),
        saved=_check_saved(params.get("saved", "").strip()),
    )


def _apply_view(cases: QuerySet[Case], user: User, view: str) -> QuerySet[Case]:
    if view == "mine":
        return cases.filter(assignee=user)
    if view == "team":
        return cases.filter(team_id__in=team_ids_of(user))
    if view == "unassigned":
        return cases.filter(assignee__isnull=True)
    if view == "needs_review":  # triage was not confident enough to set the fields (soridam.triage)
        return cases.filter(prediction__needs_review=True)
    return cases


def _apply_filters(cases: QuerySet[Case], query: InboxQuery) -> QuerySet[Case]:
    if query.status == ACTIVE:
        cases = cases.filter(status__in=ACTIVE_STATUSES)
    elif query.status != ALL:
        cases = cases.filter(status=query.status)
    exact = {"channel": query.channel, "priority": query.priority, "stage": query.stage}
    cases = cases.filter(**{field: value for field, value in exact.items() if value})
    if query.category:
        cases = cases.filter(category__slug=query.category)
    if query.tag:  # tag names are unique: one join row per case at most, no duplicates
        cases = cases.filter(tags__name=query.tag)
    return cases


def inbox_cases(user: User, query: InboxQuery) -> QuerySet[Case]:
    """The cases the query selects, with everything a row shows joined in (no query per row)."""
    cases = _apply_filters(_apply_view(cases_visible_to(user), user, query.view), query)
    if query.sort == "sla_due":
        cases = cases.filter(sla_due_at__isnull=False)
    return cases.select_related("customer", "category", "assignee", "sla")


def inbox_page(user: User, query: InboxQuery, size: int = PAGE_SIZE) -> Page[Case]:
    return paginate(inbox_cases(user, query), query.ordering, query.cursor or None, size)
