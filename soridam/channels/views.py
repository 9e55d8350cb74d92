"""Staff views of the channel framework: the full original of an inbound message."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from soridam.cases.downloads import download_response
from soridam.channels.access import access_channel_message
from soridam.lib.security_headers import security_policy
from soridam.workspace.staff import StaffRequest, staff_required


@staff_required
@require_GET
@security_policy("external_content")  # the sanitised HTML is shown in a sandboxed frame; nothing may run or load
def original(request: StaffRequest, message_id: int) -> HttpResponse:
    meta = access_channel_message(request.user, message_id)
    return render(request, "channels/original.html", {"meta": meta, "case": meta.message.case})


@staff_required
@require_GET
def original_raw(request: StaffRequest, message_id: int) -> HttpResponseBase:
    meta = access_channel_message(request.user, message_id)
    raw = bytes(meta.payload.raw) if meta.payload is not None else b""
    return download_response(raw, filename=f"message-{message_id}.eml", content_type="message/rfc822")
