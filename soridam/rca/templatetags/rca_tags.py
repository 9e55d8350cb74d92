from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Exists, OuterRef, Q

from soridam.accounts.models import User
from soridam.cases.models import Case
from soridam.rca.access import problems_visible_to
from soridam.rca.models import MatchState, Problem, ProblemCase

register = template.Library()


@register.simple_tag
def case_problems(case: Case, user: User) -> dict[str, Any]:
    """The case page's problem section: the problems the case is linked to and those suggested for it, in one
    query (a suggestion shows only a problem the agent may see)."""
    linked = ProblemCase.objects.filter(problem=OuterRef("pk"), case=case)
    visible = problems_visible_to(user).values("pk")
    suggested = Q(matches__case=case, matches__state=MatchState.SUGGESTED) & Q(pk__in=visible)
    problems = list(
        Problem.objects.annotate(is_linked=Exists(linked))
        .filter(Q(is_linked=True) | suggested)
        .distinct()
        .order_by("-updated_at")[:20]
    )
    return {
        "linked": [problem for problem in problems if problem.is_linked],
        "suggested": [problem for problem in problems if not problem.is_linked],
    }
