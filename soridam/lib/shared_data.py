"""Where the shared data sets live: ``../shared/data`` beside the repository, wherever it is checked out.

The e-mail corpus, ko-cs-dev and the benchmark texts are read there and never copied into the repository.
The path is resolved from the repository root (the directory holding ``manage.py``), not written as an
absolute path, so a checkout in another place finds the same folder beside it. A clone made from such a
checkout elsewhere (CI clones the main checkout into a scratch folder) finds the folder beside its origin;
``SORIDAM_SHARED_DATA`` names it outright.
"""

from __future__ import annotations

import os
import subprocess  # noqa: S404 - git, to find where a local clone came from
from pathlib import Path

# soridam/lib/shared_data.py → soridam/lib → soridam → the repository root.
REPOSITORY_ROOT = Path(__file__).resolve().parents[2]


def shared_data_dir() -> Path:
    """The first of the candidates that exists; else ``../shared/data`` (tests and benchmarks say it is missing)."""
    candidates = _candidates()
    return next((path for path in candidates if path.is_dir()), candidates[0])


def _candidates() -> list[Path]:
    named = os.environ.get("SORIDAM_SHARED_DATA", "").strip()
    beside = [REPOSITORY_ROOT.parent / "shared" / "data"]
    origin = _local_origin()
    if origin is not None:
        beside.append(origin.parent / "shared" / "data")
    return [Path(named), *beside] if named else beside


def _local_origin() -> Path | None:
    """The checkout this one was cloned from, when that is a folder on this machine."""
    try:
        url = subprocess.run(  # noqa: S603
            ["git", "-C", str(REPOSITORY_ROOT), "config", "--get", "remote.origin.url"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout.strip()
    except OSError:
        return None
    path = Path(url.removeprefix("file://"))
    return path.resolve() if url and path.is_absolute() and path.is_dir() else None
