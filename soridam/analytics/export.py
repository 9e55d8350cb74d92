"""The CSV export: the rollup rows of the period, streamed a chunk at a time (a year never sits in memory)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from soridam.accounts.models import Team, User
from soridam.analytics import metrics
from soridam.analytics.access import Scope
from soridam.analytics.metrics import Filters
from soridam.analytics.sums import DIMENSIONS, ROLLUP_COLUMNS, fact_sums
from soridam.cases.models import Category
from soridam.lib.csv_safe import SafeWriter

CHUNK = 2000


class _Line:
    """csv.writer writes into this and gets the line back, so each row is yielded as soon as it is made."""

    def write(self, text: str) -> str:
        return text


def csv_lines(filters: Filters, scope: Scope) -> Iterator[str]:
    writer = SafeWriter(_Line())  # a team or agent name like '=HYPERLINK(…)' stays text (R-SEC-10)
    columns = list(ROLLUP_COLUMNS.values())
    names = _names(scope)
    yield "\ufeff" + writer.writerow([_("day"), _("team"), _("agent"), _("channel"), _("category"), *columns])
    for row in _rows(filters):
        agent = names["agent"].get(row["agent_id"], "") if scope.sees_agents else ""
        labels = [names["team"].get(row["team_id"], ""), agent, row["channel"]]
        yield writer.writerow(
            [row["day"], *labels, names["category"].get(row["category_id"], "")] + [row[column] for column in columns]
        )


def _rows(filters: Filters) -> Iterator[dict[str, Any]]:
    fields = ("day", *DIMENSIONS, *ROLLUP_COLUMNS.values())
    yield from metrics.rollups(filters).order_by("day", "id").values(*fields).iterator(chunk_size=CHUNK)
    today = metrics.today_facts(filters).values("opened_on", *DIMENSIONS).annotate(**fact_sums()).order_by()
    for row in today:
        yield {"day": row["opened_on"], **{d: row[d] for d in DIMENSIONS}} | {
            column: row[name] for name, column in ROLLUP_COLUMNS.items()
        }


def _names(scope: Scope) -> dict[str, dict[Any, str]]:
    agents = {user.pk: user.label() for user in User.objects.all()} if scope.sees_agents else {}
    return {
        "team": dict(Team.objects.values_list("pk", "name")),
        "agent": agents,
        "category": {category.pk: category.name_for(get_language() or "ko") for category in Category.objects.all()},
    }
