"""``manage.py ingest_eml PATH... [--dry-run] --json`` with its exact output contract."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from soridam.cases.models import Case
from soridam.channels.email.tests.mails import mail
from soridam.channels.models import PayloadState, RawPayload

pytestmark = pytest.mark.django_db

KEYS = {"file", "status", "case_ref", "new_case", "subject", "from", "from_name", "text", "attachments", "reply_text"}


def _run(*args: str) -> list[dict[str, object]]:
    out = StringIO()
    call_command("ingest_eml", *args, "--json", stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def _tree(tmp_path: Path) -> Path:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.eml").write_bytes(
        mail(subject="=?ks_c_5601-1987?B?uei828bIIMDMwMcg?=", body="새 글\n\n-- \n서명", message_id="<a@x>")
    )
    (tmp_path / "sub" / "b.eml").write_bytes(b"garbage without headers")
    (tmp_path / "sub" / "notes.txt").write_bytes(b"not mail")
    return tmp_path


def test_folders_are_walked_and_every_message_is_stored_or_quarantined(teams: object, tmp_path: Path) -> None:
    rows = _run(str(_tree(tmp_path)))
    assert [Path(str(r["file"])).name for r in rows] == ["a.eml", "b.eml"]
    first, second = rows
    assert set(first) >= KEYS
    assert first["status"] == "stored"
    assert first["new_case"] is True
    assert first["case_ref"] == Case.objects.get().reference
    assert first["from"] == "minji@example.kr"
    assert first["from_name"] == "Kim Minji"
    assert first["subject"] == "배송팔 이의"
    assert first["text"] == "새 글\n\n-- \n서명"
    assert first["reply_text"] == "새 글"
    assert first["attachments"] == []
    assert second["status"] == "quarantined"
    assert bytes(RawPayload.objects.get(state=PayloadState.QUARANTINED).raw) == b"garbage without headers"
    again = _run(str(tmp_path / "a.eml"))
    assert again[0]["status"] == "stored"
    assert again[0]["new_case"] is False
    assert Case.objects.count() == 1


def test_dry_run_threads_and_extracts_but_stores_nothing(teams: object, tmp_path: Path) -> None:
    rows = _run(str(_tree(tmp_path)), "--dry-run")
    assert rows[0]["status"] == "stored"
    assert rows[0]["reply_text"] == "새 글"
    assert rows[1]["status"] == "quarantined"
    assert RawPayload.objects.count() == 0
    assert Case.objects.count() == 0
