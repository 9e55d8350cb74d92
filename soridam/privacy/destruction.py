"""Destroying personal data irreversibly, and writing each destruction into the log (파기 대장).

Deleted rows take their files with them; anonymised rows have the registry's fields overwritten in place
(the row stays so that counts and links survive, the person does not). Ids are logged as keyed hashes so the
log proves what was destroyed without keeping who it was.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models

from soridam.privacy.models_dsr import DestructionLog
from soridam.privacy.registry import PersonalData

LIVE = "live"
RESTRICTED = "restricted"
DELETED = "deleted"
OVERWRITTEN = "overwritten"


def hashed_id(label: str, pk: object) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"destroyed:{label}:{pk}".encode(), hashlib.sha256).hexdigest()[:32]


def blank_value(field: models.Field[Any, Any]) -> Any:
    """What an erased field holds: empty text, empty bytes, an empty JSON document, or null."""
    if isinstance(field, models.JSONField):
        return {} if field.null is False else None
    if isinstance(field, models.BinaryField):
        return b""
    if isinstance(field, (models.CharField, models.TextField)):
        return ""
    if field.null:
        return None
    raise ValueError(f"{field.model._meta.label}.{field.name} cannot be blanked: make it nullable or delete rows")


def still_personal(entry: PersonalData, rows: models.QuerySet[Any]) -> list[int]:
    """The rows among ``rows`` that still hold something to erase (anonymised rows are skipped next time)."""
    if entry.deletes:
        return list(rows.values_list("pk", flat=True))
    model = entry.model_class()
    blanks = {name: blank_value(model._meta.get_field(name)) for name in entry.anonymise}  # type: ignore[arg-type]
    found = []
    for values in rows.values("pk", *entry.anonymise):
        if any(_differs(values[name], blank) for name, blank in blanks.items()):
            found.append(values["pk"])
    return found


def _differs(value: Any, blank: Any) -> bool:
    if isinstance(value, memoryview):
        value = bytes(value)
    return value != blank and not (blank == {} and value in ({}, [], None))


def erase_rows(entry: PersonalData, pks: list[int]) -> str:
    """Destroy the rows: delete them (and their files), or overwrite the registry's fields. Returns the method."""
    model = entry.model_class()
    rows = model._default_manager.filter(pk__in=pks)
    if entry.deletes:
        _delete_files(model, rows)
        rows.delete()
        return DELETED
    blanks = {name: blank_value(model._meta.get_field(name)) for name in entry.anonymise}  # type: ignore[arg-type]
    rows.update(**blanks)
    return f"{OVERWRITTEN}: {', '.join(entry.anonymise)}"[:32]


def _delete_files(model: type[models.Model], rows: models.QuerySet[Any]) -> None:
    file_fields = [field.name for field in model._meta.concrete_fields if isinstance(field, models.FileField)]
    for row in rows if file_fields else ():
        for name in file_fields:
            stored = getattr(row, name)
            if stored:
                stored.delete(save=False)


def erase_live_rows(entry: PersonalData, pks: list[int], *, trigger: str, rule: str) -> None:
    """Destroy live rows (``erase_rows``) and write their line of the destruction log, by purge or erasure."""
    method = erase_rows(entry, pks)
    log(retention=entry.retention, model=entry.model, store=LIVE, ids=pks, trigger=trigger, rule=rule, method=method)


def log(
    *, retention: str, model: str, store: str, ids: Iterable[object], trigger: str, rule: str, method: str
) -> DestructionLog | None:
    hashed = sorted(hashed_id(model, pk) for pk in ids)
    if not hashed:
        return None
    return DestructionLog.objects.create(
        retention=retention,
        model=model,
        store=store,
        count=len(hashed),
        hashed_ids=hashed,
        trigger=trigger,
        rule=rule[:200],
        method=method,
    )
