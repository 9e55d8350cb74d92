"""R-ODR-9: outcomes per neutral and the outlier alerts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from soridam.alerts.models import Alert, AlertKind
from soridam.cases.models import Case
from soridam.neutrals import outcomes
from soridam.neutrals.models import Draw, DrawState, Neutral, Outlier, OutlierMeasure
from soridam.neutrals.tests.factories import make_dispute, make_neutral, make_shop
from soridam.odr.models import DisputeState


@pytest.fixture
def mediated(make_case: Callable[..., Case]) -> Callable[[Neutral, list[str]], None]:
    case = make_case(email="claimant@example.kr")
    shop = make_shop()

    def make(neutral: Neutral, states: list[str]) -> None:
        for state in states:
            dispute = make_dispute(case, shop, state=state)
            Draw.objects.create(dispute=dispute, number=1, seed="s", neutral=neutral, state=DrawState.APPOINTED)

    return make


def test_dispute_outcome_reads_the_state() -> None:
    from soridam.odr.models import Dispute

    assert outcomes.dispute_outcome(Dispute(state=DisputeState.SETTLED)).settled
    assert outcomes.dispute_outcome(Dispute(state=DisputeState.COMPLIANCE)).complied is None
    assert not outcomes.dispute_outcome(Dispute(state=DisputeState.CLOSED)).settled
    assert not outcomes.dispute_outcome(Dispute(state=DisputeState.MEDIATION)).ended


def test_the_report_counts_cases_settlements_and_compliance(mediated: Any) -> None:
    neutral = make_neutral()
    mediated(neutral, [DisputeState.SETTLED, DisputeState.SETTLED, DisputeState.CLOSED, DisputeState.MEDIATION])
    mediated(neutral, [DisputeState.COMPLIANCE])
    row = next(r for r in outcomes.report() if r.neutral.pk == neutral.pk)
    assert (row.cases, row.finished) == (5, 4)
    assert row.settlement_rate == 3 / 4
    assert row.compliance_rate == 1.0  # the two carried out; the one in compliance is not judged yet


def test_a_neutral_far_from_the_others_raises_one_alert_to_the_admins(mediated: Any, root: Any, settings: Any) -> None:
    settings.SORIDAM_NEUTRAL_OUTLIER_MIN_CASES = 4
    usual = [make_neutral() for _ in range(4)]
    for index, neutral in enumerate(usual):
        settled = 2 + index % 2  # 50% or 75%
        mediated(neutral, [DisputeState.SETTLED] * settled + [DisputeState.CLOSED] * (4 - settled))
    odd = make_neutral()
    mediated(odd, [DisputeState.CLOSED] * 6)
    few = make_neutral()
    mediated(few, [DisputeState.CLOSED] * 3)  # below the minimum: never flagged
    found = outcomes.raise_outlier_alerts()
    assert [(o.neutral_id, o.measure) for o in found] == [(odd.pk, OutlierMeasure.SETTLEMENT_RATE)]
    alert = Alert.objects.get(kind=AlertKind.NEUTRAL_OUTLIER)
    assert (alert.recipient, alert.detail) == (root, str(odd.pk))
    assert outcomes.raise_outlier_alerts() == []  # once a day
    assert Outlier.objects.count() == 1


def test_a_roster_of_similar_neutrals_raises_nothing(mediated: Any, root: Any, settings: Any) -> None:
    settings.SORIDAM_NEUTRAL_OUTLIER_MIN_CASES = 4
    for index in range(5):
        settled = 2 + index % 2
        mediated(make_neutral(), [DisputeState.SETTLED] * settled + [DisputeState.CLOSED] * (4 - settled))
    assert outcomes.raise_outlier_alerts() == []
