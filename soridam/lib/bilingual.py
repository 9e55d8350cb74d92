"""Names kept in Korean and English side by side (``name_ko``, ``name_en``), as the category models keep them."""

from __future__ import annotations

from typing import Protocol


class _NamedTwice(Protocol):
    name_ko: str
    name_en: str


class BilingualName:
    """Mixin for a model with ``name_ko`` and ``name_en`` columns (their lengths differ per model, so the
    columns stay in each model and only the choice between them lives here)."""

    def name_for(self: _NamedTwice, language: str) -> str:
        """The Korean name for Korean in any variant (``ko``, ``ko-kr``), the English one otherwise."""
        return self.name_ko if language.startswith("ko") else self.name_en
