"""Spike detection over daily counts (R-RCA-3): pure functions, no database.

A day is a spike for a key (a category, a product) when its count is at least ``RATIO`` × its weekday-adjusted
baseline with at least ``MIN_CASES`` cases, or when its z-score against that baseline is at least ``Z_LIMIT``.

The baseline is the mean of the 28 days before the day, scaled by the day's weekday factor: complaints come in
a weekly rhythm (Mondays carry the weekend's, Sundays are quiet), so a Monday is compared with what Mondays
bring, not with the week's mean. The factors come from a series with more volume than one key (the period's
total, ``weekday_factors``) when the caller has one; a key's own four Mondays are too few to tell a pattern.
The z-score divides by the spread of the 28 days around their own adjusted baseline, and never by less than
the Poisson spread of the baseline (``sqrt``) or 1: a flat series would otherwise make any extra case
"infinitely" unusual.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

WINDOW_DAYS = 28
RATIO = 2.0
MIN_CASES = 5
Z_LIMIT = 3.0
FLAT = (1.0,) * 7


@dataclass(frozen=True)
class Finding:
    count: int
    baseline: float
    z_score: float

    @property
    def ratio(self) -> float:
        return self.count / self.baseline if self.baseline > 0 else math.inf


def window(day: date) -> list[date]:
    """The 28 days before ``day``, oldest first."""
    return [day - timedelta(days=back) for back in range(WINDOW_DAYS, 0, -1)]


def weekday_factors(counts: Mapping[date, int], day: date) -> tuple[float, ...]:
    """Each weekday's share of the 28 days before ``day`` (Monday first), 1.0 meaning an average day. A
    weekday with nothing in a quiet series keeps a small floor, so a case on it is not an infinite jump."""
    days = window(day)
    total = sum(counts.get(d, 0) for d in days)
    if total == 0:
        return FLAT
    mean = total / WINDOW_DAYS
    sums = [0.0] * 7
    for d in days:
        sums[d.weekday()] += counts.get(d, 0)
    return tuple(max(weekday_sum / (WINDOW_DAYS / 7) / mean, 0.1) for weekday_sum in sums)


def detect(counts: Mapping[date, int], day: date, factors: Sequence[float] | None = None) -> Finding | None:
    """The finding when ``day`` is a spike for the series ``counts`` (missing days count 0), else None."""
    factors = factors if factors is not None else weekday_factors(counts, day)
    days = window(day)
    mean = sum(counts.get(d, 0) for d in days) / WINDOW_DAYS
    baseline = mean * factors[day.weekday()]
    residuals = [counts.get(d, 0) - mean * factors[d.weekday()] for d in days]
    spread = math.sqrt(sum(r * r for r in residuals) / (WINDOW_DAYS - 1))
    count = counts.get(day, 0)
    z_score = (count - baseline) / max(spread, math.sqrt(baseline), 1.0)
    fires = (count >= MIN_CASES and count >= RATIO * baseline) or z_score >= Z_LIMIT
    return Finding(count=count, baseline=round(baseline, 2), z_score=round(z_score, 2)) if fires else None
