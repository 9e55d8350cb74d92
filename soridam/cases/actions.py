"""Every change to a case goes through here (R-CASE-5).

Views, the API, channels, jobs and the bot call these functions. Each one saves the case, writes the
timeline event and the audit entry, and queues outbound work, in one transaction. Functions that
change an existing case expect the caller to hold its row lock (``access_case(..., for_update=True)``
inside ``transaction.atomic()``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from soridam.accounts.models import Role, Team, User
from soridam.alerts import fanout
from soridam.alerts.models import AlertKind
from soridam.audit import audit
from soridam.audit.actors import Actor
from soridam.audit.models import AuditEntry
from soridam.cases import events, stages
from soridam.cases.errors import InvalidChange, InvalidTransition
from soridam.cases.models import (
    FINISHED_STATUSES,
    TAG_LENGTH,
    Attachment,
    Case,
    Category,
    EventKind,
    Message,
    MessageKind,
    Priority,
    Status,
    Tag,
    TimelineEvent,
)
from soridam.cases.references import SEQUENCE, allocate_numbers, format_reference
from soridam.cases.uploads import Upload
from soridam.channels.sms.composer import check_reply
from soridam.customers.actions import Contact, find_or_create_customer
from soridam.customers.models import Customer
from soridam.followup.checkins import schedule_check_in
from soridam.followup.models import Survey
from soridam.followup.nps import request_nps
from soridam.followup.surveys import announce_survey, request_survey, survey_due
from soridam.investigations.models import InvestigationTask, open_blocking_tasks
from soridam.lib import jobs
from soridam.lib.jobs import enqueue_job_on_commit
from soridam.lib.rows import Lookup, insert, together, update
from soridam.notifications.models import NotificationKind, OutboundMessage
from soridam.notifications.outbox import notify_customer, withdraw_waiting
from soridam.privacy import sealing
from soridam.privacy.retention import restrict_case
from soridam.routing.presence import capacity_freed
from soridam.sla import clock as sla_clock
from soridam.sla.models import CaseSla
from soridam.triage.labels import record_correction


@dataclass(frozen=True)
class NewCase:
    subject: str
    body: str
    contact: Contact
    channel: str = "web"
    category: Category | None = None
    priority: str = Priority.NORMAL
    order_number: str = ""
    uploads: Sequence[Upload] = field(default_factory=tuple)
    related_case: Case | None = None
    acknowledge: bool = True  # False for mail that must never get an automatic answer (lists, loops)


def open_case(new: NewCase, *, actor: Actor | None = None) -> Case:
    """Store a new case at intake with its first message, and acknowledge it to the customer."""
    with transaction.atomic():
        customer = find_or_create_customer(new.contact)
        return _create_case(new, customer, actor or Actor(customer=customer)).case


def _create_case(new: NewCase, customer: Customer, actor: Actor) -> Message:
    """The new case's first message (``message.case`` is the case): callers need not read it back.

    On PostgreSQL one SELECT takes the case number and the ids of every row an intake writes, and the rows
    (case, clocks, message, timeline, audit, outbox, task rows) go to the database in one round trip when
    the block ends: two round trips instead of eight (bench/README.md)."""
    with (
        together(*_INTAKE_ROWS, sequence=SEQUENCE) as number,
        jobs.batched(),  # the acknowledgement, triage and index task rows go in one INSERT
    ):
        return _create_case_rows(new, customer, actor, number if number is not None else allocate_numbers(1)[0])


_INTAKE_ROWS = (Case, CaseSla, Message, TimelineEvent, AuditEntry, OutboundMessage)


def _create_case_rows(new: NewCase, customer: Customer, actor: Actor, number: int) -> Message:
    now = timezone.now()
    subject = sealing.seal(" ".join(new.subject.split())[:200])  # one line: it becomes a mail header
    case = Case(
        reference=format_reference(number, now),
        subject=subject.text,
        customer=customer,
        channel=new.channel,
        category=new.category,
        priority=new.priority,
        team_id=new.category.default_team_id if new.category else None,
        order_number=new.order_number.strip()[:64],
        language=new.contact.language,
        related_case=new.related_case,
        created_at=now,
        updated_at=now,
        intake_at=now,
    )
    sla = sla_clock.planned(case, now)  # before the acknowledgement: it promises the first reply
    case.sla_due_at = sla_clock.earliest_due(sla)
    insert(case)
    if sla is not None:
        sla.case = case  # now with its id
        insert(sla)
    message = _store_message(case, MessageKind.CUSTOMER, new.body, actor, new.channel, new.uploads)
    sealing.keep(message, "subject", subject.pieces)
    events.record(case, EventKind.CREATED, actor=actor, after=stages.Stage.INTAKE, message=message, channel=new.channel)
    audit.record_case(
        actor, "case.created", target=case, data={"channel": new.channel, "reference": case.reference}, new=True
    )
    if new.acknowledge:
        notify_customer(case, NotificationKind.CASE_OPENED)
    _triage_on_commit(case)
    _index_on_commit(case)
    return message


def _triage_on_commit(case: Case) -> None:
    """Classification runs in the worker, never on the request path (Kiwi and the model). Triage calls
    these actions, so the job is named, not imported (``lib.jobs``)."""
    enqueue_job_on_commit("soridam.triage.tasks.triage_case", case.pk)


def _index_on_commit(case: Case) -> None:
    """The case search index follows every change of a case's text (subject, messages, notes)."""
    enqueue_job_on_commit("soridam.search.tasks.index_case", case.pk)


def _learn_from(case: Case, field: str, value: str, actor: Actor) -> None:
    """A person's change of category or priority is a training label for triage."""
    if actor.user is not None:
        record_correction(case, field, value, actor=actor)


def _store_message(
    case: Case, kind: str, body: str, actor: Actor, channel: str, uploads: Sequence[Upload] = ()
) -> Message:
    """A customer's identifiers, card and account numbers are stored masked, their values sealed (R-SEC-3)."""
    sealed = sealing.seal(body) if kind == MessageKind.CUSTOMER else sealing.Sealed(body)
    body = sealed.text  # the stored copy every surface reads
    message = insert(
        Message(
            case=case, kind=kind, channel=channel, body=body, author_user=actor.user, author_customer=actor.customer
        )
    )
    sealing.keep(message, "body", sealed.pieces)
    for upload in uploads:
        attachment = Attachment(
            message=message,
            filename=upload.filename,
            content_type=upload.content_type,
            size=len(upload.content),
            sha256=upload.sha256,
        )
        attachment.file.save(upload.filename, ContentFile(upload.content), save=False)
        attachment.save()
    return message


def _follow_clocks(case: Case, sla: CaseSla | None) -> None:
    """``Case.sla_due_at`` mirrors the earliest running due of the case's clocks (the inbox sorts by it)."""
    due = sla_clock.earliest_due(sla)
    if due != case.sla_due_at:
        case.sla_due_at = due
        update(case, "sla_due_at")


def _touch(case: Case, *fields: str) -> None:
    case.updated_at = timezone.now()
    update(case, *fields, "updated_at")


def receive_customer_message(
    case: Case, body: str, *, actor: Actor, channel: str, uploads: Sequence[Upload] = ()
) -> Message:
    """A customer wrote on an existing case. A finished case reopens within the reopen window;
    after it, the message opens a new case linked to the old one (R-CASE-3)."""
    if case.status in FINISHED_STATUSES and not _within_reopen_window(case):
        contact = Contact(name=case.customer.name, email=case.customer.email, phone=case.customer.phone)
        subject = _("Follow-up to %(reference)s") % {"reference": case.reference}
        new = NewCase(
            subject, body, contact, channel=channel, category=case.category, uploads=uploads, related_case=case
        )
        first = _create_case(new, case.customer, actor)
        events.record(case, EventKind.LINKED, actor=actor, after=first.case.reference)
        return first
    # Spam and merged cases keep their status: a spammer's reply must not put the case back in the inbox.
    reopened = case.status in FINISHED_STATUSES
    if case.status in (Status.WAITING, *FINISHED_STATUSES):
        _set_status(
            case,
            Status.OPEN,
            actor=actor,
            kind=EventKind.REOPENED if reopened else EventKind.STATUS_CHANGED,
        )
    message = _store_message(case, MessageKind.CUSTOMER, body, actor, channel, uploads)
    _touch(case)
    _follow_clocks(case, sla_clock.customer_wrote(case))
    events.record(case, EventKind.CUSTOMER_MESSAGE, actor=actor, message=message)
    if case.status not in (Status.SPAM, Status.MERGED):
        fanout.for_event(case, AlertKind.REOPENED if reopened else AlertKind.CUSTOMER_REPLIED, actor=actor)
    _index_on_commit(case)
    audit.record_case(actor, "case.customer_message", target=case, data={"message": message.pk})
    return message


def receive_channel_message(new: NewCase, *, case: Case | None) -> Message:
    """A channel delivers a customer's message: onto ``case`` when the channel threaded it there (the
    caller has checked the sender is a participant), else as a new case (``new.related_case`` marks a
    case the sender quoted but may not join). Finds or creates the customer by the sender's address."""
    # No savepoint of its own: a caller inside a transaction (the channel pipeline) has its own, and
    # an error here must roll that back whole anyway. Saves two round trips per message.
    with transaction.atomic(savepoint=False):
        if case is None:
            customer = find_or_create_customer(new.contact)
            return _create_case(new, customer, Actor(customer=customer))
        locked = _CASE_FOR_UPDATE.first(case.pk)
        if locked is None:
            raise Case.DoesNotExist(f"case {case.pk} is gone")
        if locked.customer_id == case.customer_id:
            locked.customer = case.customer  # the channel's threading read it a moment ago
        actor = Actor(customer=_sender_on(locked, new.contact))
        return receive_customer_message(locked, new.body, actor=actor, channel=new.channel, uploads=new.uploads)


_CASE_FOR_UPDATE = Lookup(Case, "id = %s", lock=True)


def _sender_on(case: Case, contact: Contact) -> Customer:
    """Most replies come from the case's own customer: no identity lookup for them."""
    email = contact.email.strip().lower()
    if email and case.customer.email.lower() == email:
        return case.customer
    return find_or_create_customer(contact)


def _within_reopen_window(case: Case) -> bool:
    finished_at = case.solved_at or case.closed_at or case.updated_at
    return timezone.now() - finished_at <= timedelta(days=settings.SORIDAM_REOPEN_WINDOW_DAYS)


def reply(case: Case, body: str, *, actor: Actor, uploads: Sequence[Upload] = (), send: bool = True) -> Message:
    """An agent's (or the bot's) public reply, sent to the customer on the channel they last wrote on.
    ``send=False``: the channel has already given it to the customer (a KakaoTalk skill's own answer)."""
    if send:
        check_reply(case, body, uploads)  # a text message it cannot be is refused before it is stored
    message = _store_message(case, MessageKind.REPLY, body, actor, case.channel, uploads)
    _touch(case)
    _follow_clocks(case, sla_clock.agent_replied(case))
    events.record(case, EventKind.REPLY, actor=actor, message=message)
    _index_on_commit(case)
    audit.record_case(actor, "case.reply", target=case, data={"message": message.pk})
    if send:
        notify_customer(case, NotificationKind.AGENT_REPLY, message)
    return message


def add_note(case: Case, body: str, *, actor: Actor) -> Message:
    """An internal note: staff only, never sent or shown to the customer (R-AGENT-4)."""
    message = _store_message(case, MessageKind.NOTE, body, actor, "web")
    _touch(case)
    events.record(case, EventKind.NOTE, actor=actor, message=message)
    fanout.mentioned(case, message, actor=actor)
    _index_on_commit(case)
    audit.record_case(actor, "case.note", target=case, data={"message": message.pk})
    return message


def change_stage(
    case: Case, to: str, *, actor: Actor, reason: str = "", override_open_tasks: bool = False, notify: bool = True
) -> Case:
    """Move a case to another stage, as the transition table allows. Open blocking investigation tasks keep
    it in investigation unless a lead overrides them with a reason (``override_open_tasks``). ``notify=False``
    moves it silently: the customer is not told (the tracking page still shows the stage), and the timeline
    says so."""
    if case.status in (Status.MERGED, Status.SPAM) or not stages.is_allowed(case.stage, to):
        raise InvalidTransition(
            _("A case cannot move from %(from)s to %(to)s.")
            % {"from": _stage_label(case.stage), "to": _stage_label(to)},
            allowed=[] if case.status in (Status.MERGED, Status.SPAM) else stages.allowed_targets(case.stage),
        )
    if stages.needs_reason(case.stage, to) and not reason.strip():
        raise InvalidTransition(_("Moving a case back needs a reason."), allowed=stages.allowed_targets(case.stage))
    _check_open_tasks(case, to, actor=actor, reason=reason, override=override_open_tasks)
    before, case.stage = case.stage, to
    fields = ["stage"]
    if case.stage_entered_at(to) is None:
        setattr(case, f"{to}_at", timezone.now())
        fields.append(f"{to}_at")
    _touch(case, *fields)
    events.record(case, EventKind.STAGE_CHANGED, actor=actor, before=before, after=to, reason=reason.strip())
    audit.record_case(actor, "case.stage", target=case, data={"from": before, "to": to})
    if notify:
        notify_customer(case, NotificationKind.STAGE_CHANGED)
    else:
        _record_silent(case, to, actor)
    return case


def _stage_label(stage: str) -> str:
    return str(stages.Stage(stage).label) if stage in stages.Stage.values else stage


def change_status(case: Case, to: str, *, actor: Actor, reason: str = "", notify: bool = True) -> Case:
    """Set the status (open, waiting, solved, closed, spam). Solving tells the customer and asks for a
    rating (``SORIDAM_SURVEY_ON``). ``notify=False`` changes it silently, and the timeline says so."""
    if to not in Status.values or to == Status.MERGED:
        raise InvalidChange(_("%(status)s is not a status you can set.") % {"status": to}, field="status")
    if to == case.status:
        return case
    _set_status(case, to, actor=actor, reason=reason)
    if notify:
        _tell_status(case, to)
    else:
        _record_silent(case, to, actor)
    return case


def _set_status(
    case: Case, to: str, *, actor: Actor, reason: str = "", kind: EventKind = EventKind.STATUS_CHANGED
) -> None:
    before, case.status = case.status, to
    now = timezone.now()
    if to == Status.SOLVED:
        case.solved_at = now
    if to == Status.CLOSED:
        case.closed_at = now
    _touch(case, "status", "solved_at", "closed_at")
    if to == Status.CLOSED:  # its statutory records go to the restricted store (R-SEC-7)
        restrict_case(case)
    if before == Status.SOLVED and to not in FINISHED_STATUSES:
        withdraw_waiting(case, NotificationKind.CASE_SOLVED, "Not sent: the case was reopened before it went out")
    _follow_clocks(case, sla_clock.status_changed(case))
    if to in (*FINISHED_STATUSES, Status.SPAM, Status.MERGED):
        capacity_freed(case.assignee_id)
    events.record(case, kind, actor=actor, before=before, after=to, reason=reason.strip())
    audit.record_case(actor, "case.status", target=case, data={"from": before, "to": to})


def assign(case: Case, agent: User | None, *, actor: Actor) -> Case:
    """Give the case to an agent of its team (or to nobody)."""
    if agent == case.assignee:
        return case
    if agent is not None and not _may_work_on(agent, case):
        raise InvalidChange(
            _("%(agent)s cannot work on this team's cases.") % {"agent": agent.label()}, field="assignee"
        )
    before = case.assignee.username if case.assignee else ""
    capacity_freed(case.assignee_id)
    case.assignee = agent
    _touch(case, "assignee")
    after = agent.username if agent else ""
    events.record(case, EventKind.ASSIGNED, actor=actor, before=before, after=after)
    if agent is not None:
        fanout.for_event(case, AlertKind.ASSIGNED, actor=actor)
    audit.record_case(actor, "case.assign", target=case, data={"from": before, "to": after})
    return case


def _may_work_on(agent: User, case: Case) -> bool:
    if not agent.is_support_staff:
        return False
    return agent.is_admin_role or case.team_id is None or agent.teams.filter(pk=case.team_id).exists()


def change_team(case: Case, team: Team | None, *, actor: Actor) -> Case:
    """Move the case to another team; an assignee outside that team is released."""
    before = case.team.slug if case.team else ""
    case.team = team
    fields = ["team"]
    if case.assignee is not None and not _may_work_on(case.assignee, case):
        capacity_freed(case.assignee_id)
        case.assignee = None
        fields.append("assignee")
    _touch(case, *fields)
    _follow_clocks(case, sla_clock.recompute(case))  # the new team may keep another calendar
    _index_on_commit(case)  # the search index scopes cases by team
    events.record(case, EventKind.TEAM_CHANGED, actor=actor, before=before, after=team.slug if team else "")
    audit.record_case(actor, "case.team", target=case, data={"from": before, "to": team.slug if team else ""})
    return case


def change_language(case: Case, to: str, *, actor: Actor) -> Case:
    """The language the case is handled in: routing matches it to agents' skills, mail is written in it."""
    if to not in dict(settings.LANGUAGES):
        raise InvalidChange(_("%(language)s is not a language.") % {"language": to}, field="language")
    if to == case.language:
        return case
    before, case.language = case.language, to
    _touch(case, "language")
    events.record(case, EventKind.LANGUAGE_CHANGED, actor=actor, before=before, after=to)
    audit.record_case(actor, "case.language", target=case, data={"from": before, "to": to})
    return case


def change_priority(case: Case, to: str, *, actor: Actor) -> Case:
    if to not in Priority.values:
        raise InvalidChange(_("%(priority)s is not a priority.") % {"priority": to}, field="priority")
    if to == case.priority:
        return case
    before, case.priority = case.priority, to
    _touch(case, "priority")
    _follow_clocks(case, sla_clock.recompute(case))
    _learn_from(case, "priority", to, actor)
    events.record(case, EventKind.PRIORITY_CHANGED, actor=actor, before=before, after=to)
    audit.record_case(actor, "case.priority", target=case, data={"from": before, "to": to})
    return case


def change_category(case: Case, category: Category | None, *, actor: Actor) -> Case:
    """Recategorise; a case with no team yet goes to the category's default team."""
    if category == case.category:
        return case
    before = case.category.slug if case.category else ""
    case.category = category
    fields = ["category"]
    if case.team_id is None and category is not None and category.default_team_id is not None:
        case.team_id = category.default_team_id
        fields.append("team")
    _touch(case, *fields)
    _follow_clocks(case, sla_clock.recompute(case))
    after = category.slug if category else ""
    _learn_from(case, "category", after, actor)
    events.record(case, EventKind.CATEGORY_CHANGED, actor=actor, before=before, after=after)
    audit.record_case(actor, "case.category", target=case, data={"from": before, "to": after})
    return case


def start_sla_clocks(case: Case, *, since: datetime) -> CaseSla | None:
    """Give clocks to a case filed before SLAs were configured, running from ``since`` (its filing time);
    a case that is not open starts paused. The caller holds the row lock."""
    sla = sla_clock.start(case, since)
    if sla is not None and case.status != Status.OPEN:
        sla = sla_clock.status_changed(case)
    _follow_clocks(case, sla)
    return sla


def record_escalation(case: Case, *, rule_id: int, target: str, actor: Actor) -> None:
    """An SLA escalation rule fired on the case (``sla.escalation`` then acts through these actions).
    The caller holds the row lock."""
    events.record(case, EventKind.SLA_ESCALATED, actor=actor, after=target)
    fanout.for_event(case, AlertKind.SLA_AT_RISK, actor=actor, detail=target)
    audit.record_case(actor, "case.sla_escalated", target=case, data={"rule": rule_id, "target": target})


def record_survey_answer(survey: Survey, rating: int, comment: str) -> Survey:
    """The customer rated the case (1–5) from the survey link; answering again replaces the earlier
    answer. The caller holds the survey's and the case's row locks."""
    if rating not in range(1, 6):
        raise InvalidChange(_("A rating is a number from 1 to 5."), field="rating")
    survey.rating, survey.comment, survey.answered_at = rating, comment.strip()[:4000], timezone.now()
    survey.save(update_fields=["rating", "comment", "answered_at"])
    actor = Actor(customer=survey.case.customer)
    events.record(survey.case, EventKind.SURVEY_ANSWERED, actor=actor, after=str(rating))
    audit.record_case(actor, "case.survey_answered", target=survey.case, data={"rating": rating})
    return survey


def _check_open_tasks(case: Case, to: str, *, actor: Actor, reason: str, override: bool) -> None:
    """Leaving investigation forwards waits for its blocking tasks; a lead may move on with a reason."""
    leaving = case.stage == stages.Stage.INVESTIGATION and stages.is_forward(case.stage, to)
    open_tasks = open_blocking_tasks(case) if leaving else 0
    if not open_tasks:
        return
    allowed = [target for target in stages.allowed_targets(case.stage) if not stages.is_forward(case.stage, target)]
    if not override:
        message = _("%(count)s investigation tasks are still open.") % {"count": open_tasks}
        raise InvalidTransition(message, allowed=allowed)
    if actor.user is None or actor.user.effective_role not in (Role.LEAD, Role.ADMIN) or not reason.strip():
        raise InvalidTransition(_("Only a lead can move on with open tasks, and only with a reason."), allowed=allowed)
    events.record(case, EventKind.TASKS_OVERRIDDEN, actor=actor, after=str(open_tasks), reason=reason.strip())


def record_task(case: Case, task: InvestigationTask, *, kind: EventKind, actor: Actor) -> None:
    """An investigation task of the case was opened or closed (``investigations.actions`` changes the task;
    the case's history is written here). The caller holds the case's row lock."""
    events.record(case, kind, actor=actor, before=task.owner_team.slug, after=task.status, reason=task.title)
    audit.record_case(actor, f"case.{kind}", target=case, data={"task": task.pk, "status": task.status})


def add_tag(case: Case, name: str, *, actor: Actor) -> Tag:
    """Label the case (the tag is created on first use); a tag the case already has records nothing."""
    name = " ".join(name.split())
    if not name or len(name) > TAG_LENGTH:
        raise InvalidChange(_("A tag is 1 to %(length)d characters long.") % {"length": TAG_LENGTH}, field="tag")
    tag, _created = Tag.objects.get_or_create(name=name)
    if case.tags.filter(pk=tag.pk).exists():
        return tag
    case.tags.add(tag)
    _touch(case)
    events.record(case, EventKind.TAG_ADDED, actor=actor, after=name)
    audit.record_case(actor, "case.tag_added", target=case, data={"tag": name})
    return tag


def remove_tag(case: Case, tag: Tag, *, actor: Actor) -> Case:
    if not case.tags.filter(pk=tag.pk).exists():
        return case
    case.tags.remove(tag)
    _touch(case)
    events.record(case, EventKind.TAG_REMOVED, actor=actor, before=tag.name)
    audit.record_case(actor, "case.tag_removed", target=case, data={"tag": tag.name})
    return case


def merge_cases(target: Case, duplicates: Sequence[Case], *, actor: Actor) -> Case:
    """Merge duplicates into ``target``: each duplicate gets status merged and links to the target, and both
    timelines record it. Messages stay on the case they arrived on (its history and audit chain stay whole);
    the link leads from one to the other. The caller holds every case's row lock, taken in id order."""
    for duplicate in duplicates:
        _check_mergeable(target, duplicate)
    for duplicate in duplicates:
        _set_status(duplicate, Status.MERGED, actor=actor)
        duplicate.related_case = target
        update(duplicate, "related_case")
        events.record(duplicate, EventKind.MERGED, actor=actor, after=target.reference)
        audit.record_case(actor, "case.merged_into", target=duplicate, data={"into": target.reference})
        events.record(target, EventKind.MERGED, actor=actor, before=duplicate.reference)
        audit.record_case(actor, "case.merged_from", target=target, data={"from": duplicate.reference})
    _touch(target)
    return target


def _check_mergeable(target: Case, duplicate: Case) -> None:
    if duplicate.pk == target.pk:
        raise InvalidChange(_("A case cannot be merged into itself."), field="cases")
    if Status.MERGED in (target.status, duplicate.status):
        raise InvalidChange(
            _("%(reference)s is already merged.")
            % {"reference": target.reference if target.status == Status.MERGED else duplicate.reference},
            field="cases",
        )


def _tell_status(case: Case, to: str) -> None:
    """The customer hears that the case is solved; the survey link rides on that message (one mail, not
    two) and goes alone only when there is none (closed, or solved messages switched off). Solving
    schedules the check-in; closing asks for NPS unless it asks for the rating (one question at a time)."""
    survey = request_survey(case) if survey_due(to) else None
    told = notify_customer(case, NotificationKind.CASE_SOLVED) if to == Status.SOLVED else None
    if survey is not None and told is None:
        announce_survey(case)
    if to == Status.SOLVED:
        schedule_check_in(case)  # "solved?" a few business days later (R-FOLLOW-2)
    if to == Status.CLOSED and survey is None:
        request_nps(case)  # once per customer in 90 days (R-FOLLOW-4), never beside the rating request


def _record_silent(case: Case, to: str, actor: Actor) -> None:
    """A staff-only timeline line: this change was made without telling the customer."""
    events.record(case, EventKind.NOT_NOTIFIED, actor=actor, after=to)
