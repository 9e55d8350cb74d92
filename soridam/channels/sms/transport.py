"""SMS/LMS (kind ``sms``, channels.md §8): outbound only.

A case whose channel is SMS, or a phone case whose customer has no e-mail address, is answered by text
message to the customer's phone (``notifications.outbox.customer_route``), through the first active SMS
account. Receiving SMS needs a separate two-way product, so the channel takes no webhooks.

Account: ``token`` = the provider's access key, ``secret`` = its secret key. Options: ``provider``
(``ncp_sens``), ``service_id`` (SENS), ``senders`` (the registered sender numbers, comma-separated),
``sender`` (the one to use; default the first), ``api_base`` (a local fake server in tests).
"""

from __future__ import annotations

import hashlib

from django.utils.translation import gettext as _

from soridam.channels.base import Delivered, Health, Ignored, Rejected, SendResult, Transport, TransportError, register
from soridam.channels.kinds import Channel
from soridam.channels.models import ChannelAccount, RawPayload
from soridam.channels.sms.providers import provider_for
from soridam.channels.sms.sending import fitting_subject, registered_sender, send_text
from soridam.notifications.models import OutboundMessage


class SmsTransport(Transport):
    kind = Channel.SMS

    def external_id(self, raw: bytes) -> str:
        return "sha256:" + hashlib.sha256(raw).hexdigest()

    def process(self, payload: RawPayload) -> Delivered | Ignored:
        raise Rejected("SMS is outbound only")

    def send(self, outbound: OutboundMessage) -> SendResult:
        account = outbound.account
        if account is None or not account.is_active:
            raise TransportError(_("The SMS account is missing or switched off."), permanent=True)
        request_id = send_text(account, outbound.recipient, outbound.body, subject=fitting_subject(outbound.subject))
        return SendResult(external_id=request_id)

    def health(self, account: ChannelAccount) -> Health:
        try:
            missing = provider_for(account).missing_settings(account)
            sender = registered_sender(account)
        except TransportError as exc:
            return Health(ok=False, detail=str(exc))
        if missing:
            return Health(ok=False, detail=_("Missing: %(names)s") % {"names": ", ".join(missing)})
        return Health(ok=True, detail=_("Sends from %(number)s") % {"number": sender})


register(SmsTransport())
