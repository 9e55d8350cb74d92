"""The active rule set, as ``evaluation`` reads it, and activating a new version (R-POLICY-2, R-POLICY-7).

A rule set is activated only when none of its rules undercuts a statutory minimum; the set it replaces is
retired in the same transaction, so exactly one version answers at any time.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from soridam.accounts.models import Role, User
from soridam.audit import audit
from soridam.audit.actors import Actor
from soridam.cases.models import Case
from soridam.orders.models import Order
from soridam.policy import facts, limits, statutory
from soridam.policy.evaluation import UNGOVERNED, AllowanceSpec, Allowed, Evaluation, RuleSpec, evaluate
from soridam.policy.models import Rule, RuleComment, RuleSet, RuleSetState


def active_rule_set() -> RuleSet | None:
    return RuleSet.objects.filter(state=RuleSetState.ACTIVE).first()


def specs_of(rule_set: RuleSet) -> tuple[RuleSpec, ...]:
    rules = Rule.objects.filter(rule_set=rule_set).prefetch_related("allowances")
    return tuple(spec_of(rule) for rule in rules)


def spec_of(rule: Rule) -> RuleSpec:
    allowances = tuple(
        AllowanceSpec(a.kind, cap_amount=a.cap_amount, cap_percent=a.cap_percent) for a in rule.allowances.all()
    )
    return RuleSpec(
        code=rule.code,
        allowances=allowances,
        category=rule.category,
        min_days=rule.min_days_since_delivery,
        max_days=rule.max_days_since_delivery,
        min_value=rule.min_order_value,
        max_value=rule.max_order_value,
        item_pattern=rule.item_pattern,
        tier=rule.tier,
        max_recent_remedies=rule.max_remedies_90_days,
    )


def evaluate_case(case: Case, order: Order | None) -> tuple[Evaluation, RuleSet | None]:
    """What policy allows on this case now. With no active rule set only the authority limits apply."""
    rule_set = active_rule_set()
    if rule_set is None:
        return UNGOVERNED, None
    return evaluate_specs(specs_of(rule_set), case, order), rule_set


def evaluate_specs(specs: tuple[RuleSpec, ...], case: Case, order: Order | None) -> Evaluation:
    """The active rule set's ``specs`` (and the statutory minima) applied to this case's facts."""
    case_facts = facts.gather(case, order)
    return evaluate(specs, case_facts, statutory=statutory.as_rules(case_facts.category))


def auto_approvable(case: Case, order: Order | None) -> tuple[Allowed, ...]:
    """What may be offered with no person deciding (the bot, R-BOT-5): the kinds the active rules allow,
    each capped at an agent's authority limit. Nothing when no rule set is active."""
    evaluation, _rule_set = evaluate_case(case, order)
    return capped(evaluation, lambda kind: limits.limit_for(Role.AGENT, kind))


def capped(evaluation: Evaluation, limit_of: Callable[[str], Decimal | None]) -> tuple[Allowed, ...]:
    """Each allowed kind capped at the lower of the rules' cap and ``limit_of`` its kind (None: no cap)."""
    offers = []
    for allowed in evaluation.allowed:
        caps = [cap for cap in (allowed.cap, limit_of(allowed.kind)) if cap is not None]
        offers.append(Allowed(allowed.kind, min(caps) if caps else None))
    return tuple(offers)


def undercutting_rules(rule_set: RuleSet) -> dict[str, list[str]]:
    """Each rule code that undercuts a statutory minimum, with the minima it undercuts."""
    found = {spec.code: statutory.undercuts(spec) for spec in specs_of(rule_set)}
    return {code: minima for code, minima in found.items() if minima}


def check_activatable(rule_set: RuleSet) -> None:
    undercut = undercutting_rules(rule_set)
    if undercut:
        listed = "; ".join(f"{code} ({', '.join(minima)})" for code, minima in sorted(undercut.items()))
        raise ValidationError(
            _("These rules allow less than the statutory minimum: %(rules)s") % {"rules": listed}, code="statutory"
        )


def activate(rule_set: RuleSet, *, actor: Actor) -> RuleSet:
    """Make ``rule_set`` the active version and retire the one before it."""
    check_activatable(rule_set)
    now = timezone.now()
    with transaction.atomic():
        for old in RuleSet.objects.select_for_update().filter(state=RuleSetState.ACTIVE).exclude(pk=rule_set.pk):
            old.state, old.retired_at = RuleSetState.RETIRED, now
            old.save(update_fields=["state", "retired_at"])
            audit.record(actor, "policy.rule_set_retired", target=old, data={"version": old.version})
        rule_set.state, rule_set.activated_at = RuleSetState.ACTIVE, now
        rule_set.save(update_fields=["state", "activated_at"])
        audit.record(actor, "policy.rule_set_activated", target=rule_set, data={"version": rule_set.version})
    return rule_set


def add_comment(rule_code: str, body: str, *, case: Case | None, author: User) -> RuleComment:
    """An agent's comment on a rule, from a case (R-POLICY-6)."""
    return RuleComment.objects.create(rule_code=rule_code, body=body.strip(), case=case, author=author)
