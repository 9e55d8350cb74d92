"""Data-subject requests (R-SEC-8): access and export, erasure, correction and suspension of processing.

Each request has a clock of ``SORIDAM_DSR_DUE_BUSINESS_DAYS`` business days on the Korean calendar. A customer
asks from the tracking page and proves the contact on record with a one-time code sent through the outbox;
staff open and carry out requests from the workspace (``dsr_views``) or the admin. Exports and erasure walk the
registry of personal data, so a model an app declares is exported and erased without a change here.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import secrets
import zipfile
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from soridam.accounts.models import Role, User
from soridam.audit import audit
from soridam.audit.actors import Actor
from soridam.cases.errors import InvalidChange
from soridam.cases.models import Case
from soridam.cases.privacy_actions import record_personal_data_erased
from soridam.customers.models import Customer
from soridam.lib.jobs import enqueue_on_commit, task_at
from soridam.notifications.models import NotificationKind, OutboundMessage
from soridam.notifications.outbox import DELIVERY_TASK, customer_route, first_external_id
from soridam.privacy import destruction, retention
from soridam.privacy.models_dsr import (
    DestructionTrigger,
    PrivacyProfile,
    RequestKind,
    RequestState,
    SubjectRequest,
)
from soridam.privacy.registry import PersonalData, personal_data
from soridam.sla.business_time import Schedule
from soridam.sla.schedules import default_schedule

CODE_VALID = timedelta(minutes=15)
CODE_ATTEMPTS = 5
NO_CONTACT_MESSAGE = _lazy("We have no e-mail address or phone number of yours to send a code to. Please contact us.")
WRONG_CODE_MESSAGE = _lazy("That code is wrong or expired. After five wrong codes, ask again.")


# --- The clock --------------------------------------------------------------------------------------


def business_days_after(schedule: Schedule, start: datetime, days: int) -> datetime:
    """The end (midnight) of the ``days``-th business day after the day of ``start``: weekends, public
    holidays and the calendar's closed days do not count."""
    day = timezone.localtime(start, schedule.tz).date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if schedule.hours.get(day.weekday()) and not schedule.is_closed(day):
            counted += 1
    return datetime.combine(day + timedelta(days=1), time(0), schedule.tz)


def due_for(received_at: datetime) -> datetime:
    return business_days_after(default_schedule(), received_at, settings.SORIDAM_DSR_DUE_BUSINESS_DAYS)


# --- Who handles requests ---------------------------------------------------------------------------


def is_privacy_officer(user: User) -> bool:
    """Admins and users granted ``privacy.privacy_officer`` handle requests and read the restricted store."""
    if not user.is_authenticated or not user.is_support_staff:
        return False
    return user.effective_role == Role.ADMIN or user.has_perm("privacy.privacy_officer")


def privacy_officers() -> list[User]:
    granted = Permission.objects.filter(codename="privacy_officer", content_type__app_label="privacy")
    people = User.objects.filter(
        Q(role=Role.ADMIN) | Q(is_superuser=True) | Q(user_permissions__in=granted) | Q(groups__permissions__in=granted)
    )
    return [user for user in people.filter(is_active=True).distinct() if is_privacy_officer(user)]


# --- Opening a request --------------------------------------------------------------------------------


def open_request(
    customer: Customer, kind: str, *, actor: Actor, via: str, details: str = "", case: Case | None = None
) -> SubjectRequest:
    """A request received now (staff, admin, or a verified tracking-page request), its clock started."""
    if kind not in RequestKind.values:
        raise InvalidChange(_("Choose what the person asks for."), field="kind")
    now = timezone.now()
    request = SubjectRequest.objects.create(
        customer=customer, case=case, kind=kind, details=details.strip()[:4000], via=via, received_at=now
    )
    _start_clock(request, now, actor)
    return request


def _start_clock(request: SubjectRequest, now: datetime, actor: Actor) -> None:
    request.state, request.received_at, request.due_at = RequestState.OPEN, now, due_for(now)
    request.code_hash, request.code_expires_at = "", None
    request.save(update_fields=["state", "received_at", "due_at", "code_hash", "code_expires_at"])
    audit.record(actor, "privacy.request_opened", target=request, data={"kind": request.kind, "via": request.via})


def request_from_tracking_page(case: Case, kind: str, details: str = "") -> SubjectRequest | None:
    """A customer's request from the case's tracking page: it waits until they type the code sent to their
    contact on record. None when no contact on record can receive a code."""
    route = customer_route(case)
    if route is None or kind not in RequestKind.values:
        return None
    code = f"{secrets.randbelow(10**6):06d}"
    request = SubjectRequest.objects.create(
        customer=case.customer,
        case=case,
        kind=kind,
        details=details.strip()[:4000],
        via="tracking_page",
        state=RequestState.AWAITING_CODE,
        code_hash=_code_hash(code),
        code_expires_at=timezone.now() + CODE_VALID,
    )
    _send_code(case, route.channel, route.recipient, route.account_id, code)
    return request


def _code_hash(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"dsr-code:{code}".encode(), hashlib.sha256).hexdigest()


def _send_code(case: Case, channel: str, recipient: str, account_id: int | None, code: str) -> None:
    text = render_to_string("privacy/email/request_code.txt", {"case": case, "code": code}).strip()
    subject, _blank, body = text.partition("\n")
    outbound = OutboundMessage.objects.create(
        case=case,
        kind=NotificationKind.PRIVACY_CODE,
        channel=channel,
        account_id=account_id,
        recipient=recipient,
        subject=subject.strip()[:300],
        body=body.strip(),
        external_id=first_external_id(channel),
    )
    enqueue_on_commit(task_at(DELIVERY_TASK), outbound.pk)


def confirm_code(request: SubjectRequest, code: str) -> bool:
    """The customer typed the code: the request opens and its clock starts. The caller holds its row lock.
    Five wrong codes, or a late one, void it."""
    if request.state != RequestState.AWAITING_CODE:
        return False
    request.code_attempts += 1
    expired = request.code_expires_at is None or request.code_expires_at <= timezone.now()
    if expired or request.code_attempts > CODE_ATTEMPTS:
        request.state = RequestState.REFUSED
        request.save(update_fields=["code_attempts", "state"])
        return False
    if not hmac.compare_digest(request.code_hash, _code_hash(code.strip())):
        request.save(update_fields=["code_attempts"])
        return False
    _start_clock(request, timezone.now(), Actor(customer=request.customer))
    return True


# --- Access and export --------------------------------------------------------------------------------


def rows_of(entry: PersonalData, customer_id: int) -> Any:
    return entry.model_class()._default_manager.filter(**{entry.subject: customer_id}).order_by("pk")


def export_data(customer: Customer) -> dict[str, Any]:
    """Everything the registry finds about the person, model by model."""
    records = {
        entry.model: [retention.row_data(row) for row in rows_of(entry, customer.pk)] for entry in personal_data()
    }
    return {
        "subject": retention.person_of(customer),
        "generated_at": timezone.now().isoformat(),
        "records": {label: rows for label, rows in records.items() if rows},
    }


def export_zip(customer: Customer) -> bytes:
    """The export as ``personal-data.json`` and a readable ``personal-data.html`` in one zip."""
    data = export_data(customer)
    html = render_to_string("privacy/export.html", {"data": data, "tables": _tables(data["records"])})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("personal-data.json", json.dumps(data, ensure_ascii=False, indent=2, default=str))
        bundle.writestr("personal-data.html", html)
    return buffer.getvalue()


def _tables(records: dict[str, list[dict[str, Any]]]) -> list[tuple[str, list[str], list[list[Any]]]]:
    tables = []
    for label, rows in records.items():
        columns = list(rows[0])
        tables.append((label, columns, [[row[column] for column in columns] for row in rows]))
    return tables


# --- Erasure ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kept:
    model: str
    count: int
    retention: str
    basis: str
    why: str


def erase(request: SubjectRequest, *, actor: Actor) -> dict[str, Any]:
    """Erase everything about the request's person that no law makes us keep, in one transaction; statutory
    records still in their period (and anything under a legal hold) are copied to the restricted store and
    kept, and the outcome lists them with the reason. The caller holds the request's row lock."""
    customer = request.customer
    holds = retention.held()
    erased: dict[str, int] = {}
    kept: list[Kept] = []
    case_ids = list(Case.objects.filter(customer=customer).values_list("pk", flat=True))
    cases = list(Case.objects.select_for_update().filter(pk__in=case_ids).order_by("pk"))
    for entry in reversed(personal_data()):  # children before the rows they point to
        rows = rows_of(entry, customer.pk)
        held_count = rows.count() - retention.without_held(entry, rows, holds).count()
        if held_count:
            kept.append(Kept(entry.model, held_count, entry.retention, "", _("under a legal hold")))
        rows = retention.without_held(entry, rows, holds)
        if retention.is_statutory(entry.retention) and rows.exists():
            kept.append(_keep(entry, rows, customer))
            continue
        pks = destruction.still_personal(entry, rows)
        if pks:
            destruction.erase_live_rows(entry, pks, trigger=DestructionTrigger.ERASURE, rule=f"request {request.pk}")
            erased[entry.model] = len(pks)
    outcome = {"erased": erased, "kept": [vars(item) for item in kept]}
    record_personal_data_erased(cases, actor=actor, request_id=request.pk, kept=sorted({k.model for k in kept}))
    return outcome


def _keep(entry: PersonalData, rows: Any, customer: Customer) -> Kept:
    """Statutory rows stay (the law requires them) and a copy goes to the restricted store."""
    ends = []
    for row in rows:
        one = type(row)._default_manager.filter(pk=row.pk)
        retention.restrict_rows(entry, one, customer=customer, case_id=_case_id(entry, row))
        ends.append(retention.keep_until(entry.retention, retention.clock_value(entry, row)))
    if None in ends or not ends:
        why = _("kept by law: its period starts when the case is closed, then it is destroyed")
    else:
        latest = max(end for end in ends if end is not None)
        why = _("kept by law until %(date)s, then destroyed") % {"date": timezone.localdate(latest).isoformat()}
    return Kept(entry.model, len(ends), entry.retention, retention.BASIS.get(entry.retention, ""), why)


def _case_id(entry: PersonalData, row: Any) -> int | None:
    if not entry.case:
        return None
    if entry.case == "pk":
        return int(row.pk)
    value = type(row)._default_manager.filter(pk=row.pk).values_list(entry.case, flat=True).first()
    return int(value) if value is not None else None


# --- Correction, suspension, completion -------------------------------------------------------------


def correct(request: SubjectRequest, *, actor: Actor, name: str, email: str, phone: str) -> Customer:
    """Set the person's name, e-mail and phone as they asked; the audit entry keeps which fields changed."""
    customer = Customer.objects.select_for_update().get(pk=request.customer_id)
    changed = {"name": name.strip(), "email": email.strip(), "phone": phone.strip()}
    changed = {field: value for field, value in changed.items() if value and value != getattr(customer, field)}
    for field, value in changed.items():
        setattr(customer, field, value)
    if changed:
        customer.save(update_fields=list(changed))
    audit.record(actor, "privacy.request_corrected", target=request, data={"fields": sorted(changed)})
    return customer


def suspend(customer: Customer, *, actor: Actor) -> PrivacyProfile:
    """Stop every optional processing of the person: only what a reply needs is sent from now on."""
    profile, _created = PrivacyProfile.objects.get_or_create(customer=customer)
    if profile.processing_suspended_at is None:
        profile.processing_suspended_at = timezone.now()
        profile.save(update_fields=["processing_suspended_at"])
    return profile


def carry_out(request: SubjectRequest, *, actor: Actor) -> SubjectRequest:
    """Erasure and suspension are carried out here; an access request is done once the export is given, a
    correction by ``correct``. The caller holds the request's row lock."""
    if request.state != RequestState.OPEN:
        raise InvalidChange(_("This request is not open."), field="state")
    if request.kind == RequestKind.ERASURE:
        request.outcome = erase(request, actor=actor)
    elif request.kind == RequestKind.SUSPENSION:
        suspend(request.customer, actor=actor)
        request.outcome = {"suspended": True}
    return complete(request, actor=actor)


def complete(request: SubjectRequest, *, actor: Actor) -> SubjectRequest:
    request.state, request.completed_at, request.handled_by = RequestState.DONE, timezone.now(), actor.user
    request.save(update_fields=["state", "completed_at", "handled_by", "outcome"])
    audit.record(actor, "privacy.request_done", target=request, data={"kind": request.kind})
    return request


# --- Overdue requests ---------------------------------------------------------------------------------


def alert_overdue(now: datetime | None = None) -> int:
    """Each open request past its due time is mailed once to the privacy officers; returns how many."""
    now = now or timezone.now()
    with transaction.atomic():
        overdue = list(
            SubjectRequest.objects.select_for_update(skip_locked=True).filter(
                state=RequestState.OPEN, due_at__lte=now, overdue_alerted_at__isnull=True
            )
        )
        if not overdue:
            return 0
        addresses = [user.email for user in privacy_officers() if user.email]
        lines = [f"#{item.pk} {item.get_kind_display()} — {item.due_at:%Y-%m-%d}" for item in overdue]
        if addresses:
            subject = _("Data-subject requests past their 10-day deadline: %(count)d") % {"count": len(overdue)}
            send_mail(subject, "\n".join(lines), None, addresses)
        SubjectRequest.objects.filter(pk__in=[item.pk for item in overdue]).update(overdue_alerted_at=now)
    return len(overdue)
