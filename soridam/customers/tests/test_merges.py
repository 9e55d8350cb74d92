"""Merging two customers an agent found to be one person, and undoing it (R-CRM-2)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.audit.models import AuditEntry
from soridam.cases.models import Case, EventKind, TimelineEvent
from soridam.cases.phone_actions import CallDetails, log_call
from soridam.channels.models import ChannelAccount, MessengerThread
from soridam.channels.phone.models import PhoneCall
from soridam.customers import actions, merges
from soridam.customers.models import Customer, CustomerMerge, CustomerNote, Identity
from soridam.orders.models import Order

pytestmark = pytest.mark.django_db


def _where(customer_ids: tuple[int, int]) -> dict[str, set[tuple[int, int]]]:
    """Which customer holds each identity, case, order and note of the two customers."""
    return {
        "identities": set(Identity.objects.filter(customer_id__in=customer_ids).values_list("pk", "customer_id")),
        "cases": set(Case.objects.filter(customer_id__in=customer_ids).values_list("pk", "customer_id")),
        "orders": set(Order.objects.filter(customer_id__in=customer_ids).values_list("pk", "customer_id")),
        "notes": set(CustomerNote.objects.filter(customer_id__in=customer_ids).values_list("pk", "customer_id")),
        "threads": set(MessengerThread.objects.filter(customer_id__in=customer_ids).values_list("pk", "customer_id")),
        "calls": set(PhoneCall.objects.filter(customer_id__in=customer_ids).values_list("pk", "customer_id")),
    }


@pytest.fixture
def twins(make_case: Callable[..., Case], make_order: Callable[..., Order], alice: User) -> tuple[Customer, Customer]:
    """One person known twice: by a shop e-mail address and by a personal one, each with cases and an order."""
    keep = make_case(email="minji@shop.example", name="김민지").customer
    make_case("교환 문의", email="minji@shop.example")
    gone = make_case("환불 문의", email="Minji.Kim@example.kr", name="김민지").customer
    call_case = make_case("배송 문의", email="minji.kim@example.kr")
    Customer.objects.filter(pk=gone.pk).update(phone="01012345678")
    call_case.refresh_from_db()
    log_call(
        call_case, CallDetails("in", "010-1234-5678", call_case.created_at, 60, "배송 문의"), actor=Actor(user=alice)
    )
    line = ChannelAccount.objects.create(kind="line", name="LINE", slug="line")
    MessengerThread.objects.create(account=line, user_id="U-gone", customer=gone)
    make_order(keep, "20261201-0000001")
    make_order(gone, "20261202-0000002")
    actions.add_note(gone, "전화보다 이메일 선호", author_id=alice.pk)
    actions.link_shop_identity(gone, "demo-shop", "member-9")
    return keep, gone


def test_merging_then_undoing_restores_every_case_identity_order_and_note(
    alice: User, twins: tuple[Customer, Customer]
) -> None:
    keep, gone = twins
    before = _where((keep.pk, gone.pk))
    merge = merges.merge_customers(gone.pk, keep.pk, actor=Actor(user=alice), reason="같은 사람: 주문 번호 확인")
    merged = _where((keep.pk, gone.pk))
    assert all(owner == keep.pk for rows in merged.values() for _pk, owner in rows)
    counts = {kind: len(rows) for kind, rows in merged.items()}
    assert counts == {"identities": 3, "cases": 4, "orders": 2, "notes": 1, "threads": 1, "calls": 1}
    assert merge.moved == {kind: sorted(pk for pk, owner in rows if owner == gone.pk) for kind, rows in before.items()}
    gone.refresh_from_db()
    assert gone.merged_into_id == keep.pk

    merges.undo_merge(merge.pk, actor=Actor(user=alice))
    assert _where((keep.pk, gone.pk)) == before
    gone.refresh_from_db()
    merge.refresh_from_db()
    assert gone.merged_into_id is None
    assert merge.undone_at is not None
    assert merge.undone_by == alice


def test_each_moved_case_says_so_on_its_timeline_and_in_its_audit_stream(
    alice: User, twins: tuple[Customer, Customer]
) -> None:
    keep, gone = twins
    moved = set(Case.objects.filter(customer=gone).values_list("pk", flat=True))
    merge = merges.merge_customers(gone.pk, keep.pk, actor=Actor(user=alice), reason="같은 사람")
    merges.undo_merge(merge.pk, actor=Actor(user=alice))
    events = TimelineEvent.objects.filter(kind=EventKind.CUSTOMER_CHANGED).order_by("pk")
    assert [(e.case_id, e.from_value, e.to_value) for e in events] == [
        *[(pk, f"#{gone.pk}", f"#{keep.pk}") for pk in sorted(moved)],
        *[(pk, f"#{keep.pk}", f"#{gone.pk}") for pk in sorted(moved)],
    ]
    assert {e.reason for e in events[: len(moved)]} == {"같은 사람"}
    streams = AuditEntry.objects.filter(action="case.customer_changed").values_list("stream", flat=True)
    assert sorted(streams) == sorted([f"cases.case:{pk}" for pk in moved] * 2)


def test_the_merge_and_its_undo_are_audited_on_both_customers(alice: User, twins: tuple[Customer, Customer]) -> None:
    keep, gone = twins
    merge = merges.merge_customers(gone.pk, keep.pk, actor=Actor(user=alice), reason="같은 사람")
    merges.undo_merge(merge.pk, actor=Actor(user=alice))
    for customer in (keep, gone):
        entries = AuditEntry.objects.filter(stream=f"customers.customer:{customer.pk}").order_by("seq")
        assert [(e.action, e.actor) for e in entries] == [
            ("customer.merged", f"user:{alice.pk}"),
            ("customer.merge_undone", f"user:{alice.pk}"),
        ]
    assert entries[0].data["moved"] == merge.moved  # exactly what moved, in the tamper-evident log


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_merge_without_a_reason_is_refused_and_moves_nothing(
    alice: User, twins: tuple[Customer, Customer], reason: str
) -> None:
    keep, gone = twins
    before = _where((keep.pk, gone.pk))
    with pytest.raises(merges.MergeRefused):
        merges.merge_customers(gone.pk, keep.pk, actor=Actor(user=alice), reason=reason)
    assert _where((keep.pk, gone.pk)) == before
    assert not CustomerMerge.objects.exists()


def test_a_customer_cannot_be_merged_twice_nor_a_merge_undone_twice(
    alice: User, twins: tuple[Customer, Customer]
) -> None:
    keep, gone = twins
    merge = merges.merge_customers(gone.pk, keep.pk, actor=Actor(user=alice), reason="같은 사람")
    with pytest.raises(merges.MergeRefused):
        merges.merge_customers(gone.pk, keep.pk, actor=Actor(user=alice), reason="또")
    with pytest.raises(merges.MergeRefused):
        merges.merge_customers(keep.pk, keep.pk, actor=Actor(user=alice), reason="자기 자신")
    merges.undo_merge(merge.pk, actor=Actor(user=alice))
    with pytest.raises(merges.MergeRefused):
        merges.undo_merge(merge.pk, actor=Actor(user=alice))


def test_an_agent_merges_from_the_customer_page_and_undoes_it_there(
    alice: User, alice_client: Client, twins: tuple[Customer, Customer]
) -> None:
    keep, gone = twins
    before = _where((keep.pk, gone.pk))
    response = alice_client.post(
        f"/workspace/customers/{keep.pk}/merge/", {"source": gone.pk, "reason": "주문자 정보가 같음"}
    )
    assert response.status_code == 302
    merge = CustomerMerge.objects.get()
    assert (merge.source_id, merge.target_id, merge.reason, merge.merged_by) == (
        gone.pk,
        keep.pk,
        "주문자 정보가 같음",
        alice,
    )
    page = alice_client.get(f"/workspace/customers/{keep.pk}/").content.decode()
    assert f'action="/workspace/merges/{merge.pk}/undo/"' in page
    assert alice_client.post(f"/workspace/merges/{merge.pk}/undo/").status_code == 302
    assert _where((keep.pk, gone.pk)) == before


def test_an_agent_cannot_merge_in_a_customer_they_cannot_see(
    bob_client: Client, make_case: Callable[..., Case]
) -> None:
    theirs = make_case("결제 오류", category="payment", email="lee@example.kr").customer
    hidden = make_case(email="kim@example.kr").customer  # a delivery case: bob's team cannot see it
    response = bob_client.post(f"/workspace/customers/{theirs.pk}/merge/", {"source": hidden.pk, "reason": "같음"})
    assert response.status_code == 404
    assert Case.objects.filter(customer=hidden).count() == 1
    assert not CustomerMerge.objects.exists()
