"""Korean public holidays (lunar 설날/추석, substitute and election days) from the ``holidays`` package, kept in a
small file per package version so that most processes never import it.

``holidays`` costs about 19 MiB in every process that asks it for Korea (it loads some 400 modules: calendars
and countries), and every Django process of `make run` computes business time: about 90 MiB of the stack's 1 GB
(bench/stack_memory.py). The first process to need a year computes it with the package and adds it to
``VAR_DIR/cache/holidays-KR-<version>.json``; the others read the dates from there. The file is keyed by the
package's version, so an upgrade that learns of a new election day is never hidden by an old file. A missing,
unreadable or partly written file only costs the computation.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import date
from importlib.metadata import version
from pathlib import Path

from django.conf import settings


def public_holidays(year: int) -> frozenset[date]:
    cached = _read_cache().get(str(year))
    if cached is not None:
        return frozenset(date.fromisoformat(day) for day in cached)
    days = _computed(year)
    _write_year(year, days)
    return days


def _computed(year: int) -> frozenset[date]:
    import holidays  # noqa: PLC0415 - the point of this module: imported only when a year is not cached

    return frozenset(holidays.country_holidays("KR", years=year, categories=("public",)).keys())


def cache_path() -> Path:
    return Path(settings.VAR_DIR) / "cache" / f"holidays-KR-{version('holidays')}.json"


def _read_cache() -> dict[str, list[str]]:
    try:
        content = json.loads(cache_path().read_text())
    except (OSError, ValueError):
        return {}
    return content if isinstance(content, dict) else {}


def _write_year(year: int, days: frozenset[date]) -> None:
    """Add the year to the file, atomically (a reader sees the old file or the new one). Two processes adding
    different years at once may lose one of them: it is then computed again, nothing worse."""
    path = cache_path()
    content = {**_read_cache(), str(year): sorted(day.isoformat() for day in days)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".holidays-")
        with os.fdopen(handle, "w") as out:
            json.dump(content, out)
        os.replace(temporary, path)
    except OSError:
        return  # a read-only var directory: every process computes, as before
