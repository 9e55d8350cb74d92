"""Agents' corrections become training labels (R-TRIAGE learning)."""

from __future__ import annotations

from django.utils import timezone

from soridam.audit.actors import Actor
from soridam.cases.models import Case, MessageKind
from soridam.triage.models import Label, Prediction
from soridam.triage.text import normalise

CORRECTABLE = ("category", "priority")


def case_text(case: Case) -> tuple[str, str]:
    """The subject and the customer's first message: what triage read when the case arrived."""
    first = case.messages.filter(kind=MessageKind.CUSTOMER).order_by("created_at", "pk").first()
    return case.subject, first.body if first else ""


def record_correction(case: Case, field: str, value: str, *, actor: Actor) -> Label | None:
    """Store what an agent set as the case's label. Only people teach the model: system changes
    (triage itself, escalations) are not corrections."""
    if actor.user is None or field not in CORRECTABLE or not value:
        return None
    subject, body = case_text(case)
    label, _ = Label.objects.get_or_create(
        case=case, defaults={"subject": normalise(subject), "body": normalise(body), "created_by": actor.user}
    )
    setattr(label, field, value)
    label.created_by, label.updated_at = actor.user, timezone.now()
    label.save()
    Prediction.objects.filter(case=case, needs_review=True).update(needs_review=False)  # a person has looked
    return label
