"""Meta webhook bodies for the tests, built from the captured payloads in ``payloads/``.

Where the shapes come from: WhatsApp's from Meta's "messages webhook reference" and "Status messages webhook
reference" (developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages,
…/messages/status), the failed status with error 131047 from the WhatsApp error-code page; Messenger's from the
Messenger Platform "Webhook Events Reference" (messages, message_echoes, message_deliveries); Instagram's from
"Instagram Platform Webhook Notification Examples" (messaging payload). Ids and texts are ours.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
from functools import cache
from pathlib import Path
from typing import Any

from django.test import Client

from soridam.channels.tests.webhooks import post_hook

PAYLOADS = Path(__file__).parent / "payloads"
KINDS = ["whatsapp", "messenger", "instagram"]
APP_SECRET = "meta-app-secret-0123456789abcdef"
VERIFY_TOKEN = "verify-me-please"
TOKEN = "EAAG-page-or-system-user-token"
PHONE_NUMBER_ID = "106540352242922"
USER = {"whatsapp": "821012345678", "messenger": "6543210987654321", "instagram": "1122334455667788"}
FIRST = {"whatsapp": "whatsapp_text.json", "messenger": "messenger_text.json", "instagram": "instagram_text.json"}


@cache
def _captured(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((PAYLOADS / name).read_text(encoding="utf-8"))
    return loaded


def captured(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


def message(kind: str, event_id: str, text: str, *, at: int = 1_749_416_383, user: str = "") -> dict[str, Any]:
    """The kind's captured text-message payload with this id, text, time (seconds) and sender."""
    body = copy.deepcopy(_captured(FIRST[kind]))
    user = user or USER[kind]
    if kind == "whatsapp":
        value = body["entry"][0]["changes"][0]["value"]
        value["contacts"][0]["wa_id"] = user
        value["messages"][0].update({"id": event_id, "from": user, "timestamp": str(at), "text": {"body": text}})
    else:
        event = body["entry"][0]["messaging"][0]
        event.update({"sender": {"id": user}, "timestamp": at * 1000})
        event["message"].update({"mid": event_id, "text": text})
    return body


def encode(body: dict[str, Any]) -> bytes:
    # Meta escapes non-ASCII as \uXXXX (channels.md §5): the signature is over exactly these bytes.
    return json.dumps(body).encode()


def signature(raw: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def post_signed(
    client: Client, capture: Any, kind: str, raw: bytes, headers: dict[str, str] | None = None, slug: str = ""
) -> Any:
    signed = {"X-Hub-Signature-256": signature(raw)} if headers is None else headers
    return post_hook(client, capture, kind, slug or f"{kind}-shop", raw, signed)
