"""Staff views of the channel framework: the full original of an inbound message."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from soridam.accounts.staff import StaffRequest, staff_required
from soridam.channels.access import access_channel_message


@staff_required
@require_GET
def original(request: StaffRequest, message_id: int) -> HttpResponse:
    meta = access_channel_message(request.user, message_id)
    response = render(request, "channels/original.html", {"meta": meta, "case": meta.message.case})
    # The sanitised HTML is shown in a sandboxed frame; nothing in it may run or load.
    response["Content-Security-Policy"] = "default-src 'self'; frame-src 'self'; img-src 'self'; script-src 'self'"
    return response


@staff_required
@require_GET
def original_raw(request: StaffRequest, message_id: int) -> HttpResponse:
    meta = access_channel_message(request.user, message_id)
    raw = bytes(meta.payload.raw) if meta.payload is not None else b""
    response = HttpResponse(raw, content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="message-{message_id}.eml"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
