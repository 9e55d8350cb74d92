from __future__ import annotations

from typing import Any

import pytest

from soridam.cases.models import Case
from soridam.privacy.tests.data import open_pii_case


@pytest.fixture
def pii_case(teams: Any, django_capture_on_commit_callbacks: Any) -> Case:
    with django_capture_on_commit_callbacks(execute=True):
        return open_pii_case()
