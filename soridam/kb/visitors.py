"""An anonymous reader's key, kept in their session: it makes one vote per day and ties the articles they
opened to a complaint they send later. It is random and says nothing about who they are."""

from __future__ import annotations

import secrets

from django.http import HttpRequest

SESSION_KEY = "kb_visitor"


def visitor_key(request: HttpRequest) -> str:
    key = request.session.get(SESSION_KEY)
    if not isinstance(key, str) or not key:
        key = secrets.token_urlsafe(18)
        request.session[SESSION_KEY] = key
    return key


def known_visitor_key(request: HttpRequest) -> str | None:
    """The key if this reader already has one; never starts a session."""
    key = request.session.get(SESSION_KEY)
    return key if isinstance(key, str) and key else None
