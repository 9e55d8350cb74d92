"""The active case categories, kept per process for a few seconds (``lib.process_copy``).

Every intake (API, complaint form) names its category by slug. The categories change a few times a year,
so reading them for each new case is a statement spent on nothing.
"""

from __future__ import annotations

from soridam.cases.models import Category, category_changes
from soridam.lib.process_copy import ProcessCopy


def _read() -> dict[str, Category]:
    return {category.slug: category for category in Category.objects.filter(is_active=True)}


ACTIVE = ProcessCopy(_read, category_changes)


def active_category(slug: str) -> Category | None:
    """The active category with this slug, or None (inactive, missing)."""
    return ACTIVE.get().get(slug)


def active_categories() -> list[Category]:
    """The active categories in their listed order (position, slug), e.g. for a select."""
    return list(ACTIVE.get().values())


def active_category_by_pk(pk: int) -> Category | None:
    """The active category with this id, or None (inactive, missing)."""
    return next((category for category in ACTIVE.get().values() if category.pk == pk), None)
