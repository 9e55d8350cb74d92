"""Disputes in the demo, so that the dispute pages show the process a customer and the shop go through: one
waiting for the shop's answer, and one in negotiation with the shop's answer and a structured offer. Both are
filed by the customer of a finished refund or return case and go through ``odr.actions`` (events, audit chain,
notices), as a real filing does."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases.models import FINISHED_STATUSES, Case
from soridam.odr import actions
from soridam.odr.models import Dispute, Role

# Per language: the issues the customer files, what they want (with the amount), and the shop's answer.
_FILINGS = {
    "ko": (
        ["반품을 받아 주지 않았습니다", "상품 불량인데 왕복 배송비를 제가 내라고 합니다"],
        "refund",
        39_000,
        "검수 결과 사용 흔적이 있어 반품이 어려웠습니다. 배송비를 빼고 환불해 드리는 방안을 제안드립니다.",
    ),
    "en": (
        ["My return was refused", "The item was faulty but I was asked to pay shipping both ways"],
        "refund",
        39_000,
        "Our inspection found signs of use, so the return was refused. We propose a refund less the shipping.",
    ),
}


def seed_disputes(admin: User) -> list[Dispute]:
    """File two demo disputes (none when the demo has no finished refund or return case, or has disputes)."""
    if Dispute.objects.exists():
        return []
    cases = list(
        Case.objects.filter(category__slug="refund_return", status__in=FINISHED_STATUSES)
        .select_related("customer")
        .order_by("pk")[:2]
    )
    disputes = [_file(case) for case in cases]
    if len(disputes) == 2:
        _answer_with_offer(disputes[1], Actor(user=admin))
    return disputes


def _file(case: Case) -> Dispute:
    issues, outcome, amount, _answer = _FILINGS.get(case.language, _FILINGS["ko"])
    filing = actions.Filing(
        order_number=case.order_number, issues=issues, desired_outcome=outcome, desired_amount=amount
    )
    return actions.file_dispute(case, filing, actor=Actor(customer=case.customer))


def _answer_with_offer(dispute: Dispute, shop: Actor) -> None:
    *_, answer = _FILINGS.get(dispute.case.language, _FILINGS["ko"])
    actions.answer(dispute, answer, actor=shop)
    perform_by = (timezone.localtime() + timedelta(days=3)).date()
    actions.make_offer(dispute, Role.RESPONDENT, "refund", 33_000, perform_by, actor=shop)
