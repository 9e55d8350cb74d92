"""Queue e-mail to a customer inside the caller's transaction; a task sends it after commit."""

from __future__ import annotations

from soridam.cases.models import Case, Message
from soridam.lib.jobs import enqueue_on_commit
from soridam.notifications.models import OutboundEmail
from soridam.notifications.tasks import deliver_email


def queue_customer_email(case: Case, kind: str, *, message: Message | None = None) -> OutboundEmail | None:
    """Record one outbound e-mail and send it once the transaction commits.

    Customers known only by phone get nothing here; other channels add their own outbox later.
    """
    if not case.customer.email:
        return None
    outbound = OutboundEmail.objects.create(case=case, kind=kind, message=message, to_address=case.customer.email)
    enqueue_on_commit(deliver_email, outbound.pk)
    return outbound
