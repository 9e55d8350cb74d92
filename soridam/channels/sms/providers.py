"""SMS providers behind one interface (channels.md §8): the transport checks the text, the sender and the
recipient; a provider only turns one checked message into its API call.

One provider is built: NCP SENS. An account picks its provider with the option ``provider`` (default
``ncp_sens``); another one (NHN Cloud, Solapi) is one more class in ``PROVIDERS``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import quote

from django.utils.translation import gettext as _

from soridam.channels.base import TransportError
from soridam.channels.http import post_json
from soridam.channels.models import ChannelAccount
from soridam.channels.sms.text import Measured


@dataclass(frozen=True)
class SmsMessage:
    """One checked message: ``to`` and ``sender`` in the national form (``01012345678``)."""

    to: str
    sender: str
    content: str
    measured: Measured
    subject: str = ""


class SmsProvider(ABC):
    name: ClassVar[str]

    @abstractmethod
    def send(self, account: ChannelAccount, message: SmsMessage) -> str:
        """Hand the message to the provider; its id for the request. Raises TransportError."""

    @abstractmethod
    def missing_settings(self, account: ChannelAccount) -> list[str]:
        """The account settings this provider needs and does not have."""


class NcpSens(SmsProvider):
    """NCP SENS SMS v2: ``POST /sms/v2/services/{serviceId}/messages``, signed with the account's access key
    (``token``) and secret key (``secret``). The signature is Base64(HMAC-SHA256(secret, "POST {path}\\n
    {timestamp}\\n{accessKey}")), the timestamp in milliseconds (SENS refuses one more than 5 minutes off), as
    NCP's API gateway documents it (api.ncloud-docs.com, "common-ncpapi"). Success is 202 with a
    ``requestId``."""

    name = "ncp_sens"
    api_base = "https://sens.apigw.ntruss.com"

    def send(self, account: ChannelAccount, message: SmsMessage) -> str:
        path = f"/sms/v2/services/{quote(str(account.options.get('service_id', '')), safe=':')}/messages"
        base = str(account.options.get("api_base") or self.api_base).rstrip("/")
        answer = post_json(base + path, self.body(message), headers=self.headers(account, path), what="SENS send")
        request_id = (answer.json() or {}).get("requestId") if isinstance(answer.json(), dict) else None
        if not request_id:
            raise TransportError(_("SENS accepted the message but gave no request id."), permanent=False)
        return str(request_id)

    def body(self, message: SmsMessage) -> dict[str, object]:
        body: dict[str, object] = {
            "type": message.measured.type.value,
            "contentType": "COMM",  # case messages are never advertising (AD needs "(광고)" and consent)
            "countryCode": "82",
            "from": message.sender,
            "content": message.content,
            "messages": [{"to": message.to}],
        }
        if message.subject:
            body["subject"] = message.subject
        return body

    def headers(self, account: ChannelAccount, path: str, now_ms: int | None = None) -> dict[str, str]:
        timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
        return {
            "x-ncp-apigw-timestamp": timestamp,
            "x-ncp-iam-access-key": account.token,
            "x-ncp-apigw-signature-v2": signature(account.secret, f"POST {path}", timestamp, account.token),
        }

    def missing_settings(self, account: ChannelAccount) -> list[str]:
        wanted = {"token (access key)": account.token, "secret (secret key)": account.secret}
        wanted["option service_id"] = str(account.options.get("service_id") or "")
        return [name for name, value in wanted.items() if not value]


def signature(secret: str, request_line: str, timestamp: str, access_key: str) -> str:
    message = f"{request_line}\n{timestamp}\n{access_key}".encode()
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


PROVIDERS: dict[str, SmsProvider] = {provider.name: provider for provider in (NcpSens(),)}


def provider_for(account: ChannelAccount) -> SmsProvider:
    name = str(account.options.get("provider") or NcpSens.name)
    try:
        return PROVIDERS[name]
    except KeyError:
        raise TransportError(_("Unknown SMS provider “%(name)s”.") % {"name": name}, permanent=True) from None
