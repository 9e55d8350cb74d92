"""Writing and reading the access log (R-SEC-5): who viewed, searched, exported, edited or revealed personal
data, when, from where, about whom, and why. One INSERT per request; nothing else on the request path.

Entries are kept two years (the ``access_log`` retention class) and then destroyed by the daily purge
(``privacy.retention``). The monthly review (``monthly_report``) is for the privacy officer.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count
from django.utils import timezone

from soridam.privacy import pii
from soridam.privacy.models import AccessAction, AccessLog

# A person whose month holds more views or searches than this many times the median of everyone who logged
# any is flagged for review: an agent working through a normal queue stays well below it.
UNUSUAL_FACTOR = 3
UNUSUAL_FLOOR = 50


def client_ip(request: Any) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def record(
    request: Any,
    action: AccessAction,
    *,
    case_id: int | None = None,
    customer_id: int | None = None,
    reason: str = "",
    detail: str = "",
) -> AccessLog:
    """One entry for ``request.user``. ``detail`` is masked here, whatever the caller passes; a search's words
    also lose every long number."""
    return AccessLog.objects.create(
        user=request.user,
        ip=client_ip(request),
        case_id=case_id,
        customer_id=customer_id,
        action=action,
        reason=" ".join(reason.split())[:2000],
        detail=masked_detail(detail) if action == AccessAction.SEARCH else pii.mask(detail)[:300],
    )


_LONG_NUMBER = re.compile(r"\d(?:[\d -]*\d){7,}")  # eight or more digits, however they are grouped


def masked_detail(text: str) -> str:
    """Search words or a file name, masked: the detector's masks, and any long number whatever its context
    (someone searching for a bare account number must not leave it in the log). The last four digits stay."""
    masked = pii.mask(" ".join(text.split()))
    return _LONG_NUMBER.sub(lambda m: _hide_digits_but_last(m.group(), 4), masked)[:300]


def _hide_digits_but_last(value: str, keep: int) -> str:
    total = sum(ch.isdigit() for ch in value)
    seen, out = 0, []
    for ch in value:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen > total - keep else "*")
        else:
            out.append(ch)
    return "".join(out)


@dataclass
class MonthlyReport:
    month: date
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # user label -> action -> count
    reasoned: list[AccessLog] = field(default_factory=list)  # every reveal, original and export, with its reason
    unusual: list[str] = field(default_factory=list)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month in the site's time zone (Asia/Seoul): a review by calendar month as the officer reads it."""
    zone = timezone.get_current_timezone()
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return datetime(month.year, month.month, 1, tzinfo=zone), datetime(following.year, following.month, 1, tzinfo=zone)


def monthly_report(month: date) -> MonthlyReport:
    start, end = month_bounds(month)
    entries = AccessLog.objects.filter(created_at__gte=start, created_at__lt=end)
    report = MonthlyReport(month=month)
    for row in entries.values("user__username", "action").annotate(n=Count("id")).order_by("user__username"):
        report.counts.setdefault(row["user__username"], {})[row["action"]] = row["n"]
    with_reason = (AccessAction.REVEAL, AccessAction.VIEW_ORIGINAL, AccessAction.EXPORT)
    report.reasoned = list(entries.filter(action__in=with_reason).select_related("user").order_by("created_at", "id"))
    report.unusual = _unusual(report.counts)
    return report


def _unusual(counts: dict[str, dict[str, int]]) -> list[str]:
    volume = Counter({user: by.get("view", 0) + by.get("search", 0) for user, by in counts.items()})
    if not volume:
        return []
    ordered = sorted(volume.values())
    median = ordered[len(ordered) // 2]
    limit = max(UNUSUAL_FLOOR, UNUSUAL_FACTOR * median)
    return sorted(user for user, n in volume.items() if n > limit)


def report_month(text: str) -> date | None:
    """``YYYY-MM`` from the query string; empty means the month before this one (the one to review now)."""
    if not text:
        first = timezone.localdate().replace(day=1)
        return (first - timedelta(days=1)).replace(day=1)
    try:
        return datetime.strptime(text, "%Y-%m").date()  # noqa: DTZ007 - a calendar month, no time of day
    except ValueError:
        return None


def report_context(report: MonthlyReport) -> dict[str, Any]:
    """The counts as a table: one row per account, one column per action."""
    actions = list(AccessAction.choices)
    rows = [
        {"user": user, "counts": [by.get(action, 0) for action, _label in actions]}
        for user, by in sorted(report.counts.items())
    ]
    return {"report": report, "actions": actions, "rows": rows}
