"""Merging two customers an agent has found to be one person, and undoing it (R-CRM-2).

A merge moves the source customer's identities, cases, orders, notes, messenger threads and logged calls to
the target and writes down
exactly which rows it moved (``CustomerMerge.moved``); the undo moves those rows, and only those, back.
Each moved case gets its timeline entry and audit row through ``cases.customer_actions``; the merge and
the undo are audited on both customers' streams. Nothing here runs by itself: only an identical verified
identifier joins customers automatically, at intake (``customers.actions``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from soridam.audit import audit
from soridam.audit.actors import Actor
from soridam.cases.customer_actions import move_case_to_customer
from soridam.cases.models import Case
from soridam.channels.models import MessengerThread
from soridam.channels.phone.models import PhoneCall
from soridam.customers.models import Customer, CustomerMerge, CustomerNote, Identity
from soridam.orders.models import Order

# Rows that name a customer and move with a merge, besides the cases (which move through the case actions).
# A messenger thread must follow: the next message on it is filed under the thread's customer.
_MOVED_ROWS: dict[str, type[Identity | Order | CustomerNote | MessengerThread | PhoneCall]] = {
    "identities": Identity,
    "orders": Order,
    "notes": CustomerNote,
    "threads": MessengerThread,
    "calls": PhoneCall,
}


class MergeRefused(Exception):
    """The merge or undo cannot be done; the message says why, in words for the agent."""


def merge_customers(source_id: int, target_id: int, *, actor: Actor, reason: str) -> CustomerMerge:
    """Move everything of customer ``source_id`` to ``target_id``; the source stays, marked merged."""
    reason = reason.strip()
    if not reason:
        raise MergeRefused(_("Say why these customers are the same person."))
    if source_id == target_id:
        raise MergeRefused(_("A customer cannot be merged into itself."))
    with transaction.atomic():
        source, target = _locked_customers(source_id, target_id)
        if source.merged_into_id is not None or target.merged_into_id is not None:
            raise MergeRefused(_("One of these customers is already merged into another."))
        moved = _move_all(source, target, actor=actor, reason=reason)
        source.merged_into = target
        source.save(update_fields=["merged_into"])
        merge = CustomerMerge.objects.create(
            source=source, target=target, reason=reason, merged_by=actor.user, moved=moved
        )
        _audit_both(actor, "customer.merged", merge)
        return merge


def undo_merge(merge_id: int, *, actor: Actor) -> CustomerMerge:
    """Put back every identity, case, order and note the merge moved, each to the customer it came from."""
    with transaction.atomic():
        merge = CustomerMerge.objects.select_for_update().filter(pk=merge_id).first()
        if merge is None or merge.undone_at is not None:
            raise MergeRefused(_("This merge has already been undone."))
        source, target = _locked_customers(merge.source_id, merge.target_id)
        if target.merged_into_id is not None:
            raise MergeRefused(_("Undo the later merge of the surviving customer first."))
        reason = _("Merge undone")
        _move_back(merge.moved, source, actor=actor, reason=reason)
        source.merged_into = None
        source.save(update_fields=["merged_into"])
        merge.undone_at = timezone.now()
        merge.undone_by = actor.user
        merge.save(update_fields=["undone_at", "undone_by"])
        _audit_both(actor, "customer.merge_undone", merge)
        return merge


def _locked_customers(source_id: int, target_id: int) -> tuple[Customer, Customer]:
    """Both rows locked in primary-key order (two merges of the same pair cannot deadlock)."""
    locked = {
        c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=[source_id, target_id]).order_by("pk")
    }
    if len(locked) != 2:  # noqa: PLR2004 - the two customers of the merge
        raise MergeRefused(_("That customer does not exist."))
    return locked[source_id], locked[target_id]


def _move_all(source: Customer, target: Customer, *, actor: Actor, reason: str) -> dict[str, list[int]]:
    moved: dict[str, list[int]] = {}
    for kind, model in _MOVED_ROWS.items():
        moved[kind] = sorted(model.objects.filter(customer=source).values_list("pk", flat=True))
        model.objects.filter(pk__in=moved[kind]).update(customer=target)
    moved["cases"] = []
    for case in Case.objects.select_for_update().filter(customer=source).order_by("pk"):
        move_case_to_customer(case, target, actor=actor, reason=reason)
        moved["cases"].append(case.pk)
    return moved


def _move_back(moved: dict[str, Any], source: Customer, *, actor: Actor, reason: str) -> None:
    for kind, model in _MOVED_ROWS.items():
        model.objects.filter(pk__in=moved.get(kind, [])).update(customer=source)
    for case in Case.objects.select_for_update().filter(pk__in=moved.get("cases", [])).order_by("pk"):
        move_case_to_customer(case, source, actor=actor, reason=reason)


def _audit_both(actor: Actor, action: str, merge: CustomerMerge) -> None:
    data = {"merge": merge.pk, "source": merge.source_id, "target": merge.target_id, "moved": merge.moved}
    audit.record(actor, action, target=merge.source, data=data)
    audit.record(actor, action, target=merge.target, data=data)
