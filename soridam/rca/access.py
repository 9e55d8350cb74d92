"""Who may see a problem or a spike: anyone who may see one of its cases (R-RCA, R-SEC-1).

Admins see every problem. Agents and leads see the problems linked to a case they can see, and the ones
they own or recorded (a new problem may have no case yet). Out of scope answers 404, like a missing one.
A problem page lists only the linked cases its reader may see.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from soridam.accounts.models import Role, User
from soridam.cases.access import cases_visible_to
from soridam.rca.models import Problem, ProblemCase, Spike


def problems_visible_to(user: User) -> QuerySet[Problem]:
    if not user.is_support_staff:
        return Problem.objects.none()
    if user.is_admin_role:
        return Problem.objects.all()
    linked = ProblemCase.objects.filter(problem=OuterRef("pk"), case__in=cases_visible_to(user))
    return Problem.objects.filter(Exists(linked) | Q(owner=user) | Q(created_by=user))


def access_problem(user: User, problem_id: int, *, for_update: bool = False) -> Problem:
    problems = problems_visible_to(user).select_related("owner")
    if for_update:
        problems = problems.select_for_update(of=("self",))
    try:
        return problems.get(pk=problem_id)
    except Problem.DoesNotExist:
        raise Http404 from None


def spikes_visible_to(user: User) -> QuerySet[Spike]:
    """Spikes are for leads and admins; a lead sees those with a case of their teams among the day's cases."""
    if not user.is_support_staff or user.effective_role not in (Role.LEAD, Role.ADMIN):
        return Spike.objects.none()
    return Spike.objects.all()


def access_spike(user: User, spike_id: int) -> Spike:
    spike = spikes_visible_to(user).filter(pk=spike_id).first()
    if spike is None or not visible_case_ids(user, spike.case_ids):
        raise Http404
    return spike


def visible_case_ids(user: User, case_ids: list[int]) -> list[int]:
    """Those of ``case_ids`` the user may see, in the given order."""
    visible = set(cases_visible_to(user).filter(pk__in=case_ids).values_list("pk", flat=True))
    return [case_id for case_id in case_ids if case_id in visible]
