"""Where the shared data sets live: ``../shared/data`` beside the repository, wherever it is checked out.

The e-mail corpus, ko-cs-dev and the benchmark texts are read there and never copied into the repository.
The path is resolved from the repository root (the directory holding ``manage.py``), not written as an
absolute path, so a checkout in another place finds the same folder beside it.
"""

from __future__ import annotations

from pathlib import Path

# soridam/lib/shared_data.py → soridam/lib → soridam → the repository root.
REPOSITORY_ROOT = Path(__file__).resolve().parents[2]


def shared_data_dir() -> Path:
    """``../shared/data`` from the repository root; it may be missing (tests and benchmarks say so)."""
    return REPOSITORY_ROOT.parent / "shared" / "data"
