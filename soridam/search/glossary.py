"""Writing mined synonym candidates into the admin glossary (``search.Synonym``), where admins review them."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from django.db import transaction

from .mining import MINED_WEIGHT, Candidate, glossary_terms, is_active
from .models import Source, Synonym

LEXICON = Path(__file__).resolve().parent / "mined_synonyms.tsv"


def load_mined(candidates: Iterable[Candidate]) -> tuple[int, int]:
    """Replace the mined groups an admin has not touched with `candidates`; (stored, active). A mined group an
    admin has reviewed (switched on or off by hand, so marked ``admin``) is kept as it is."""
    reviewed = set(Synonym.objects.filter(source=Source.ADMIN).values_list("terms", flat=True))
    rows = [
        Synonym(terms=glossary_terms(c), is_active=is_active(c), source=Source.MINED, weight=MINED_WEIGHT)
        for c in {glossary_terms(c): c for c in candidates}.values()
        if glossary_terms(c) not in reviewed
    ]
    with transaction.atomic():
        Synonym.objects.filter(source=Source.MINED).delete()
        Synonym.objects.bulk_create(rows)
    return len(rows), sum(1 for row in rows if row.is_active)
