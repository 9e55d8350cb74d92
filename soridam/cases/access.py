"""The only way to load a case: every loader checks who is asking (R-SEC-1).

A case out of scope answers 404 exactly like a missing one.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from soridam.accounts.access import team_ids_of
from soridam.accounts.models import Role, User
from soridam.cases.models import Attachment, Case, Message, MessageKind
from soridam.customers.models import Customer


def cases_visible_to(user: User) -> QuerySet[Case]:
    """Admins see every case; agents and leads see their teams' cases, cases with no team yet and cases they
    opened themselves; a customer account sees only its own cases; anyone else sees nothing."""
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    role = user.effective_role
    if role == Role.ADMIN:
        return Case.objects.all()
    if role in (Role.AGENT, Role.LEAD):
        return Case.objects.filter(Q(team_id__in=team_ids_of(user)) | Q(team__isnull=True) | _opened_by(user))
    if role == Role.CUSTOMER:
        return Case.objects.filter(customer__user=user)
    return Case.objects.none()


def _opened_by(user: User) -> Q:
    """An agent who files a case for a customer (API, phone) keeps it when triage hands it to another team:
    otherwise the id the API just answered with turns into a 404 seconds later. The case's first customer
    message is the only one a staff account authors."""
    first_messages = Message.objects.filter(author_user=user, kind=MessageKind.CUSTOMER).values("case_id")
    return Q(pk__in=first_messages)


def team_scope(user: User) -> list[int | None] | None:
    """The teams whose cases ``cases_visible_to`` grants an agent or lead (None stands for "no team yet"), for
    indexes that can narrow by team; None when the user's view is not limited by team."""
    if user.effective_role in (Role.AGENT, Role.LEAD):
        return [*team_ids_of(user), None]
    return None


def _get(cases: QuerySet[Case], for_update: bool, **lookup: object) -> Case:
    if for_update:
        cases = cases.select_for_update()
    try:
        return cases.get(**lookup)
    except (Case.DoesNotExist, ValueError):
        raise Http404 from None


def access_case(user: User, case_id: int, *, for_update: bool = False, related: tuple[str, ...] = ()) -> Case:
    """The case, if the user may see it; ``related`` names foreign keys to load in the same query."""
    cases = cases_visible_to(user)
    if related:
        cases = cases.select_related(*related)
    return _get(cases, for_update, pk=case_id)


def access_case_by_reference(user: User, reference: str, *, for_update: bool = False) -> Case:
    return _get(cases_visible_to(user), for_update, reference=reference.strip().upper())


def access_case_by_token(token: str, *, for_update: bool = False) -> Case:
    """The case behind a private tracking link. The token alone grants access, so it is long and random."""
    if len(token) < 20:
        raise Http404
    return _get(Case.objects.all(), for_update, tracking_token=token)


def public_messages(case: Case) -> QuerySet[Message]:
    """What the customer may read: never internal notes (R-AGENT-4)."""
    return case.messages.exclude(kind="note").prefetch_related("attachments").select_related("author_user")


def access_attachment_by_token(token: str, attachment_id: int) -> Attachment:
    case = access_case_by_token(token)
    try:
        return Attachment.objects.exclude(message__kind="note").get(pk=attachment_id, message__case=case)
    except Attachment.DoesNotExist:
        raise Http404 from None


def access_attachment(user: User, attachment_id: int) -> Attachment:
    try:
        attachment = Attachment.objects.select_related("message").get(pk=attachment_id)
    except Attachment.DoesNotExist:
        raise Http404 from None
    access_case(user, attachment.message.case_id)
    if user.effective_role == Role.CUSTOMER and attachment.message.is_internal:
        raise Http404
    return attachment


def customers_visible_to(user: User) -> QuerySet[Customer]:
    """Admins see every customer; other staff see the customers of the cases they may see."""
    if user.is_admin_role:
        return Customer.objects.all()
    if not user.is_support_staff:
        return Customer.objects.none()
    return Customer.objects.filter(Exists(cases_visible_to(user).filter(customer_id=OuterRef("pk"))))


def access_customer(user: User, customer_id: int) -> Customer:
    try:
        return customers_visible_to(user).get(pk=customer_id)
    except Customer.DoesNotExist:
        raise Http404 from None
