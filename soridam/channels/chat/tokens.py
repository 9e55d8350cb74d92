"""The visitor's session token: the session's public id, signed with a salt of its own and timestamped.

``django.core.signing`` compares signatures in constant time. The token expires with the session; a
token whose signature or age is wrong, or whose session is gone or expired, is ``BadToken``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.conf import settings
from django.core import signing

from soridam.channels.chat.models import ChatSession

SALT = "soridam.chat.session"


class BadToken(Exception):
    """Not our token, expired, or for a session that is gone: close 4401 / HTTP 401."""


def issue(session: ChatSession) -> str:
    return signing.dumps(str(session.public_id), salt=SALT, compress=False)


def session_for(token: str) -> ChatSession:
    """The live session the token names; never writes anything."""
    session = sessions_for([token])[0]
    if isinstance(session, BadToken):
        raise session
    return session


def sessions_for(tokens: Sequence[str]) -> list[ChatSession | BadToken]:
    """``session_for`` of many tokens with one query (the sockets of a process connecting at once)."""
    public_ids: list[uuid.UUID | BadToken] = [_public_id(token) for token in tokens]
    wanted = {public_id for public_id in public_ids if isinstance(public_id, uuid.UUID)}
    found = (
        {session.public_id: session for session in ChatSession.objects.filter(public_id__in=wanted)} if wanted else {}
    )
    sessions: list[ChatSession | BadToken] = []
    for public_id in public_ids:
        session = found.get(public_id) if isinstance(public_id, uuid.UUID) else None
        if session is None:
            sessions.append(public_id if isinstance(public_id, BadToken) else BadToken("bad token"))
        elif session.is_expired:
            sessions.append(BadToken("expired session"))
        else:
            sessions.append(session)
    return sessions


def _public_id(token: str) -> uuid.UUID | BadToken:
    if not token or len(token) > 300:
        return BadToken("no token")
    try:
        return uuid.UUID(str(signing.loads(token, salt=SALT, max_age=settings.SORIDAM_CHAT_SESSION_SECONDS)))
    except (signing.BadSignature, ValueError):
        return BadToken("bad token")
