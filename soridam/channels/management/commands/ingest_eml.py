"""``manage.py ingest_eml PATH... [--dry-run] --json``: run .eml files through the inbound e-mail pipeline."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from soridam.channels import pipeline
from soridam.channels.base import Rejected
from soridam.channels.email.parse import AttachedMessage
from soridam.channels.email.transport import Normalised, normalise
from soridam.channels.models import ChannelMessage, PayloadState, RawPayload
from soridam.lib.schema import ensure_migrated


class Command(BaseCommand):
    help = "Ingest .eml files (or folders of them, recursively) through the e-mail pipeline; one JSON line each."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--dry-run", action="store_true", help="parse, thread and extract; store nothing")
        parser.add_argument("--json", action="store_true", help="print one JSON object per message")

    def handle(self, *args: Any, **options: Any) -> None:
        failures = 0
        ensure_migrated(self.stderr.write)
        for path in _eml_files([Path(p) for p in options["paths"]]):
            raw = path.read_bytes()
            row = _dry_run(raw) if options["dry_run"] else _ingest(raw, str(path))
            row = {"file": str(path), **row}
            failures += row["status"] not in ("stored", "quarantined")
            self.stdout.write(json.dumps(row, ensure_ascii=False) if options["json"] else f"{path}: {row['status']}")
        if failures:
            raise CommandError(f"{failures} message(s) were neither stored nor quarantined")


def _eml_files(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(".eml"))
        elif path.is_file():
            yield path
        else:
            raise CommandError(f"{path} does not exist")


def _dry_run(raw: bytes) -> dict[str, Any]:
    try:
        normalised = normalise(raw)
    except Rejected as exc:
        return _empty("quarantined", str(exc))
    return _describe(normalised, "stored", None)


def _ingest(raw: bytes, source: str) -> dict[str, Any]:
    payload, is_new = pipeline.receive("email", raw, source=f"file:{source}"[:255], process_now=True)
    if payload.state == PayloadState.QUARANTINED:
        return _empty("quarantined", payload.reason)
    try:
        normalised = normalise(raw)  # describe what was stored, without touching the database again
    except Rejected as exc:
        return _empty("quarantined", str(exc))
    row = _describe(normalised, "stored", payload)
    # "stored" covers auto-replies and bounces kept without a case message, and re-deliveries.
    row["state"] = str(payload.state) if is_new else "duplicate"
    row["new_case"] = row["new_case"] and is_new
    return row


def _describe(normalised: Normalised, status: str, payload: RawPayload | None) -> dict[str, Any]:
    parsed, decision = normalised.parsed, normalised.decision
    case_ref = decision.case.reference if decision.case is not None else None
    new_case = decision.case is None and not parsed.auto_reason
    if payload is not None:
        meta = ChannelMessage.objects.filter(payload=payload).select_related("case").first()
        case_ref = meta.case.reference if meta else (payload.case.reference if payload.case else None)
        new_case = bool(meta and decision.case is None)
    return {
        "status": status,
        "case_ref": case_ref,
        "new_case": new_case,
        "subject": parsed.subject,
        "from": parsed.from_address,
        "from_name": parsed.from_name,
        "text": parsed.text,
        "attachments": [a.filename for a in parsed.attachments],
        "attached_messages": [_attached(m) for m in parsed.attached_messages],
        "warnings": parsed.warnings,
        "reply_text": normalised.reply_text,
        "auto": parsed.auto_reason,
    }


def _attached(message: AttachedMessage) -> dict[str, Any]:
    """An attached or forwarded message as a message of its own: its text, its files, its own attached messages."""
    return {
        "filename": message.filename,
        "subject": message.subject,
        "from": message.from_address,
        "from_name": message.from_name,
        "text": message.text,
        "attachments": [a.filename for a in message.attachments],
        "attached_messages": [_attached(inner) for inner in message.attached_messages],
    }


def _empty(status: str, reason: str) -> dict[str, Any]:
    return {
        "status": status,
        "state": status,
        "reason": reason,
        "case_ref": None,
        "new_case": False,
        "subject": "",
        "from": "",
        "from_name": "",
        "text": "",
        "attachments": [],
        "attached_messages": [],
        "warnings": [],
        "reply_text": "",
    }
