"""Case search for agents: identifiers first (reference, order number, customer e-mail, phone or name, see
``cases.identifiers``), then words through the search engine, and filters on the case row.

Everything starts from ``cases_visible_to(user)``, and the rows the engine names are loaded again through
that same queryset, so a hit can never show a case the agent may not see. With words, the engine ranks and
returns at most ``MAX_HITS``; with filters alone, the list is a keyset page sorted by last update.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.accounts.models import Team, User
from soridam.cases.access import cases_visible_to, team_scope
from soridam.cases.identifiers import find_by_identifiers
from soridam.cases.models import Case
from soridam.cases.stages import Stage
from soridam.channels.kinds import Channel
from soridam.lib.keyset import BadCursor, Ordering, paginate
from soridam.search.engine import search_cases

MAX_HITS = 50
PAGE_SIZE = 25
NEWEST_FIRST = Ordering("updated_at", descending=True)
ROW_RELATIONS = ("customer", "team", "assignee", "category")


def _any(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class CaseSearchForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=200)
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=_any(_("Any stage")) + Stage.choices)
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.all(), empty_label=_("Any team")
    )
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=_any(_("Any channel")) + Channel.choices)
    date_from = forms.DateField(label=_("Opened from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Opened until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    cursor = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


@dataclass(frozen=True)
class SearchResult:
    cases: list[Case]
    next_cursor: str | None = None
    truncated: bool = False  # the engine stopped at MAX_HITS
    reference: Case | None = None  # the query was this case's reference: the view opens it


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filtered_cases(user: User, data: dict[str, Any]) -> QuerySet[Case]:
    """The cases this agent may see that pass the filters; dates are whole local days, both ends included."""
    cases = cases_visible_to(user)
    exact = {"stage": data.get("stage"), "team": data.get("team"), "channel": data.get("channel")}
    cases = cases.filter(**{field: value for field, value in exact.items() if value})
    if data.get("date_from"):
        cases = cases.filter(created_at__gte=_day_start(data["date_from"]))
    if data.get("date_to"):
        cases = cases.filter(created_at__lt=_day_start(data["date_to"] + timedelta(days=1)))
    return cases


def _team_scope(user: User, data: dict[str, Any]) -> list[int | None] | None:
    """A hint for speed (the engine reads only these teams' index entries); the queryset still decides."""
    return [data["team"].pk] if data.get("team") else team_scope(user)


def search(user: User, data: dict[str, Any]) -> SearchResult:
    """``data`` is a valid CaseSearchForm's cleaned data. A bad cursor raises BadCursor."""
    cases = filtered_cases(user, data)
    words = " ".join(str(data.get("q") or "").split())
    if not words:
        page = paginate(cases.select_related(*ROW_RELATIONS), NEWEST_FIRST, data.get("cursor") or None, PAGE_SIZE)
        return SearchResult(cases=page.items, next_cursor=page.next_cursor)
    identified = find_by_identifiers(words, cases.select_related(*ROW_RELATIONS), limit=MAX_HITS)
    if identified.identifier:
        truncated = len(identified.cases) >= MAX_HITS
        return SearchResult(cases=identified.cases, reference=identified.reference, truncated=truncated)
    hits = search_cases(words, cases, limit=MAX_HITS, teams=_team_scope(user, data))
    order = {int(hit.key): rank for rank, hit in enumerate(hits)}
    found = cases.filter(pk__in=order).exclude(pk__in=[case.pk for case in identified.cases])
    by_words = sorted(found.select_related(*ROW_RELATIONS), key=lambda case: order[case.pk])
    truncated = len(hits) >= MAX_HITS or len(identified.cases) >= MAX_HITS
    return SearchResult(cases=(identified.cases + by_words)[:MAX_HITS], truncated=truncated)


__all__ = ["BadCursor", "CaseSearchForm", "SearchResult", "filtered_cases", "search"]
