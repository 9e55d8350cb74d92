"""The demo's root-cause story (issue 17): a morning of broken parcel boxes.

Six customers wrote this morning about boxes that arrived crushed; the real spike detector (``rca.detection``) sees
the delivery category jump against its weekday baseline and alerts the delivery lead, who records the
proposed problem in one click (its cases linked) and starts investigating. A share of the finished demo cases
get cause codes, so the cause report by category is not empty.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from soridam.accounts.models import Membership
from soridam.audit.actors import Actor
from soridam.cases import actions, rca_actions
from soridam.cases.models import FINISHED_STATUSES, Case, Category
from soridam.customers.actions import Contact
from soridam.demo.backdating import Backdating
from soridam.demo.people import demo_contacts
from soridam.rca import actions as problem_actions
from soridam.rca import detection, pages
from soridam.rca.models import CauseCode, ProblemStatus

CRUSHED_BOXES = (
    ("택배 상자가 찌그러져서 왔어요", "오늘 받은 택배 상자가 완전히 찌그러져 있고 안의 컵이 깨졌습니다."),
    ("박스 파손 배송", "박스가 파손된 채로 배송되었습니다. 사진 첨부합니다."),
    ("상자 파손, 내용물 손상", "상자 모서리가 터져서 내용물이 젖었어요."),
    ("Box arrived crushed", "The parcel box was crushed and the bottle inside is broken."),
    ("택배 박스가 다 뜯어져서 왔어요", "포장 박스가 뜯어지고 찌그러져서 왔습니다. 교환 부탁드립니다."),
    ("배송 상자 파손", "오늘 도착한 상자가 심하게 파손되어 있었습니다."),
)
# The cause a finished case gets, by its category (the demo's story: most delivery trouble is logistics).
CAUSES = {
    "delivery": (CauseCode.LOGISTICS, CauseCode.LOGISTICS, CauseCode.COMMUNICATION),
    "refund_return": (CauseCode.POLICY, CauseCode.PROCESS, CauseCode.MISUNDERSTANDING),
    "payment": (CauseCode.PROCESS, CauseCode.MISUNDERSTANDING),
    "product": (CauseCode.PRODUCT_DEFECT, CauseCode.PRODUCT_DEFECT, CauseCode.MISUNDERSTANDING),
}


# How long before the seed the crushed boxes were reported.
CRUSHED_BOXES_AGO = timedelta(minutes=40)


def file_crushed_boxes(backdating: Backdating, now: datetime) -> list[int]:
    """This morning's complaints about crushed boxes (filed as the story's last step, backdated with it)."""
    backdating.mark(now - CRUSHED_BOXES_AGO)
    delivery = Category.objects.get(slug="delivery")
    contacts = demo_contacts()
    filed = []
    for index, (subject, body) in enumerate(CRUSHED_BOXES):
        contact: Contact = contacts[(index * 7) % len(contacts)]
        filed.append(actions.open_case(actions.NewCase(subject, body, contact, category=delivery)).pk)
    return filed


def seed_root_causes(now: datetime) -> int | None:
    """Give cause codes, run the spike detector on the delivery category and record the problem; returns its
    id (None when the detector found nothing, e.g. a demo already busy with delivery complaints)."""
    with transaction.atomic():
        _give_causes()
        # On the day the boxes were reported: seeded in the first 40 minutes after midnight (Seoul), that is
        # yesterday, and the detector's "today" would hold none of them.
        reported = now - CRUSHED_BOXES_AGO
        found = detection.detect_spikes(reported, only=("category", "delivery"), days_back=0)
        lead = Membership.objects.filter(team__slug="delivery", is_lead=True).select_related("user").first()
        if not found or lead is None:
            return None
        problem = pages.problem_from_spike(max(found, key=lambda spike: spike.day), lead.user)
        actor = Actor(user=lead.user)
        problem.hypothesis = "새 포장 협력사로 바뀐 뒤 얇은 골판지 상자가 쓰이고 있다."
        problem.save(update_fields=["hypothesis"])
        problem_actions.move_problem(problem, ProblemStatus.INVESTIGATING, actor=actor, note="포장 협력사 확인 중")
        return problem.pk


def _give_causes() -> None:
    """Every other finished case of the four categories gets a cause code, as its agent would have given."""
    finished = Case.objects.filter(status__in=FINISHED_STATUSES, category__slug__in=list(CAUSES))
    for number, case in enumerate(finished.select_related("category", "assignee").order_by("pk")):
        if number % 2 or case.category is None:
            continue
        codes = CAUSES[case.category.slug]
        locked = Case.objects.select_for_update().get(pk=case.pk)
        rca_actions.set_cause(locked, codes[number % len(codes)], actor=Actor(user=case.assignee))
