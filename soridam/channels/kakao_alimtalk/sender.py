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

from django.utils import translation
from django.utils.translation import gettext as _

from soridam.accounts import processors
from soridam.accounts.models import ProcessorKind
from soridam.cases.delivery_actions import record_notice_sent
from soridam.cases.models import Case
from soridam.cases.stages import Stage
from soridam.channels.base import SendResult, TransportError
from soridam.channels.http import HttpError, post_json
from soridam.channels.kakao_alimtalk.models import AlimTalkSend, AlimTalkTemplate, SendState, TemplateStatus
from soridam.channels.kakao_alimtalk.templates import TemplateRefused, render, variables_in
from soridam.channels.kinds import Channel
from soridam.channels.models import ChannelAccount
from soridam.channels.sms.sending import national_number, send_text
from soridam.notifications.models import OutboundMessage
from soridam.notifications.rendering import tracking_url

API_BASE = "https://api-alimtalk.cloud.toast.com"


def send_notice(
    template: AlimTalkTemplate,
    phone: str,
    values: Mapping[str, str],
    *,
    account: ChannelAccount,
    sms_account: ChannelAccount | None,
    case: Case | None = None,
    idempotency_key: str = "",
) -> AlimTalkSend:
    """Render, send by AlimTalk, fall back to SMS when AlimTalk refuses; the stored record of what happened.
    Raises TemplateRefused before anything is sent, TransportError when AlimTalk should be tried again
    (with the same ``idempotency_key``: the agency refuses a repeat within 10 minutes)."""
    text = render(template, values)
    record = AlimTalkSend(
        template=template, case=case, recipient=national_number(phone), variables=dict(values), text=text
    )
    record.idempotency_key = idempotency_key or uuid.uuid4().hex
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


def send_outbound(outbound: OutboundMessage) -> SendResult:
    """An outbox row routed to AlimTalk (``notifications.outbox.alimtalk_route``): the approved template of its
    kind filled from its case, sent with the SMS fallback, and written on the case's timeline. A notice that
    can go neither way fails for good, with the reasons (the delivery records it on the case and alerts)."""
    case = outbound.case
    template = AlimTalkTemplate.objects.filter(notice=outbound.kind, status=TemplateStatus.APPROVED).first()
    if template is None:
        raise TransportError(_("No approved AlimTalk template for this notice any more."), permanent=True)
    sms_account = ChannelAccount.objects.filter(kind=Channel.SMS, is_active=True).order_by("pk").first()
    try:
        record = send_notice(
            template,
            outbound.recipient,
            notice_values(template, outbound),
            account=_account(outbound),
            sms_account=sms_account,
            case=case,
            idempotency_key=f"soridam-outbound-{outbound.pk}",  # the same on every retry of the row
        )
    except TemplateRefused as exc:
        raise TransportError(str(exc), permanent=True) from None
    if record.state == SendState.FAILED:
        reasons = "; ".join(reason for reason in (record.alimtalk_error, record.fallback_error) if reason)
        raise TransportError(reasons, permanent=True)
    way = "alimtalk" if record.state == SendState.SENT else "sms"
    record_notice_sent(case.pk, outbound_id=outbound.pk, channel=Channel.KAKAO, way=way, text=record.text)
    return SendResult(external_id=record.request_id if way == "alimtalk" else f"sms:{record.fallback_request_id}")


def _account(outbound: OutboundMessage) -> ChannelAccount:
    if outbound.account is None or not outbound.account.is_active:
        raise TransportError(_("The AlimTalk account is missing or switched off."), permanent=True)
    return outbound.account


def notice_values(template: AlimTalkTemplate, outbound: OutboundMessage) -> dict[str, str]:
    """The values of the template's variables that we know, by their Korean or English names; a variable we do
    not know is left out, and ``render`` refuses the notice naming it (the template asks for what we lack)."""
    case = outbound.case
    with translation.override(case.language):  # the customer's words, not the worker's
        stage = str(Stage(case.stage).label)
    known = {
        "고객명": case.customer.name or ("고객" if case.language == "ko" else "customer"),
        "문의번호": case.reference,
        "진행상태": stage,
        "조회링크": tracking_url(case),
        "답변": outbound.message.body if outbound.message is not None else "",
    }
    known.update(zip(ENGLISH_NAMES, list(known.values()), strict=True))
    return {name: known[name] for name in variables_in(template.body) if known.get(name)}


ENGLISH_NAMES = ("customer_name", "case_reference", "stage", "tracking_url", "reply")
