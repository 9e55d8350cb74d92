"""Matching a case to team and agent skills (category, language, channel)."""

from __future__ import annotations

from soridam.accounts.models import Team
from soridam.cases.models import Case
from soridam.routing.models import SkillKind, TeamSkill

# A matching category says more about who should handle a case than its language or channel.
WEIGHTS = {SkillKind.CATEGORY: 4, SkillKind.LANGUAGE: 2, SkillKind.CHANNEL: 1}


def case_traits(case: Case) -> dict[str, str]:
    return {
        SkillKind.CATEGORY: case.category.slug if case.category_id and case.category else "",
        SkillKind.LANGUAGE: case.language,
        SkillKind.CHANNEL: case.channel,
    }


def agent_fits(skills: dict[str, set[str]], case: Case) -> bool:
    """Hard rule: an agent who lists languages only gets cases in one of them."""
    languages = skills.get(SkillKind.LANGUAGE)
    return not languages or case.language in languages


def skill_score(skills: dict[str, set[str]], case: Case) -> int:
    traits = case_traits(case)
    return sum(weight for kind, weight in WEIGHTS.items() if traits[kind] and traits[kind] in skills.get(kind, ()))


def pick_team(case: Case) -> Team | None:
    """The team whose skills match the case best; else the category's default team."""
    traits = case_traits(case)
    scores: dict[int, int] = {}
    for team_id, kind, value in TeamSkill.objects.values_list("team_id", "kind", "value"):
        if traits.get(kind) == value:
            scores[team_id] = scores.get(team_id, 0) + WEIGHTS[SkillKind(kind)]
    if scores:
        best = max(scores.items(), key=lambda item: (item[1], -item[0]))[0]
        return Team.objects.get(pk=best)
    if case.category_id and case.category and case.category.default_team_id:
        return case.category.default_team
    return None
