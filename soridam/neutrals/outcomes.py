"""Outcomes per neutral (R-ODR-9): disputes mediated, settlement rate, compliance rate, mean duration, and
the outliers raised as workspace alerts to the administrators.

What a dispute's outcome is comes from ``dispute_outcome`` alone, which reads ``Dispute.state`` for now:
the dispute process (soridam/odr) will add outcome fields, and only that function changes then.

An outlier: a neutral with at least ``SORIDAM_NEUTRAL_OUTLIER_MIN_CASES`` finished disputes whose rate is
more than ``OUTLIER_Z`` standard deviations from the mean of the other neutrals (with enough cases). The
other neutrals, not the whole roster: with the neutral in its own baseline, one outlier among k neutrals
can never reach z = 2 when k < 6. The spread has a floor (``MIN_SPREAD``) so that a roster of identical
rates does not flag a one-case difference.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from soridam.accounts.models import Role, User
from soridam.alerts import fanout
from soridam.alerts.models import Alert, AlertKind
from soridam.audit.actors import Actor
from soridam.neutrals.models import Draw, DrawState, Neutral, Outlier, OutlierMeasure, Party
from soridam.odr.models import Dispute, DisputeState

OUTLIER_Z = 2.0
MIN_SPREAD = 0.05
REPORTER = Actor(system="neutrals")


@dataclass(frozen=True)
class Outcome:
    ended: bool
    settled: bool
    complied: bool | None  # None: nothing to carry out yet, or not known
    favours: Party | None  # the side a settlement favours, when known
    ended_at: datetime | None


def dispute_outcome(dispute: Dispute) -> Outcome:
    """The outcome of a dispute, from its state: settled (carried out), in compliance (settled, being carried
    out), or ended without a settlement (closed, withdrawn, referred)."""
    state = dispute.state
    if state == DisputeState.SETTLED:
        return Outcome(ended=True, settled=True, complied=True, favours=None, ended_at=None)
    if state == DisputeState.COMPLIANCE:
        return Outcome(ended=True, settled=True, complied=None, favours=None, ended_at=None)
    if state in (DisputeState.CLOSED, DisputeState.WITHDRAWN, DisputeState.REFERRED):
        return Outcome(ended=True, settled=False, complied=None, favours=None, ended_at=None)
    return Outcome(ended=False, settled=False, complied=None, favours=None, ended_at=None)


OutcomeOf = Callable[[Dispute], Outcome]


@dataclass(frozen=True)
class NeutralRow:
    neutral: Neutral
    cases: int
    finished: int
    settlement_rate: float | None
    compliance_rate: float | None
    claimant_favoured_rate: float | None
    mean_days: float | None
    last_dispute: Dispute | None


def _rate(hits: int, total: int) -> float | None:
    return hits / total if total else None


def _row(neutral: Neutral, draws: list[Draw], outcome_of: OutcomeOf) -> NeutralRow:
    outcomes = [(draw, outcome_of(draw.dispute)) for draw in draws]
    finished = [(draw, o) for draw, o in outcomes if o.ended]
    judged = [o for _d, o in finished if o.complied is not None]
    sided = [o for _d, o in finished if o.settled and o.favours is not None]
    durations = [
        (o.ended_at - draw.appointed_at).total_seconds() / 86400
        for draw, o in finished
        if o.ended_at is not None and draw.appointed_at is not None
    ]
    return NeutralRow(
        neutral=neutral,
        cases=len(draws),
        finished=len(finished),
        settlement_rate=_rate(sum(o.settled for _d, o in finished), len(finished)),
        compliance_rate=_rate(sum(bool(o.complied) for o in judged), len(judged)),
        claimant_favoured_rate=_rate(sum(o.favours == Party.CLAIMANT for o in sided), len(sided)),
        mean_days=statistics.fmean(durations) if durations else None,
        last_dispute=draws[-1].dispute if draws else None,
    )


def report(outcome_of: OutcomeOf = dispute_outcome) -> list[NeutralRow]:
    """One row per neutral on the roster (or who ever mediated), by id."""
    appointed = Draw.objects.filter(state=DrawState.APPOINTED).select_related("dispute").order_by("appointed_at", "pk")
    by_neutral: dict[int, list[Draw]] = {}
    for draw in appointed:
        by_neutral.setdefault(draw.neutral_id or 0, []).append(draw)
    neutrals = Neutral.objects.filter(Q(active=True) | Q(pk__in=list(by_neutral))).select_related("user")
    return [_row(neutral, by_neutral.get(neutral.pk, []), outcome_of) for neutral in neutrals.order_by("pk")]


@dataclass(frozen=True)
class Finding:
    row: NeutralRow
    measure: OutlierMeasure
    value: float
    mean: float
    spread: float


def _values(rows: list[NeutralRow], measure: OutlierMeasure) -> list[tuple[NeutralRow, float]]:
    minimum = settings.SORIDAM_NEUTRAL_OUTLIER_MIN_CASES
    if measure == OutlierMeasure.SETTLEMENT_RATE:
        return [(r, r.settlement_rate) for r in rows if r.finished >= minimum and r.settlement_rate is not None]
    return [
        (r, r.claimant_favoured_rate) for r in rows if r.finished >= minimum and r.claimant_favoured_rate is not None
    ]


def outliers(rows: list[NeutralRow]) -> list[Finding]:
    """Neutrals more than ``OUTLIER_Z`` spreads from the others' mean, on each measure (pure)."""
    found = []
    for measure in OutlierMeasure:
        values = _values(rows, measure)
        for index, (row, value) in enumerate(values):
            others = [v for i, (_r, v) in enumerate(values) if i != index]
            if len(others) < 2:
                continue
            mean, spread = statistics.fmean(others), max(statistics.pstdev(others), MIN_SPREAD)
            if abs(value - mean) > OUTLIER_Z * spread:
                found.append(Finding(row, measure, value, mean, spread))
    return found


def administrators() -> list[User]:
    return list(User.objects.filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True))


def raise_outlier_alerts(now: datetime | None = None, outcome_of: OutcomeOf = dispute_outcome) -> list[Outlier]:
    """Store today's outliers (once per neutral, measure and day) and alert the administrators on the case of
    the neutral's latest dispute; the alert opens the neutral's report page. Returns the new outliers."""
    day: date = timezone.localtime(now or timezone.now()).date()
    stored = []
    for finding in outliers(report(outcome_of)):
        with transaction.atomic():
            outlier, created = Outlier.objects.get_or_create(
                neutral=finding.row.neutral,
                measure=finding.measure,
                day=day,
                defaults={
                    "value": finding.value,
                    "roster_mean": finding.mean,
                    "roster_sd": finding.spread,
                    "cases": finding.row.finished,
                },
            )
            if created:
                _alert(finding.row)
                stored.append(outlier)
    return stored


def _alert(row: NeutralRow) -> list[Alert]:
    if row.last_dispute is None:
        return []
    case = row.last_dispute.case
    people = administrators()
    return fanout.for_people(case, AlertKind.NEUTRAL_OUTLIER, people, actor=REPORTER, detail=str(row.neutral.pk))
