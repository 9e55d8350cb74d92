from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def fixtures_dir(shared_data: Callable[..., Path]) -> Path:
    """The captured e-mail corpus in the shared data folder (skipped when missing, failed under CI=true)."""
    return shared_data("email-fixtures")


@pytest.fixture(autouse=True)
def _fresh_own_addresses() -> None:
    """Our addresses are cached for a few seconds; each test configures its own teams and mailboxes."""
    from soridam.channels.email import transport

    transport._own.loaded_at = -1e9
