"""Similar new cases for problems (R-RCA-4), found by the case search engine.

Each problem names the words a case about it contains (``match_terms``, prefilled from its title). Every few
minutes the new cases (by id, past the scan's mark) are searched for each problem that can still take a
match: one not yet resolved, or resolved within the recurrence window. ``search.engine.search_cases`` finds
the cases that contain every word (Kiwi morphemes, typo and spacing keys: the engine agents use), among the
new cases not yet linked to the problem. Each is stored as a suggestion (``ProblemMatch``); a match with a
resolved problem within the window is a recurrence, and past the threshold it reopens the problem
(``rca.actions.record_match``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from soridam.cases.models import Case
from soridam.rca import actions
from soridam.rca.models import SETTLED_STATUSES, Problem, ProblemMatch, ScanMark
from soridam.search.engine import search_cases

MARK = "recurrence"
BATCH = 500
# A case is indexed by a task after its intake commits; the scan waits this long so that the search finds it
# (the mark moves past every case it scanned, found or not).
INDEX_LAG = timedelta(minutes=10)


def scan_new_cases(limit: int = BATCH, *, now: datetime | None = None) -> int:
    """Match the cases filed since the last scan against the problems; returns how many matches were new."""
    settled_before = (now or timezone.now()) - INDEX_LAG
    with transaction.atomic():
        mark, _created = ScanMark.objects.select_for_update().get_or_create(name=MARK)
        new = Case.objects.filter(pk__gt=mark.last_id, created_at__lte=settled_before).order_by("pk")
        new_ids = list(new.values_list("pk", flat=True)[:limit])
        if not new_ids:
            return 0
        found = sum(match_problem(problem, new_ids) for problem in open_to_matches())
        mark.last_id = new_ids[-1]
        mark.save(update_fields=["last_id"])
    return found


def open_to_matches() -> list[Problem]:
    window = timezone.now() - timedelta(days=settings.SORIDAM_RCA_RECURRENCE_DAYS)
    unsettled = ~Q(status__in=SETTLED_STATUSES)
    problems = Problem.objects.exclude(match_terms="").filter(unsettled | Q(resolved_at__gte=window))
    return list(problems.select_for_update(of=("self",)).select_related("owner").order_by("pk"))


def match_problem(problem: Problem, case_ids: list[int]) -> int:
    """Store the similar cases among ``case_ids`` (not yet linked or matched) as matches of ``problem``."""
    known = ProblemMatch.objects.filter(problem=problem).values("case_id")
    candidates = Case.objects.filter(pk__in=case_ids, created_at__gt=problem.created_at).exclude(pk__in=known)
    candidates = candidates.exclude(problem_links__problem=problem)
    hits = search_cases(problem.match_terms, candidates, limit=100)
    cases = Case.objects.filter(pk__in=[hit.key for hit in hits]).order_by("created_at", "pk")
    for case in cases:
        actions.record_match(problem, case)
    return len(cases)
