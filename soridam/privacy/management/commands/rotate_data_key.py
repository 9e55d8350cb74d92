"""Encrypt every encrypted column again with the current data key (the first of SORIDAM_DATA_KEYS).

Put the new key first and keep the old ones after it; run this; then the old keys may go. Batches commit one
by one with their checkpoint (``privacy.KeyRotation``), so a run that is stopped resumes where it was, and
every value stays readable throughout: a row holds either the old key's value or the new one's.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import models, transaction
from django.utils import timezone

from soridam.privacy.crypto import encrypted_fields, keyring, reencrypt_batch
from soridam.privacy.models import KeyRotation

BAR = 30


def encrypted_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if encrypted_fields(model)]


def show_progress(out: TextIO, table: str, done: int, total: int) -> None:
    filled = BAR * done // total if total else BAR
    out.write(f"\r{table:<40} [{'#' * filled}{' ' * (BAR - filled)}] {done}/{total}")
    out.flush()


def rotate_table(model: type[models.Model], target: str, size: int, out: TextIO) -> int:
    table = model._meta.db_table
    mark, _ = KeyRotation.objects.get_or_create(table=table, defaults={"target_kid": target})
    if mark.target_kid != target:  # a new key since the last run: start this table over
        mark.target_kid, mark.last_pk, mark.done, mark.finished_at = target, 0, 0, None
        mark.save()
    if mark.finished_at is not None:
        return 0
    total = mark.done + model._base_manager.filter(pk__gt=mark.last_pk).count()
    count = -1
    while count:
        with transaction.atomic():
            mark.last_pk, count = reencrypt_batch(model, mark.last_pk, size)
            mark.done += count
            mark.finished_at = None if count else timezone.now()
            mark.save(update_fields=["last_pk", "done", "finished_at"])
        show_progress(out, table, mark.done, total)
    out.write("\n")
    return mark.done


class Command(BaseCommand):
    help = "Re-encrypt every encrypted value with the current data key, in resumable batches."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--restart", action="store_true", help="Forget the checkpoints and start over.")

    def handle(self, *args: Any, **options: Any) -> None:
        target = keyring().current
        if options["restart"]:
            KeyRotation.objects.all().delete()
        total = sum(rotate_table(model, target, options["batch_size"], sys.stderr) for model in encrypted_models())
        self.stdout.write(f"{total} rows encrypted with key {target}")
