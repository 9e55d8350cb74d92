"""Queue e-mail to a customer inside the caller's transaction; a task sends it after commit."""

from __future__ import annotations

from email.utils import make_msgid

from soridam.cases.models import Case, Message
from soridam.lib.jobs import enqueue_on_commit
from soridam.lib.rows import insert
from soridam.notifications.models import DeliveryState, OutboundEmail
from soridam.notifications.tasks import deliver_email, mail_domain


def queue_customer_email(case: Case, kind: str, *, message: Message | None = None) -> OutboundEmail | None:
    """Record one outbound e-mail and send it once the transaction commits.

    Customers known only by phone get nothing here; other channels add their own outbox later.
    """
    if not case.customer.email:
        return None
    # Our Message-ID is stored before anything is sent, so a retry re-sends the same message id.
    outbound = insert(
        OutboundEmail(
            case=case,
            kind=kind,
            message=message,
            to_address=case.customer.email,
            rfc_message_id=make_msgid(domain=mail_domain()),
        )
    )
    enqueue_on_commit(deliver_email, outbound.pk)
    return outbound


def mark_bounced(rfc_message_ids: list[str], reason: str) -> int:
    """A delivery report says these mails of ours never arrived: show them as failed with the reason."""
    wanted = [f"<{item.strip('<>')}>" for item in rfc_message_ids if item.strip("<>")]
    if not wanted:
        return 0
    return OutboundEmail.objects.filter(rfc_message_id__in=wanted).update(
        state=DeliveryState.FAILED, last_error=f"Bounced: {reason}"[:2000]
    )
