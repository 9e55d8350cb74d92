"""The active case categories, kept per process for a few seconds.

Every intake (API, complaint form) names its category by slug. The categories change a few times a year,
so reading them for each new case is a statement spent on nothing. This process forgets its copy as soon
as it saves or deletes a category (``Category.save`` counts); other processes see an admin's change within
``TTL_SECONDS``, as with the SLA configuration (``sla.config``).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from soridam.cases.models import Category, category_version

TTL_SECONDS = 10.0


@dataclass(frozen=True)
class _Copy:
    by_slug: dict[str, Category]
    version: int
    read_at: float


_lock = threading.Lock()
_copy: _Copy | None = None


def active_category(slug: str) -> Category | None:
    """The active category with this slug, or None (inactive, missing)."""
    return _current().by_slug.get(slug)


def active_categories() -> list[Category]:
    """The active categories in their listed order (position, slug), e.g. for a select."""
    return list(_current().by_slug.values())


def forget() -> None:
    global _copy  # noqa: PLW0603 - the per-process copy
    with _lock:
        _copy = None


def _current() -> _Copy:
    global _copy  # noqa: PLW0603 - the per-process copy
    copy = _copy
    if copy is None or copy.version != category_version() or time.monotonic() - copy.read_at > TTL_SECONDS:
        version = category_version()
        categories = Category.objects.filter(is_active=True)
        copy = _Copy({category.slug: category for category in categories}, version, time.monotonic())
        with _lock:
            _copy = copy
    return copy
