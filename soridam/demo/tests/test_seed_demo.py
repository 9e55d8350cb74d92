from __future__ import annotations

from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Sum
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from soridam.accounts.models import Membership, Role, Team, User
from soridam.analytics.models import CaseFact, DailyRollup
from soridam.audit.audit import first_broken_entry, stream_of
from soridam.audit.models import AuditEntry
from soridam.cases.models import Case, Category, Message, Priority, Status, TimelineEvent
from soridam.cases.stages import Stage
from soridam.channels.kinds import Channel
from soridam.customers.models import Customer
from soridam.demo.rca import CRUSHED_BOXES
from soridam.demo.writing import fix_particles
from soridam.followup.models import Survey
from soridam.lib import jobs
from soridam.notifications.tasks import deliver_outbound
from soridam.odr.models import Dispute, DisputeState, Offer
from soridam.rca.models import CaseCause, ProblemStatus, Spike
from soridam.routing.models import AgentState, Presence

pytestmark = pytest.mark.django_db


def seed(*args: str, history_days: int = 0) -> str:
    """Without the analytics history by default: these tests count the stories' cases."""
    out = StringIO()
    call_command("seed_demo", *args, "--history-days", str(history_days), stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "cases": Case.objects.count(),
        "customers": Customer.objects.count(),
        "users": User.objects.count(),
        "teams": Team.objects.count(),
        "messages": Message.objects.count(),
        "events": TimelineEvent.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def test_seed_demo_creates_teams_staff_customers_and_300_cases_across_every_stage_status_and_channel() -> None:
    output = seed()

    assert Team.objects.count() == 3
    assert not Team.objects.filter(email_address="").exists()
    assert not Category.objects.filter(default_team__isnull=True).exists()
    staff = User.objects.exclude(role=Role.CUSTOMER)
    assert staff.count() == 8
    assert staff.filter(is_superuser=True).count() == 1
    assert Membership.objects.filter(is_lead=True).values("team").distinct().count() == 3
    assert Customer.objects.count() == 60
    assert all(email.split("@")[1].startswith("example.") for email in Customer.objects.values_list("email", flat=True))
    assert set(Customer.objects.values_list("language", flat=True)) == {"ko", "en"}

    assert Case.objects.count() == 300 + len(CRUSHED_BOXES)  # the stories, and today's spike of crushed boxes
    spike = Spike.objects.get()  # the demo's one spike, found by the real detector, recorded as a problem
    assert (spike.key, spike.problem is not None) == ("delivery", True)
    assert spike.problem.status == ProblemStatus.INVESTIGATING
    assert spike.problem.cases.count() == spike.count
    assert CaseCause.objects.exists()
    assert set(Case.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert {Status.OPEN, Status.WAITING, Status.SOLVED, Status.CLOSED, Status.SPAM} <= set(
        Case.objects.values_list("status", flat=True)
    )
    assert set(Case.objects.values_list("channel", flat=True)) == set(Channel.values)
    assert set(Case.objects.values_list("priority", flat=True)) == set(Priority.values)
    assert set(Case.objects.values_list("category__slug", flat=True)) >= set(
        Category.objects.values_list("slug", flat=True)
    )
    active = Case.objects.filter(status__in=[Status.OPEN, Status.WAITING]).count()
    assert active > Case.objects.filter(status__in=[Status.SOLVED, Status.CLOSED]).count()
    assert {"customer", "reply", "note"} <= set(Message.objects.values_list("kind", flat=True))
    assert Survey.objects.filter(rating__isnull=False).count() >= 10
    _assert_two_disputes_filed_through_the_odr_actions()

    assert "Demo logins (demo only, bound to 127.0.0.1): admin / soridam-admin" in output
    assert "http://127.0.0.1:8000/workspace/" in output
    assert "http://127.0.0.1:8000/complaint/" in output


def _assert_two_disputes_filed_through_the_odr_actions() -> None:
    """One waits for the shop's answer; the other is in negotiation with the shop's answer and offer."""
    disputes = list(Dispute.objects.order_by("pk"))
    assert [dispute.state for dispute in disputes] == [DisputeState.ANSWER, DisputeState.NEGOTIATION]
    assert all(d.case.status in (Status.SOLVED, Status.CLOSED) and d.claimant == d.case.customer for d in disputes)
    assert [offer.amount for offer in Offer.objects.filter(dispute=disputes[1])] == [33_000]
    for dispute in disputes:
        assert first_broken_entry(f"odr.dispute:{dispute.pk}") is None
        assert AuditEntry.objects.filter(stream=f"odr.dispute:{dispute.pk}").count() >= 2


def test_seeded_cases_were_made_through_the_actions_layer_with_timeline_and_intact_audit() -> None:
    seed("--cases", "30")

    without_events = Case.objects.annotate(n=Count("events")).filter(n=0)
    assert not without_events.exists()
    assert Case.objects.filter(stage=Stage.FOLLOW_UP).exists() or Case.objects.filter(stage=Stage.RESOLUTION).exists()
    for case in Case.objects.all():
        assert AuditEntry.objects.filter(stream=stream_of(case), action="case.created").count() == 1
        assert first_broken_entry(stream_of(case)) is None


def test_seeded_history_is_backdated_in_order_and_spread_over_weeks() -> None:
    before = timezone.now()
    seed("--cases", "30")

    created = list(Case.objects.values_list("created_at", flat=True))
    assert max(created) < before
    assert max(created) - min(created) > timedelta(days=14)
    for case in Case.objects.all():
        times = list(case.events.order_by("id").values_list("created_at", flat=True))
        assert times == sorted(times)
        assert times[0] == pytest.approx(case.created_at, abs=timedelta(seconds=1))
        if not case.problem_links.exists():  # linking to the demo's problem is the seed's last, real-time step
            assert case.updated_at < before
        stamps = [case.stage_entered_at(stage) for stage in Stage.values]
        reached = [stamp for stamp in stamps if stamp is not None]
        assert reached == sorted(reached)


def test_seed_demo_with_if_empty_adds_nothing_when_there_are_cases() -> None:
    seed("--cases", "20")
    before = counts()

    output = seed("--if-empty")

    assert counts() == before
    assert "nothing seeded" in output
    assert "Demo logins (demo only, bound to 127.0.0.1)" in output


def test_seed_demo_keeps_an_existing_account_and_its_password() -> None:
    User.objects.create_user(username="admin", password="my-own-secret", role=Role.ADMIN)

    seed("--cases", "5")

    admin = User.objects.get(username="admin")
    assert admin.check_password("my-own-secret")
    assert Case.objects.count() == 5 + len(CRUSHED_BOXES)


def test_seed_demo_refuses_outside_demo_mode(settings: Any) -> None:
    settings.SORIDAM_DEMO = False

    with pytest.raises(CommandError):
        seed()
    assert "no demo data seeded" in seed("--if-empty")
    assert Case.objects.count() == 0
    assert not User.objects.exists()


def test_same_seed_tells_the_same_demo() -> None:
    seed("--cases", "12", "--seed", "5")
    first = list(Case.objects.order_by("id").values_list("subject", "stage", "status", "channel"))
    Case.objects.all().delete()

    seed("--cases", "12", "--seed", "5")

    assert list(Case.objects.order_by("id").values_list("subject", "stage", "status", "channel")) == first


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("러닝화 에어라이트이(가) 왔어요", "러닝화 에어라이트가 왔어요"),
        ("원목 책상이(가) 왔어요", "원목 책상이 왔어요"),
        ("무선 청소기 S9을(를) 받았어요", "무선 청소기 S9를 받았어요"),
        ("전기포트 1.7L은(는) 좋아요", "전기포트 1.7L은 좋아요"),
    ],
)
def test_korean_particles_follow_the_last_sound_of_the_word(text: str, expected: str) -> None:
    assert fix_particles(text) == expected


def test_seed_builds_the_search_index_itself_and_queues_no_index_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    seed("--cases", "20")

    queued = set(DBTaskResult.objects.ready().values_list("task_path", flat=True))
    assert "soridam.notifications.tasks.deliver_outbound" in queued  # the seed's mail still goes out
    assert not queued & {"soridam.search.tasks.index_case", "soridam.kb.indexing.index_article"}
    answer = Client().get("/help/suggest", {"q": "환불"})
    assert answer.status_code == 200
    assert "/help/articles/" in answer.content.decode()  # articles, not an empty list


def test_demo_agents_start_online_so_routing_assigns_to_them() -> None:
    seed("--cases", "5")
    online = set(AgentState.objects.filter(presence=Presence.ONLINE).values_list("agent__username", flat=True))
    assert online == {"jihoon", "minji", "emma", "seoyeon", "doyun", "haeun", "james"}
    seed("--if-empty")  # a second `make run`: nothing seeded, nobody changed
    assert AgentState.objects.filter(presence=Presence.ONLINE).count() == 7


def test_the_seeds_own_jobs_queue_behind_a_new_customers_acknowledgement(settings: Any) -> None:
    """A fresh `make run` acknowledges the first real case at once, not after the demo's ~800 history mails."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    seed("--cases", "20")
    seeded = DBTaskResult.objects.ready()
    assert seeded.exists()
    assert not seeded.filter(priority__gt=jobs.BACKGROUND).exists()

    deliver_outbound.using(priority=jobs.CUSTOMER).enqueue(0)
    assert DBTaskResult.objects.ready().first().task_path == "soridam.notifications.tasks.deliver_outbound"
    assert DBTaskResult.objects.ready().first().priority == jobs.CUSTOMER


def test_seed_demo_stores_cafe24_orders_for_demo_customers_and_links_them_to_their_cases() -> None:
    from soridam.demo.shop import DEMO_SHOP_SLUG, seed_demo_orders
    from soridam.orders.models import CaseOrder, Order, Shop
    from soridam.orders.sync import syncable_shops

    seed("--cases", "40")
    shop = Shop.objects.get(slug=DEMO_SHOP_SLUG)
    assert shop.options["demo"] is True
    assert shop not in syncable_shops()
    orders = Order.objects.filter(shop=shop)
    assert orders.exists()
    assert not orders.filter(customer__isnull=True).exists()
    link = CaseOrder.objects.select_related("case", "order").first()
    assert link is not None
    assert link.case.order_number == link.order.number
    assert link.order.raw["order_id"] == link.order.number  # the Cafe24 payload, normalised for real
    before = (orders.count(), CaseOrder.objects.count())
    assert seed_demo_orders() == 0  # seeding again changes nothing
    assert (orders.count(), CaseOrder.objects.count()) == before


def test_seed_demo_adds_closed_history_and_builds_the_analytics_rollups() -> None:
    output = seed(history_days=60)
    history = Case.objects.filter(events__isnull=True, status=Status.CLOSED)
    assert 150 < history.count() < 600  # about six a day for 60 days, quieter at weekends
    assert "Analytics:" in output
    assert DailyRollup.objects.aggregate(cases=Sum("cases"))["cases"] == CaseFact.objects.count()
    assert CaseFact.objects.filter(first_response_seconds__isnull=False).count() >= history.count()


def test_the_crushed_boxes_spike_is_found_when_the_demo_is_seeded_just_after_midnight_in_seoul() -> None:
    # 00:10 in Seoul: the boxes were reported 40 minutes earlier, yesterday; the detector looks at that day.
    with time_machine.travel(datetime(2026, 12, 8, 0, 10, tzinfo=ZoneInfo("Asia/Seoul")), tick=True):
        seed("--cases", "100")
    spike = Spike.objects.get()
    assert (spike.key, spike.day, spike.problem is not None) == ("delivery", date(2026, 12, 7), True)
