"""Staff views of the channel framework: the full original of an inbound message.

The original is never masked (it is the evidence), so opening it is a reveal: only those who may reveal
personal data open it, each time with a typed reason, and each opening is written to the access log.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from soridam.accounts.staff import StaffRequest, staff_required
from soridam.audit.actors import Actor
from soridam.cases import privacy_actions
from soridam.cases.access import access_case
from soridam.cases.downloads import download_response
from soridam.channels.access import access_channel_message
from soridam.channels.models import ChannelMessage
from soridam.lib.security_headers import security_policy
from soridam.privacy.access import may_reveal_pii
from soridam.privacy.forms import RevealForm
from soridam.privacy.models import AccessAction, AccessLog
from soridam.privacy.presenter import shown


def _opened(request: StaffRequest, message_id: int) -> tuple[ChannelMessage, RevealForm, AccessLog | None]:
    """The message, the reason form, and the access-log entry when a valid reason was posted."""
    meta = access_channel_message(request.user, message_id)
    if not may_reveal_pii(request.user):
        raise PermissionDenied
    form = RevealForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        return meta, form, None
    with transaction.atomic():
        case = access_case(request.user, meta.case_id, for_update=True)  # the audit stream needs the row lock
        entry = privacy_actions.reveal_pii(
            case,
            actor=Actor(user=request.user),
            reason=form.cleaned_data["reason"],
            message=meta.message,
            ip=request.META.get("REMOTE_ADDR"),
            action=AccessAction.VIEW_ORIGINAL,
        )
    return meta, form, entry


@staff_required
@require_http_methods(["GET", "POST"])
@security_policy("external_content")  # the sanitised HTML is shown in a sandboxed frame; nothing may run or load
def original(request: StaffRequest, message_id: int) -> HttpResponse:
    meta, form, entry = _opened(request, message_id)
    context = {"meta": meta, "case": meta.message.case, "form": form, "entry": entry}
    context["subject"] = shown(request.user, meta.subject, reveal=entry)
    context["sender"] = shown(request.user, meta.sender, reveal=entry)
    status = 409 if form.is_bound and entry is None else 200
    return render(request, "channels/original.html", context, status=status)


@staff_required
@require_POST
def original_raw(request: StaffRequest, message_id: int) -> HttpResponseBase:
    meta, _form, entry = _opened(request, message_id)
    if entry is None:
        return HttpResponse(status=409)
    raw = bytes(meta.payload.raw) if meta.payload is not None else b""
    return download_response(raw, filename=f"message-{message_id}.eml", content_type="message/rfc822")


@staff_required
@require_GET
def full_text(request: StaffRequest, message_id: int) -> HttpResponse:
    """The whole text of an inbound message, quoted history and signature included, masked as on the case page.

    The case shows only the customer's new words (channels/email/quotes.py); this is the one click back to
    everything the mail held, for every agent who may see the case. The unmasked original stays a reveal.
    """
    meta = access_channel_message(request.user, message_id)
    context = {"meta": meta, "case": meta.message.case, "text": shown(request.user, meta.full_text)}
    partial = request.headers.get("HX-Request") == "true"
    return render(request, "channels/_full_text.html" if partial else "channels/full_text.html", context)
