"""Acceptance (issue 19, encryption): the resident registration, card and account numbers of the ko-cs-dev
cases never appear in plain text in any database column or log line after they came in through the real
intake paths (the web form, the API, e-mail), were revealed once and exported once; and after a key rotation
every sealed value still decrypts. Runs on SQLite and PostgreSQL alike: it reads every column of every table.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from soridam.accounts.models import User
from soridam.cases.models import Case, Message
from soridam.channels import pipeline
from soridam.channels.models import ChannelMessage, RawPayload
from soridam.privacy import crypto, pii, sealing
from soridam.privacy.models import AccessAction, AccessLog, SealedValue

SEALED = {"rrn", "card", "account"}
WEB_CATEGORIES = {"delivery", "payment", "service"}
NEW_KEY = base64.b64encode(bytes(range(100, 132))).decode()


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _cases_with_identifiers(path: Path) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row for row in rows if SEALED & set(row["pii"])]


def _identifier_values(rows: list[dict[str, Any]]) -> set[str]:
    """Every RRN, card and account number the cases carry, as digits; each case must yield the kinds it claims
    (a value the detector misses would be stored in plain text, so it fails here)."""
    values: set[str] = set()
    for row in rows:
        text = f"{row['subject']}\n{row['body']}"
        spans = [span for span in pii.detect(text) if span.type in SEALED]
        assert SEALED & set(row["pii"]) <= {span.type for span in spans}, row["id"]
        values |= {_digits(text[span.start : span.end]) for span in spans}
    return values


def _eml(row: dict[str, Any]) -> bytes:
    mail = EmailMessage()
    mail["From"] = f"고객 <{row['id']}@example.kr>"
    mail["To"] = "help@shop.test"
    mail["Subject"] = row["subject"]
    mail["Message-ID"] = f"<{row['id']}@example.kr>"
    mail["Date"] = "Mon, 07 Dec 2026 10:00:00 +0900"
    mail.set_content(row["body"])
    return mail.as_bytes()


def _take_in(row: dict[str, Any], index: int, api: Client) -> None:
    if row["channel"] == "email":
        payload, _new = pipeline.receive("email", _eml(row), source=f"test:{row['id']}", process_now=True)
        assert payload.message_id is not None, payload.reason
    elif row["channel"] == "web":
        form = {"name": "고객", "email": f"{row['id']}@example.kr", "phone": "", "website": "", "order_number": ""}
        form |= {"category": "delivery", "subject": row["subject"], "text": row["body"]}
        response = Client(REMOTE_ADDR=f"10.9.0.{index}").post("/complaint/", form)
        assert response.status_code == 302, response.content[:500]
    else:
        body = {
            "subject": row["subject"] or row["body"][:60],
            "body": row["body"],
            "customer": {"name": "고객", "phone": "010-5555-0101"},
        }
        response = api.post("/api/v1/cases", body, "application/json", HTTP_IDEMPOTENCY_KEY=f"k-{row['id']}")
        assert response.status_code == 201, response.content[:500]


def _every_cell() -> Iterator[tuple[str, str]]:
    """(table, text) for every value of every column of every table: the whole database, as a dump holds it."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from the schema
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview | bytes):
                        value = bytes(value).decode("utf-8", "replace")
                    yield table, str(value)


def _plain_found(values: set[str], texts: Iterator[tuple[str, str]]) -> list[tuple[str, str]]:
    found = []
    for where, text in texts:
        digits = _digits(text)
        found += [(where, value) for value in values if value in digits]
    return found


def _read_as_people_do(api: Client, lena: User, root: User, values: set[str]) -> tuple[Message, str]:
    """The case pages, a search for each number, one reveal and one export; the revealed message and page."""
    lead, admin = Client(REMOTE_ADDR="10.0.0.5"), Client(REMOTE_ADDR="10.0.0.6")
    lead.force_login(lena)
    admin.force_login(root)
    for case in Case.objects.all():
        assert admin.get(f"/workspace/cases/{case.pk}/").status_code == 200
        assert api.get(f"/api/v1/cases/{case.pk}/messages").status_code in (200, 403, 404)
    for value in sorted(values):  # searching for the very numbers must not write them into the access log
        assert admin.get("/workspace/search/", {"q": value}).status_code == 200
    sealed_message = Message.objects.filter(kind="customer").order_by("id").first()
    assert sealed_message is not None
    revealed = admin.post(
        f"/workspace/cases/{sealed_message.case_id}/messages/{sealed_message.pk}/reveal/", {"reason": "고객 확인 요청"}
    )
    assert revealed.status_code == 200
    export = admin.post("/workspace/analytics/export.csv?days=30", {"reason": "월간 보고"})
    b"".join(export.streaming_content)  # type: ignore[attr-defined]
    assert AccessLog.objects.filter(action=AccessAction.REVEAL).count() == 1
    assert AccessLog.objects.filter(action=AccessAction.EXPORT).count() == 1
    return sealed_message, revealed.content.decode()


def _rotate_and_read_back(monkeypatch: pytest.MonkeyPatch, sealed_message: Message, values: set[str]) -> None:
    """Rotate to a new key with the old one still listed; afterwards everything reads back as it came in."""
    original = sealing.original_body(sealed_message)
    old = base64.b64encode(crypto.keyring().keys[crypto.DEV_KID]).decode()
    monkeypatch.setenv("SORIDAM_DATA_KEYS", f"new:{NEW_KEY},{crypto.DEV_KID}:{old}")
    before = {row.pk: row.value for row in SealedValue.objects.all()}
    raws = {p.pk: bytes(p.raw) for p in RawPayload.objects.all()}
    call_command("rotate_data_key", "--batch-size", "3")
    monkeypatch.setenv("SORIDAM_DATA_KEYS", f"new:{NEW_KEY}")  # the old key is gone: nothing may need it
    assert {row.pk: row.value for row in SealedValue.objects.all()} == before
    assert {p.pk: bytes(p.raw) for p in RawPayload.objects.all()} == raws
    assert sealing.original_body(Message.objects.get(pk=sealed_message.pk)) == original
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM privacy_sealedvalue")
        assert {crypto.key_id(value) for (value,) in cursor.fetchall()} == {"new"}
    assert {_digits(v) for v in before.values()} <= values


def test_identifiers_never_reach_the_database_or_the_logs_in_plain_text(
    shared_data: Callable[..., Path],
    api_client: Callable[[User], Client],
    alice: User,
    lena: User,
    root: User,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = _cases_with_identifiers(shared_data("ko-cs-dev", "cases.jsonl"))
    values = _identifier_values(rows)
    assert len(rows) >= 15
    assert len(values) >= 18
    caplog.set_level(logging.DEBUG)
    api = api_client(alice)
    with django_capture_on_commit_callbacks(execute=True):
        for index, row in enumerate(rows, start=1):
            _take_in(row, index, api)
    assert Case.objects.count() == len(rows)
    assert {"email", "web"} <= set(Case.objects.values_list("channel", flat=True))
    assert ChannelMessage.objects.count() == sum(row["channel"] == "email" for row in rows)

    sealed_message, revealed_page = _read_as_people_do(api, lena, root, values)

    leaks = _plain_found(values, _every_cell())
    leaks += _plain_found(values, ((record.name, record.getMessage()) for record in caplog.records))
    leaks += _plain_found(values, iter([("log text", caplog.text)]))
    assert leaks == []
    assert SealedValue.objects.count() >= len(values)
    assert any(value in _digits(revealed_page) for value in values)  # the reveal shows it as written

    _rotate_and_read_back(monkeypatch, sealed_message, values)
