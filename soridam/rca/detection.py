"""Finding spikes in the cases filed (R-RCA-3): daily counts per category and per product, ``rca.spikes`` on
today and yesterday, and one ``Spike`` per (dimension, key, day) with an alert to the leads.

The product of a case is the SKU of the order lines of its linked orders (``orders.CaseOrder`` → the
order's ``items``, each with the ``sku`` the shop gave): that is what a case carries about a product. A case
with no linked order, or lines without a SKU, counts for its category only.

Days are local days (``TIME_ZONE``). Today is checked while it runs: its count so far is compared with a
whole day's baseline, so a partial day can only fire late, never early. Each (dimension, key, day) fires
once; a later run that finds more cases of it updates the count and the cases silently.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from soridam.accounts.models import Role, User
from soridam.alerts import fanout
from soridam.alerts.models import Alert, AlertKind
from soridam.audit.actors import Actor
from soridam.cases.access import cases_visible_to
from soridam.cases.models import Case, Category
from soridam.lib.jobs import enqueue_job_on_commit
from soridam.orders.models import CaseOrder
from soridam.rca import spikes
from soridam.rca.models import Spike, SpikeDimension

DETECTOR = Actor(system="rca")
MAX_CASES = 100  # the cases a spike keeps (the proposed problem links them)
SAMPLES = 5


@dataclass
class Series:
    counts: dict[date, int]
    cases: dict[date, list[int]]  # case ids per day, newest first


def detect_spikes(
    now: datetime | None = None, *, only: tuple[str, str] | None = None, days_back: int = 1
) -> list[Spike]:
    """Check today and the ``days_back`` days before it for every category and product (``only``: one
    (dimension, key)); returns the spikes new in this run."""
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    rows = _case_rows(today - timedelta(days=spikes.WINDOW_DAYS + 1))
    total: dict[date, int] = defaultdict(int)
    for _case_id, day, _category, _skus in rows:
        total[day] += 1
    found = []
    for dimension, series in _series(rows).items():
        for key, one in series.items():
            if only is not None and only != (dimension, key):
                continue
            for day in [today - timedelta(days=back) for back in range(days_back, -1, -1)]:
                finding = spikes.detect(one.counts, day, spikes.weekday_factors(total, day))
                if finding is not None:
                    found += _store(dimension, key, day, finding, one.cases.get(day, []))
    return found


def _case_rows(since: date) -> list[tuple[int, date, str, list[str]]]:
    """(case id, local day, category slug, SKUs) of every case filed since ``since``, newest first."""
    start = timezone.make_aware(datetime.combine(since, datetime.min.time()))
    cases = Case.objects.filter(created_at__gte=start).order_by("-created_at", "-id")
    found = list(cases.values_list("pk", "created_at", "category__slug"))
    skus: dict[int, set[str]] = defaultdict(set)
    links = CaseOrder.objects.filter(case__created_at__gte=start).values_list("case_id", "order__items")
    for case_id, items in links:
        skus[case_id].update(str(item.get("sku", ""))[:64] for item in items or [] if isinstance(item, dict))
    return [
        (pk, timezone.localtime(created).date(), slug or "", sorted(skus.get(pk, set()) - {""}))
        for pk, created, slug in found
    ]


def _series(rows: list[tuple[int, date, str, list[str]]]) -> dict[str, dict[str, Series]]:
    series: dict[str, dict[str, Series]] = {SpikeDimension.CATEGORY: {}, SpikeDimension.PRODUCT: {}}
    for case_id, day, category, skus in rows:
        keys = [(SpikeDimension.CATEGORY, category)] if category else []
        keys += [(SpikeDimension.PRODUCT, sku) for sku in skus]
        for dimension, key in keys:
            one = series[dimension].setdefault(key, Series(defaultdict(int), defaultdict(list)))
            one.counts[day] += 1
            one.cases[day].append(case_id)
    return series


def _store(dimension: str, key: str, day: date, finding: spikes.Finding, case_ids: list[int]) -> list[Spike]:
    values = {"count": finding.count, "baseline": finding.baseline, "z_score": finding.z_score}
    with transaction.atomic():
        spike, created = Spike.objects.get_or_create(
            dimension=dimension,
            key=key,
            day=day,
            defaults={**values, "label": _label(dimension, key), "case_ids": case_ids[:MAX_CASES]},
        )
        if not created:
            Spike.objects.filter(pk=spike.pk).update(**values, case_ids=case_ids[:MAX_CASES])
            return []
        alert_leads(spike)
    return [spike]


def _label(dimension: str, key: str) -> str:
    if dimension == SpikeDimension.CATEGORY:
        category = Category.objects.filter(slug=key).first()
        return f"{category.name_ko} / {category.name_en}" if category else key
    return _("SKU %(sku)s") % {"sku": key}


def leads_for(spike: Spike) -> list[User]:
    """The leads of the teams whose cases spiked; the admins when those teams have no lead (or no team)."""
    teams = Case.objects.filter(pk__in=spike.case_ids, team__isnull=False).values("team_id")
    leads = User.objects.filter(membership__team_id__in=teams, membership__is_lead=True, is_active=True)
    found = list(leads.distinct())
    if found:
        return found
    admins = User.objects.filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True)
    return list(admins)


def alert_leads(spike: Spike) -> list[Alert]:
    """Each lead gets one workspace alert on a sample case they may see, and a mail (``email_spike_alert``)."""
    cases = {case.pk: case for case in Case.objects.filter(pk__in=spike.case_ids[:MAX_CASES])}
    pairs = []
    for lead in leads_for(spike):
        visible = cases_visible_to(lead).filter(pk__in=list(cases)).values_list("pk", flat=True)
        first = next((case_id for case_id in spike.case_ids if case_id in set(visible)), None)
        if first is not None:
            pairs.append((cases[first], lead))
    alerts = fanout.for_each_person(pairs, AlertKind.SPIKE, actor=DETECTOR, detail=str(spike.pk))
    for alert in alerts:
        if alert.recipient.email:
            enqueue_job_on_commit("soridam.rca.tasks.email_spike_alert", alert.pk)
    return alerts
