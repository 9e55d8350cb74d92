"""The visitor's session token: the session's public id, signed with a salt of its own and timestamped.

``django.core.signing`` compares signatures in constant time. The token expires with the session; a
token whose signature or age is wrong, or whose session is gone or expired, is ``BadToken``.
"""

from __future__ import annotations

import uuid

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
    if not token or len(token) > 300:
        raise BadToken("no token")
    try:
        public_id = signing.loads(token, salt=SALT, max_age=settings.SORIDAM_CHAT_SESSION_SECONDS)
        session = ChatSession.objects.get(public_id=uuid.UUID(str(public_id)))
    except (signing.BadSignature, ValueError, ChatSession.DoesNotExist):
        raise BadToken("bad token") from None
    if session.is_expired:
        raise BadToken("expired session")
    return session
