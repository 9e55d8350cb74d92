"""Loading channel data under the case permissions (R-SEC-1): out of scope answers 404 like missing."""

from __future__ import annotations

from django.http import Http404

from soridam.accounts.models import User
from soridam.cases.access import access_case
from soridam.channels.models import ChannelMessage


def access_channel_message(user: User, message_id: int) -> ChannelMessage:
    """The original of a case message, for staff who may see its case."""
    if not user.is_support_staff:
        raise Http404
    try:
        meta = ChannelMessage.objects.select_related("message", "payload").get(message_id=message_id)
    except ChannelMessage.DoesNotExist:
        raise Http404 from None
    access_case(user, meta.case_id)
    return meta
