"""Send an AlimTalk notice through NHN Cloud, and fall back to SMS/LMS through our own SMS provider.

NHN Cloud AlimTalk API v2.3 (docs.nhncloud.com, "KakaoTalk Bizmessage > AlimTalk > API guide"):
``POST /alimtalk/v2.3/appkeys/{appkey}/messages`` with ``X-Secret-Key`` and ``X-NC-API-IDEMPOTENCY-KEY``
(a repeat within 10 minutes is refused, so a retried notice is never sent twice); the answer's
``header.isSuccessful`` and each ``sendResults[].resultCode`` (0) say whether it was taken.

The agency can resend by SMS itself, but it cuts a text over the byte limit and takes any sender number,
so its resend is off (``isResend: false``) and the fallback goes through ``channels.sms``: a registered
sender, EUC-KR sizes, nothing cut. A temporary failure (network, 429, 5xx) is raised for the caller to
retry; a refusal (4xx, ``isSuccessful: false``, a failed recipient) falls back to SMS at once.

The AlimTalk account (any ``ChannelAccount``): ``secret`` = the X-Secret-Key; options ``appkey``,
``sender_key`` (발신 키), ``api_base``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from soridam.accounts import processors
from soridam.accounts.models import ProcessorKind
from soridam.cases.models import Case
from soridam.channels.base import TransportError
from soridam.channels.http import HttpError, post_json
from soridam.channels.kakao_alimtalk.models import AlimTalkSend, AlimTalkTemplate, SendState
from soridam.channels.kakao_alimtalk.templates import render
from soridam.channels.models import ChannelAccount
from soridam.channels.sms.sending import national_number, send_text

API_BASE = "https://api-alimtalk.cloud.toast.com"


def send_notice(
    template: AlimTalkTemplate,
    phone: str,
    values: Mapping[str, str],
    *,
    account: ChannelAccount,
    sms_account: ChannelAccount | None,
    case: Case | None = None,
) -> AlimTalkSend:
    """Render, send by AlimTalk, fall back to SMS when AlimTalk refuses; the stored record of what happened.
    Raises TemplateRefused before anything is sent, TransportError when AlimTalk should be tried again."""
    text = render(template, values)
    record = AlimTalkSend(
        template=template, case=case, recipient=national_number(phone), variables=dict(values), text=text
    )
    record.idempotency_key = uuid.uuid4().hex
    try:
        record.request_id = _post(account, template, record)
        record.state = SendState.SENT
    except TransportError as exc:
        if not exc.permanent:
            raise
        record.alimtalk_error = str(exc)
        _fall_back(record, sms_account)
    record.save()
    return record


def _post(account: ChannelAccount, template: AlimTalkTemplate, record: AlimTalkSend) -> str:
    if not processors.is_accepted(ProcessorKind.KAKAO_ALIMTALK):  # R-SEC-13: refused like a 4xx, so SMS is tried
        raise TransportError(_("An admin has not accepted the AlimTalk agency's outsourcing notice."), permanent=True)
    base = str(account.options.get("api_base") or API_BASE).rstrip("/")
    url = f"{base}/alimtalk/v2.3/appkeys/{account.options.get('appkey', '')}/messages"
    body = {
        "senderKey": account.options.get("sender_key", ""),
        "templateCode": template.code,
        "recipientList": [
            {
                "recipientNo": record.recipient,
                "templateParameter": record.variables,
                "resendParameter": {"isResend": False},
            }
        ],
    }
    headers = {"X-Secret-Key": account.secret, "X-NC-API-IDEMPOTENCY-KEY": record.idempotency_key}
    try:
        answer = post_json(url, body, headers=headers, what="AlimTalk send").json()
    except HttpError as exc:
        raise TransportError(str(exc), permanent=exc.permanent, retry_after=exc.retry_after) from None
    return _request_id(answer)


def _request_id(answer: Any) -> str:
    """The agency's id for an accepted notice; TransportError (permanent) when it refused it."""
    header, message = _dict(_dict(answer).get("header")), _dict(_dict(answer).get("message"))
    results = message.get("sendResults")
    first = _dict(results[0]) if isinstance(results, list) and results else {}
    if not header.get("isSuccessful") or first.get("resultCode", 0) != 0:
        reason = first.get("resultMessage") or header.get("resultMessage") or "refused"
        raise TransportError(_("AlimTalk refused the notice: %(reason)s") % {"reason": reason}, permanent=True)
    return str(message.get("requestId") or "")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _fall_back(record: AlimTalkSend, sms_account: ChannelAccount | None) -> None:
    if sms_account is None:
        record.state, record.fallback_error = SendState.FAILED, _("No SMS account for the fallback.")
        return
    try:
        record.fallback_request_id = send_text(sms_account, record.recipient, record.text)
    except TransportError as exc:
        record.state, record.fallback_error = SendState.FAILED, str(exc)
        return
    record.state = SendState.FALLBACK_SENT
