"""The widget's HTTP half under /api/v1/chat/: opening a session, and the polling fallback.

Public (no API token): the Origin is checked against the allowlist and the requests are rate limited.
The polling endpoints take the session token as ``Authorization: Bearer <token>`` and give exactly the
frames the socket gives (``store.frame``), so a visitor may switch between them at any time.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.security import HttpBearer

from soridam.channels.chat import store, tokens
from soridam.channels.chat.models import ChatSession
from soridam.channels.chat.origins import origin_allowed
from soridam.lib.api_errors import ApiError
from soridam.lib.ratelimit import check_rate, client_ip

router = Router(tags=["chat"])


class SessionIn(Schema):
    name: str = ""
    email: str = ""
    phone: str = ""
    language: str = "ko"


class SessionOut(Schema):
    session_id: uuid.UUID
    token: str
    ws_url: str


class MessageIn(Schema):
    client_id: str
    text: str


class AckOut(Schema):
    type: str
    client_id: uuid.UUID
    seq: int


class TranscriptOut(Schema):
    messages: list[dict[str, Any]]


class SessionToken(HttpBearer):
    """The visitor's signed session token; a foreign Origin is refused before the token is read."""

    def authenticate(self, request: HttpRequest, token: str) -> ChatSession | None:
        _check_origin(request, required=False)
        try:
            return tokens.session_for(token.strip())
        except tokens.BadToken:
            return None


def _check_origin(request: HttpRequest, *, required: bool) -> None:
    origin = request.headers.get("Origin", "")
    if (origin or required) and not origin_allowed(origin):
        raise ApiError(403, "origin_not_allowed", _("This site may not open a chat."))


def _allow_origin(request: HttpRequest, response: HttpResponse) -> None:
    """CORS for an embedding page on the allowlist (the widget runs on the customer's own site)."""
    origin = request.headers.get("Origin", "")
    if origin and origin_allowed(origin):
        response["Access-Control-Allow-Origin"] = origin
        response["Vary"] = "Origin"


def _session_of(request: HttpRequest, session_id: uuid.UUID) -> ChatSession:
    session: ChatSession = request.auth  # type: ignore[attr-defined]
    if session.public_id != session_id:
        raise ApiError(403, "wrong_session", _("This token is for another chat."))
    return session


@router.post("/chat/sessions", response={201: SessionOut}, auth=None)
def open_session(request: HttpRequest, response: HttpResponse, body: SessionIn) -> tuple[int, dict[str, Any]]:
    _check_origin(request, required=True)
    check_rate("chat", client_ip(request))
    session = store.open_session(_visitor(body), origin=request.headers.get("Origin", ""))
    token = tokens.issue(session)
    _allow_origin(request, response)
    return 201, {"session_id": session.public_id, "token": token, "ws_url": f"{ws_base(request)}?token={token}"}


def _visitor(body: SessionIn) -> store.Visitor:
    email = body.email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ApiError(422, "invalid", _("Enter a valid e-mail address."), field="email") from None
    return store.Visitor(name=body.name.strip(), email=email, phone=body.phone.strip(), language=body.language)


def ws_base(request: HttpRequest) -> str:
    """The chat socket's address: the ASGI process on CHAT_WS_PORT of the host the page was served from."""
    if settings.SORIDAM_CHAT_WS_URL:
        return str(settings.SORIDAM_CHAT_WS_URL)
    host = request.get_host().rsplit(":", 1)[0] if not request.get_host().endswith("]") else request.get_host()
    scheme = "wss" if request.is_secure() else "ws"
    return f"{scheme}://{host}:{settings.CHAT_WS_PORT}/ws/chat/"


@router.get("/chat/sessions/{session_id}/messages", response=TranscriptOut, auth=SessionToken())
def poll_messages(
    request: HttpRequest, response: HttpResponse, session_id: uuid.UUID, after: int = 0
) -> dict[str, Any]:
    session = _session_of(request, session_id)
    _allow_origin(request, response)
    return {"messages": [store.frame(m) for m in store.messages_after(session.pk, after)]}


@router.post("/chat/sessions/{session_id}/messages", response=AckOut, auth=SessionToken())
def post_message(
    request: HttpRequest, response: HttpResponse, session_id: uuid.UUID, body: MessageIn
) -> dict[str, Any]:
    session = _session_of(request, session_id)
    try:
        stored = store.receive(session.pk, body.client_id, body.text)
    except store.BadMessage as exc:
        raise ApiError(422, exc.code, str(exc), field="text" if exc.code != "bad_client_id" else "client_id") from None
    _allow_origin(request, response)
    return {"type": "ack", "client_id": stored.message.client_id, "seq": stored.message.seq}


@router.api_operation(["OPTIONS"], "/chat/sessions", auth=None, include_in_schema=False)
def preflight_sessions(request: HttpRequest) -> HttpResponse:
    return _preflight(request)


@router.api_operation(["OPTIONS"], "/chat/sessions/{session_id}/messages", auth=None, include_in_schema=False)
def preflight_messages(request: HttpRequest, session_id: str) -> HttpResponse:
    return _preflight(request)


def _preflight(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(status=204)
    if origin_allowed(request.headers.get("Origin", "")):
        _allow_origin(request, response)
        response["Access-Control-Allow-Methods"] = "GET, POST"
        response["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
        response["Access-Control-Max-Age"] = "600"
    return response
