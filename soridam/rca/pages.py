"""What the root-cause pages show: the problem page, the spike page and the cause report."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from soridam.accounts.models import Role, User
from soridam.audit.actors import Actor
from soridam.cases.access import cases_visible_to
from soridam.cases.models import Case
from soridam.rca import actions
from soridam.rca.access import problems_visible_to, visible_case_ids
from soridam.rca.forms import LinkForm, MoveForm, ProblemForm
from soridam.rca.models import CaseCause, CauseCode, MatchState, Problem, ProblemCase, Spike
from soridam.search.analysis import content_morphemes

MATCH_WORDS = 3
SAMPLES = 5


def terms_of(text: str) -> str:
    """The first few content words of a title (Kiwi base forms, as the case search reads them)."""
    words: list[str] = []
    for word in content_morphemes(text):
        if len(word) >= 2 and word not in words:
            words.append(word)
    return " ".join(words[:MATCH_WORDS])


def problem_context(user: User, problem: Problem) -> dict[str, Any]:
    visible = cases_visible_to(user)
    linked = visible.filter(problem_links__problem=problem).select_related("customer", "category")
    all_linked = problem.links.count()
    suggested = problem.matches.filter(state=MatchState.SUGGESTED, case__in=visible).select_related("case")
    move = MoveForm(allowed=problem.allowed_statuses())
    return {
        "problem": problem,
        "linked": list(linked.order_by("-created_at")[:200]),
        "hidden_cases": max(all_linked - linked.count(), 0),
        "suggested": list(suggested.order_by("-created_at")[:50]),
        "recurrences": actions.recurrences(problem),
        "events": problem.events.select_related("actor"),
        "edit": ProblemForm.for_problem(problem),
        "move": move if problem.allowed_statuses() else None,
        "link": LinkForm(),
        "may_announce": user.effective_role in (Role.LEAD, Role.ADMIN) and problem.is_settled,
        "spikes": problem.spikes.order_by("-day"),
    }


def spike_context(user: User, spike: Spike) -> dict[str, Any]:
    shown = visible_case_ids(user, spike.case_ids)
    cases = {case.pk: case for case in Case.objects.filter(pk__in=shown[:SAMPLES]).select_related("category")}
    return {
        "spike": spike,
        "samples": [cases[pk] for pk in shown[:SAMPLES] if pk in cases],
        "visible_count": len(shown),
        "proposed_title": proposed_title(spike),
    }


def proposed_title(spike: Spike) -> str:
    return f"{spike.label}: {spike.count} ({spike.day:%Y-%m-%d})"


def problem_from_spike(spike: Spike, user: User) -> Problem:
    """The spike's proposed problem, recorded with the spike's cases the user may see linked to it."""
    cases = list(Case.objects.filter(pk__in=visible_case_ids(user, spike.case_ids)))
    subjects = " ".join(case.subject for case in cases[:SAMPLES])
    details = actions.ProblemDetails(
        title=proposed_title(spike),
        skus=[spike.key] if spike.dimension == "product" else [],
        match_terms=terms_of(subjects),
        owner=user,
    )
    return actions.create_from_spike(spike, details, actor=Actor(user=user), cases=cases)


def cause_report(user: User, days: int) -> dict[str, Any]:
    """Counts of cause codes by category among the cases ``user`` may see, set in the last ``days``."""
    since = timezone.now() - timedelta(days=days)
    cases = cases_visible_to(user)
    rows = (
        CaseCause.objects.filter(case__in=cases, set_at__gte=since)
        .values("case__category__name_ko", "case__category__name_en", "code")
        .annotate(count=Count("id"))
    )
    table: dict[tuple[str, str], dict[str, int]] = {}
    for row in rows:
        key = (row["case__category__name_ko"] or "—", row["case__category__name_en"] or "—")
        table.setdefault(key, {})[row["code"]] = row["count"]
    codes = list(CauseCode.choices)
    lines = [
        {
            "category": key,
            "counts": [table[key].get(code, 0) for code, _label in codes],
            "total": sum(table[key].values()),
        }
        for key in sorted(table)
    ]
    return {"codes": codes, "lines": lines, "days": days}


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
