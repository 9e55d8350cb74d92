"""The pure state machine: moves, expiry actions, deadlines on the Korean business calendar."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from soridam.odr import packs, states
from soridam.odr.models import DisputeState as S
from soridam.sla.schedules import default_schedule

SEOUL = ZoneInfo("Asia/Seoul")


def test_terminal_states_allow_no_move() -> None:
    for terminal in states.TERMINAL:
        for target in S.values:
            assert not states.can_move(terminal, target)


def test_settlement_withdrawal_and_referral_from_every_open_state() -> None:
    for state in set(S.values) - states.TERMINAL:
        assert states.can_move(state, S.WITHDRAWN)
        assert states.can_move(state, S.REFERRED)
        assert states.can_move(state, S.CLOSED)
        assert state == S.COMPLIANCE or states.can_move(state, S.COMPLIANCE)


def test_no_skipping_forward() -> None:
    assert not states.can_move(S.ANSWER, S.RECOMMENDATION)
    assert not states.can_move(S.NEGOTIATION, S.ARBITRATION)
    assert not states.can_move(S.FILING, S.MEDIATION)


def test_every_open_state_has_a_deadline_and_an_expiry_that_moves_on() -> None:
    pack = packs.current("KR")
    for state in set(S.values) - states.TERMINAL:
        assert states.deadline_days(pack, state) > 0
        expiry = states.on_expiry(state, states.Facts())
        assert expiry.state != state or expiry.escalate
        # after the grace period, an escalating state ends
        assert states.on_expiry(state, states.Facts(escalated=True)).state != state


def test_answer_expiry_deems_a_pledged_merchant_to_accept() -> None:
    assert states.on_expiry(S.ANSWER, states.Facts(pledged=True)).reason == "deemed_acceptance"
    assert states.on_expiry(S.ANSWER, states.Facts()).state == S.CLOSED
    assert states.on_expiry(S.ANSWER, states.Facts(mediation_asked=True)).state == S.MEDIATION


def test_recommendation_silence_is_asymmetric_as_tagged() -> None:
    silent = states.Facts(answers=("accept", ""))
    assert states.on_expiry(S.RECOMMENDATION, silent).state == S.CLOSED  # an unpledged merchant's silence rejects
    pledged = states.Facts(pledged=True, answers=("accept", ""))
    assert states.on_expiry(S.RECOMMENDATION, pledged).state == S.COMPLIANCE
    consumer_silent = states.Facts(pledged=True, answers=("", "accept"))
    assert states.on_expiry(S.RECOMMENDATION, consumer_silent).state == S.CLOSED  # never binds the consumer


def test_business_days_skip_weekends_and_korean_holidays() -> None:
    schedule = default_schedule()
    friday = datetime(2026, 9, 18, 10, 0, tzinfo=SEOUL)  # 추석 2026: 24-26 Sept (Thu-Sat)
    assert states.add_business_days(schedule, friday, 3) == datetime(2026, 9, 23, 10, 0, tzinfo=SEOUL)
    wednesday = datetime(2026, 9, 23, 10, 0, tzinfo=SEOUL)
    # Thu 24, Fri 25 holidays, Sat, Sun; Mon 28 is business day 1
    assert states.add_business_days(schedule, wednesday, 1) == datetime(2026, 9, 28, 10, 0, tzinfo=SEOUL)
    assert states.business_days_between(schedule, wednesday, datetime(2026, 9, 28, 9, 0, tzinfo=SEOUL)) == 1


def test_the_kr_pack_maximum_covers_the_longest_path() -> None:
    pack = packs.current("KR")
    # filing 1 + answer 3 + negotiation 10 + mediation 60 + arbitration 30+3 + compliance 10+3
    assert states.max_business_days(pack) == 120
