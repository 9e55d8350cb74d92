from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path("/work/shared/data/email-fixtures")


@pytest.fixture
def fixtures_dir() -> Path:
    if not FIXTURES.is_dir():
        pytest.skip("shared e-mail fixtures are not available")
    return FIXTURES


@pytest.fixture(autouse=True)
def _fresh_own_addresses() -> None:
    """Our addresses are cached for a few seconds; each test configures its own teams and mailboxes."""
    from soridam.channels.email import transport

    transport._own.loaded_at = -1e9
