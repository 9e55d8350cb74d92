"""Triage one case: predict, store the prediction, and apply the confident fields through the actions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from soridam.audit.actors import Actor
from soridam.audit.models import ActorKind
from soridam.cases import actions
from soridam.cases.models import ACTIVE_STATUSES, Case, Category, EventKind, Message, MessageKind, Priority
from soridam.customers.models import Tier
from soridam.triage.classifier import Result
from soridam.triage.labels import case_text
from soridam.triage.models import Label, Prediction
from soridam.triage.priority import Context
from soridam.triage.training import active_model

TRIAGE_ACTOR = Actor(system="triage")
REPEAT_WINDOW = timedelta(days=30)


def threshold() -> float:
    return float(settings.SORIDAM_TRIAGE_MIN_CONFIDENCE) / 100


def earlier_open_cases(case: Case) -> int:
    """Other active cases from the last 30 days by the same customer about the same problem: the same
    order number, or a follow-up link. The third contact in a row is urgent (LABELING.md)."""
    same_problem = Q(pk=case.related_case_id) | Q(related_case_id=case.pk)
    if case.order_number:
        same_problem |= Q(order_number=case.order_number)
    since = case.created_at - REPEAT_WINDOW
    others = Case.objects.filter(customer_id=case.customer_id, status__in=ACTIVE_STATUSES, created_at__gte=since)
    return others.filter(same_problem).exclude(pk=case.pk).count()


def context_of(case: Case) -> Context:
    """The evidence about a case that is not in its text (``priority`` rules: repeat contact, VIP, SLA)."""
    return Context(
        same_problem_contacts=earlier_open_cases(case),
        vip=case.customer.tier == Tier.VIP,
        sla_breached=case.sla_due_at is not None and case.sla_due_at < timezone.now(),
    )


def triage(case_id: int) -> Prediction | None:
    """Predict outside any lock (Kiwi and the model take milliseconds), then apply under the row lock."""
    case = Case.objects.select_related("customer").filter(pk=case_id).first()
    if case is None:
        return None
    model, version = active_model()
    subject, body = case_text(case)
    result = model.predict(subject, body, context=context_of(case))
    category = Category.objects.filter(slug=result.category.value, is_active=True).first()
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case_id)
        reviewed = Label.objects.filter(case=locked).exists()
        review = _needs_review(locked, result, category, reviewed=reviewed)
        prediction = _store(locked, result, version_id=version.pk if version else None, needs_review=review)
        _apply(locked, result, category)
    return prediction


def triage_many(case_ids: Sequence[int]) -> list[int]:
    """``triage`` for a batch: one read of the cases and their first messages, one vectorisation for all
    (``predict_many``), then one transaction that locks the cases in id order and applies each prediction.
    Returns the ids of the cases that exist."""
    cases = list(Case.objects.filter(pk__in=set(case_ids)).select_related("customer").order_by("pk"))
    if not cases:
        return []
    model, version = active_model()
    texts = first_messages(cases)
    results = model.predict_many([(*texts[case.pk], context_of(case)) for case in cases])
    categories = {category.slug: category for category in Category.objects.filter(is_active=True)}
    with transaction.atomic():
        locked = Case.objects.select_for_update().filter(pk__in=[case.pk for case in cases]).order_by("pk")
        reviewed = set(Label.objects.filter(case_id__in=[case.pk for case in cases]).values_list("case_id", flat=True))
        for case, result in zip(locked, results, strict=True):
            category = categories.get(result.category.value)
            review = _needs_review(case, result, category, reviewed=case.pk in reviewed)
            _store(case, result, version_id=version.pk if version else None, needs_review=review)
            _apply(case, result, category)
    return [case.pk for case in cases]


def first_messages(cases: Sequence[Case]) -> dict[int, tuple[str, str]]:
    """``labels.case_text`` for many cases in one query: the subject and the customer's first message."""
    bodies: dict[int, str] = {}
    rows = Message.objects.filter(case_id__in=[case.pk for case in cases], kind=MessageKind.CUSTOMER)
    for case_id, body in rows.order_by("-created_at", "-pk").values_list("case_id", "body"):
        bodies[case_id] = body  # the last one written wins: the earliest
    return {case.pk: (case.subject, bodies.get(case.pk, "")) for case in cases}


def _needs_review(case: Case, result: Result, category: Category | None, *, reviewed: bool) -> bool:
    """Whether the fields triage decides are less likely right than the threshold. A category the customer
    or an agent already chose, or a priority triage may not change, is not triage's decision. `reviewed`: a
    person labelled the case before the worker got here."""
    if reviewed:
        return False
    category_missing = case.category_id is None
    confidence = result.confidence_in_case(category_missing=category_missing, priority_open=_priority_is_open(case))
    unknown_category = category_missing and category is None and result.category.value != ""
    return confidence < threshold() or unknown_category


def _priority_is_open(case: Case) -> bool:
    """Triage sets a priority only while it is intake's default and no person changed it."""
    return case.priority == Priority.NORMAL and not _priority_set_by_person(case)


def _store(case: Case, result: Result, *, version_id: int | None, needs_review: bool) -> Prediction:
    fields = {
        "model_version_id": version_id,
        "pii": result.pii,
        "signals": result.signals,
        "needs_review": needs_review,
        "created_at": timezone.now(),
    }
    for name in ("category", "priority", "sentiment", "language"):
        guess = getattr(result, name)
        fields[name], fields[f"{name}_confidence"] = guess.value, round(guess.confidence, 4)
    prediction, _ = Prediction.objects.update_or_create(case=case, defaults=fields)
    return prediction


def _apply(case: Case, result: Result, category: Category | None) -> None:
    """Set only what is confident, never override an agent, never move the stage."""
    if category is not None and case.category_id is None and result.category.confidence >= threshold():
        actions.change_category(case, category, actor=TRIAGE_ACTOR)
    # ko and mixed are handled in Korean (LABELING.md); the contact's language was only a default.
    handled_in = "en" if result.language.value == "en" else "ko"
    if result.language.confidence >= threshold() and handled_in != case.language:
        actions.change_language(case, handled_in, actor=TRIAGE_ACTOR)
    # Only a priority nobody chose: intake's default, never one a person or the intake form set higher.
    guess = result.priority
    if guess.value != case.priority and guess.confidence >= threshold() and _priority_is_open(case):
        actions.change_priority(case, guess.value, actor=TRIAGE_ACTOR)


def _priority_set_by_person(case: Case) -> bool:
    return case.events.filter(kind=EventKind.PRIORITY_CHANGED).exclude(actor_kind=ActorKind.SYSTEM).exists()
