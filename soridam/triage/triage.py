"""Triage one case: predict, store the prediction, and apply the confident fields through the actions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from soridam.audit.actors import Actor
from soridam.audit.models import ActorKind
from soridam.cases import triage_actions
from soridam.cases.models import (
    ACTIVE_STATUSES,
    Case,
    Category,
    EventKind,
    Message,
    MessageKind,
    Priority,
    TimelineEvent,
)
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


def same_problem_counts(cases: Sequence[Case]) -> dict[int, int]:
    """``earlier_open_cases`` for a batch in one query: the customers' active cases of the widest window,
    matched to each case in memory by the same rules."""
    if not cases:
        return {}
    since = min(case.created_at for case in cases) - REPEAT_WINDOW
    rows = Case.objects.filter(
        customer_id__in={case.customer_id for case in cases}, status__in=ACTIVE_STATUSES, created_at__gte=since
    ).values_list("pk", "customer_id", "related_case_id", "order_number", "created_at")
    by_customer: dict[int, list[tuple[int, int | None, str, datetime]]] = {}
    for pk, customer_id, related_id, order_number, created_at in rows:
        by_customer.setdefault(customer_id, []).append((pk, related_id, order_number, created_at))
    return {case.pk: _same_problem(case, by_customer.get(case.customer_id, [])) for case in cases}


def _same_problem(case: Case, others: list[tuple[int, int | None, str, datetime]]) -> int:
    since = case.created_at - REPEAT_WINDOW
    return sum(
        1
        for pk, related_id, order_number, created_at in others
        if pk != case.pk
        and created_at >= since
        and (
            pk == case.related_case_id
            or related_id == case.pk
            or (case.order_number and order_number == case.order_number)
        )
    )


def context_of(case: Case, *, same_problem: int | None = None) -> Context:
    """The evidence about a case that is not in its text (``priority`` rules: repeat contact, VIP, SLA)."""
    return Context(
        same_problem_contacts=earlier_open_cases(case) if same_problem is None else same_problem,
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
        _keep_customer(locked, case)
        reviewed = Label.objects.filter(case=locked).exists()
        open_fields = _open_fields(locked, _histories([locked.pk]).get(locked.pk, _History()))
        review = _needs_review(result, category, reviewed=reviewed, open_fields=open_fields)
        prediction = _store(locked, result, version_id=version.pk if version else None, needs_review=review)
        _apply(locked, result, category, open_fields=open_fields)
    return prediction


def triage_many(case_ids: Sequence[int]) -> list[int]:
    """``triage`` for a batch: one read of the cases and their first messages, one vectorisation for all
    (``predict_many``), then one transaction that locks the cases in id order, stores every prediction in
    one statement and applies each through ``apply_triage`` (one write of the case, one SLA recompute).
    Returns the ids of the cases that exist."""
    cases = list(Case.objects.filter(pk__in=set(case_ids)).select_related("customer").order_by("pk"))
    if not cases:
        return []
    model, version = active_model()
    texts = first_messages(cases)
    repeats = same_problem_counts(cases)
    results = model.predict_many([(*texts[case.pk], context_of(case, same_problem=repeats[case.pk])) for case in cases])
    categories = {category.slug: category for category in Category.objects.filter(is_active=True)}
    ids = [case.pk for case in cases]
    with transaction.atomic():
        locked = list(Case.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        read = {case.pk: case for case in cases}
        by_id = dict(zip(ids, results, strict=True))
        reviewed = set(Label.objects.filter(case_id__in=ids).values_list("case_id", flat=True))
        histories = _histories(ids)
        rows, applies = [], []
        for case in locked:
            _keep_customer(case, read[case.pk])
            result, category = by_id[case.pk], categories.get(by_id[case.pk].category.value)
            open_fields = _open_fields(case, histories.get(case.pk, _History()))
            review = _needs_review(result, category, reviewed=case.pk in reviewed, open_fields=open_fields)
            rows.append(_prediction(case, result, version_id=version.pk if version else None, needs_review=review))
            applies.append((case, result, category, open_fields))
        _store_all(rows)
        changes = [_change(case, result, category, open_fields=of) for case, result, category, of in applies]
        triage_actions.apply_triage_many(changes, actor=TRIAGE_ACTOR)
    return ids


def _keep_customer(locked: Case, read: Case) -> None:
    """The locked row needs its customer (the SLA policy depends on the tier): the first read has it."""
    if locked.customer_id == read.customer_id:
        locked.customer = read.customer


def first_messages(cases: Sequence[Case]) -> dict[int, tuple[str, str]]:
    """``labels.case_text`` for many cases in one query: the subject and the customer's first message."""
    bodies: dict[int, str] = {}
    rows = Message.objects.filter(case_id__in=[case.pk for case in cases], kind=MessageKind.CUSTOMER)
    for case_id, body in rows.order_by("-created_at", "-pk").values_list("case_id", "body"):
        bodies[case_id] = body  # the last one written wins: the earliest
    return {case.pk: (case.subject, bodies.get(case.pk, "")) for case in cases}


@dataclass(frozen=True)
class _OpenFields:
    """The fields that are triage's to decide on this case."""

    category: bool
    priority: bool


def _open_fields(case: Case, history: _History) -> _OpenFields:
    """A field is triage's while nobody else chose it: the category while there is none, the priority while it
    is intake's default and no person changed it, and either one as long as triage itself made its latest
    change, so a second run weighs (and may revise) the same fields as the first."""
    triage = TRIAGE_ACTOR.label()
    category = case.category_id is None or history.category_by == triage
    untouched = case.priority == Priority.NORMAL and not history.priority_by_person
    return _OpenFields(category=category, priority=untouched or history.priority_by == triage)


@dataclass
class _History:
    category_by: str = ""  # the timeline actor of the latest category change
    priority_by: str = ""  # … and of the latest priority change
    priority_by_person: bool = False  # a person (not a system: triage, an SLA escalation) changed the priority


def _histories(case_ids: Sequence[int]) -> dict[int, _History]:
    """Who changed each case's category and priority, from the timeline, in one query."""
    kinds = (EventKind.CATEGORY_CHANGED, EventKind.PRIORITY_CHANGED)
    changes = TimelineEvent.objects.filter(case_id__in=case_ids, kind__in=kinds).order_by("created_at", "pk")
    histories: dict[int, _History] = {}
    for case_id, kind, actor, actor_kind in changes.values_list("case_id", "kind", "actor", "actor_kind"):
        history = histories.setdefault(case_id, _History())
        if kind == EventKind.CATEGORY_CHANGED:
            history.category_by = actor
        else:
            history.priority_by = actor
            history.priority_by_person |= actor_kind != ActorKind.SYSTEM
    return histories


def _needs_review(result: Result, category: Category | None, *, reviewed: bool, open_fields: _OpenFields) -> bool:
    """Whether the fields triage decides are less likely right than the threshold. A category the customer
    or an agent already chose, or a priority triage may not change, is not triage's decision. `reviewed`: a
    person labelled the case before the worker got here."""
    if reviewed:
        return False
    confidence = result.confidence_in_case(category_missing=open_fields.category, priority_open=open_fields.priority)
    unknown_category = open_fields.category and category is None and result.category.value != ""
    return confidence < threshold() or unknown_category


_PREDICTED = ("category", "priority", "sentiment", "language")


def _prediction(case: Case, result: Result, *, version_id: int | None, needs_review: bool) -> Prediction:
    prediction = Prediction(
        case=case,
        model_version_id=version_id,
        pii=result.pii,
        signals=result.signals,
        needs_review=needs_review,
        created_at=timezone.now(),
    )
    for name in _PREDICTED:
        guess = getattr(result, name)
        setattr(prediction, name, guess.value)
        setattr(prediction, f"{name}_confidence", round(guess.confidence, 4))
    return prediction


def _store(case: Case, result: Result, *, version_id: int | None, needs_review: bool) -> Prediction:
    prediction = _prediction(case, result, version_id=version_id, needs_review=needs_review)
    fields = {f.attname: getattr(prediction, f.attname) for f in Prediction._meta.concrete_fields if not f.primary_key}
    fields.pop("case_id")
    stored, _ = Prediction.objects.update_or_create(case=case, defaults=fields)
    return stored


_UPDATED = [f.name for f in Prediction._meta.concrete_fields if not f.primary_key and f.name != "case"]


def _store_all(predictions: list[Prediction]) -> None:
    """Every prediction of a batch in one statement; a case triaged before gets its row replaced."""
    Prediction.objects.bulk_create(predictions, update_conflicts=True, unique_fields=["case"], update_fields=_UPDATED)


def _apply(case: Case, result: Result, category: Category | None, *, open_fields: _OpenFields) -> None:
    """Set only what is confident, never override an agent, never move the stage: one action call."""
    _case, chosen, language, priority = _change(case, result, category, open_fields=open_fields)
    triage_actions.apply_triage(case, actor=TRIAGE_ACTOR, category=chosen, language=language, priority=priority)


def _change(
    case: Case, result: Result, category: Category | None, *, open_fields: _OpenFields
) -> triage_actions.TriageChange:
    """What triage sets on the case: the confident fields that are triage's to decide (None: left alone)."""
    confident = threshold()
    chosen = None
    if category is not None and open_fields.category and result.category.confidence >= confident:
        chosen = category
    # ko and mixed are handled in Korean (LABELING.md); the contact's language was only a default.
    handled_in = "en" if result.language.value == "en" else "ko"
    language = handled_in if result.language.confidence >= confident else None
    # Only a priority nobody chose: intake's default, never one a person or the intake form set higher.
    guess = result.priority
    priority = guess.value if guess.confidence >= confident and open_fields.priority else None
    return case, chosen, language, priority
