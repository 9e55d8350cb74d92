"""Every fixture file of every corpus through ``ingest_eml --dry-run --json``, checked against an independent
parser (mail-parser, a test need only): nothing it can read is quarantined, no text it finds is lost, and the
attachment names agree, except for the few differences listed below with their reasons."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

mailparser = pytest.importorskip("mailparser")

pytestmark = pytest.mark.django_db

# Where we knowingly differ from the oracle, per file, and why. Keep it short and true.
KNOWN_ATTACHMENT_DIFFERENCES = {
    "flanker/torture.eml": "nameless pictures, sounds and PostScript parts: the oracle lists only named parts; "
    "we keep every file an agent could open",
    "mail-parser/mail_test_14": "an inline PNG with neither name nor Content-ID: the oracle skips it, we keep it",
    "imap_tools/error_emails/missing_content_disposition.eml": "a JPEG with neither name nor Content-ID (we name it "
    "by its Content-Location): the oracle skips it",
}
# The oracle invents "<content-id>" names and random ten-letter ones for unnamed parts; we name those
# "<content-id>.<subtype>" and "attachment.<subtype>".
_ORACLE_RANDOM_NAME = re.compile(r"^[a-z]{10}\.(txt|rtf)$")
_MESSAGE_TYPES = ("message/rfc822", "message/global")


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != "README.md")


def _ingest_dry_run(files: list[Path]) -> dict[str, dict[str, Any]]:
    out = StringIO()
    call_command("ingest_eml", *map(str, files), "--dry-run", "--json", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().split("\n") if line]  # not splitlines: U+2028 is text
    return {row["file"]: row for row in rows}


def _oracle(raw: bytes) -> dict[str, Any]:
    parsed = mailparser.parse_from_bytes(raw)
    files = [a for a in parsed.attachments if a["mail_content_type"] not in _MESSAGE_TYPES]
    return {
        "readable": bool(parsed.message is not None and parsed.message.keys()),
        "text": bool("".join(parsed.text_plain).strip() or "".join(parsed.text_html).strip()),
        "names": sorted(_oracle_name(a["filename"]) for a in files),
    }


def _oracle_name(name: str) -> str:
    if name.startswith("<") and name.endswith(">"):
        return "cid:" + name[1:-1]
    return "(unnamed)" if _ORACLE_RANDOM_NAME.match(name) else name


def _our_names(row: dict[str, Any], oracle_names: list[str]) -> list[str]:
    cids = {name.removeprefix("cid:") for name in oracle_names if name.startswith("cid:")}
    return sorted(_our_name(name, cids) for name in _all_files(row))


def _all_files(message: dict[str, Any]) -> Iterator[str]:
    yield from message["attachments"]
    for attached in message["attached_messages"]:
        yield from _all_files(attached)


def _our_name(name: str, cids: set[str]) -> str:
    stem = name.rsplit(".", 1)[0]
    if stem in cids:
        return "cid:" + stem
    return "(unnamed)" if stem == "attachment" else name


def test_every_fixture_reads_as_well_as_the_oracle_parser(fixtures_dir: Path, teams: object) -> None:
    files = _files(fixtures_dir)
    assert len(files) > 300
    rows = _ingest_dry_run(files)
    assert len(rows) == len(files)
    quarantined, textless, different = [], [], []
    for path in files:
        name = str(path.relative_to(fixtures_dir))
        row, oracle = rows[str(path)], _oracle(path.read_bytes())
        if row["status"] == "quarantined":
            if oracle["readable"]:
                quarantined.append(f"{name}: {row['reason']}")
            continue
        if oracle["text"] and not row["text"].strip():
            textless.append(name)
        ours = _our_names(row, oracle["names"])
        if ours != oracle["names"] and name not in KNOWN_ATTACHMENT_DIFFERENCES:
            different.append(f"{name}: ours {ours}, oracle {oracle['names']}")
    assert quarantined == []
    assert textless == []
    assert different == []


def test_known_differences_are_still_differences(fixtures_dir: Path, teams: object) -> None:
    """An entry that no longer differs is dead weight in the table: remove it."""
    files = [fixtures_dir / name for name in KNOWN_ATTACHMENT_DIFFERENCES]
    rows = _ingest_dry_run(files)
    for path in files:
        oracle = _oracle(path.read_bytes())
        assert _our_names(rows[str(path)], oracle["names"]) != oracle["names"], path
