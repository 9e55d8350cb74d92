"""Seed the demo: 3 teams, 8 staff accounts, 60 customers and about 300 cases, then print the logins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from soridam.cases.models import Case
from soridam.demo.analytics_history import seed_analytics_history
from soridam.demo.people import STAFF, TEAMS
from soridam.demo.readiness import build_search_index, put_agents_online, queue_seeded_work_behind_new
from soridam.demo.seeding import seed_demo
from soridam.env import env_int


class Command(BaseCommand):
    help = (
        "Create demo teams, agents, customers and about 300 cases through the actions layer, "
        "then print the demo logins. Never deletes anything."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Seed only when the database has no cases yet (used by make run)."
        )
        parser.add_argument("--cases", type=int, default=300, help="How many cases to create (default 300).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed; the same seed tells the same demo.")
        parser.add_argument(
            "--history-days", type=int, default=730, help="Days of closed history for the analytics charts (0: none)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.SORIDAM_DEMO:
            if options["if_empty"]:
                self.stdout.write("SORIDAM_DEMO is false: no demo data seeded.")
                return
            raise CommandError("SORIDAM_DEMO is false: refusing to create accounts with public demo passwords.")
        if options["cases"] < 1:
            raise CommandError("--cases must be at least 1")
        seeded_now = not (options["if_empty"] and Case.objects.exists())
        if not seeded_now:
            self.stdout.write("The database already has cases: nothing seeded.")
        else:
            seeded = seed_demo(cases=options["cases"], seed=options["seed"])
            self.stdout.write(
                f"Seeded {seeded.cases} cases for {seeded.customers} customers, {len(TEAMS)} teams and "
                f"{len(STAFF)} staff accounts in {seeded.seconds:.1f} s."
            )
            build_search_index()
            self.stdout.write("Search index built.")
            if options["history_days"] > 0:
                self.stdout.write(seed_analytics_history(days=options["history_days"]))
        put_agents_online()
        if seeded_now:
            queue_seeded_work_behind_new()
        self._print_logins()

    def _print_logins(self) -> None:
        base = f"http://127.0.0.1:{env_int('PORT', 8000, minimum=1)}"
        logins = " ; ".join(f"{staff.username} / {staff.password}" for staff in STAFF[:2])
        self.stdout.write(f"Demo logins (demo only, bound to 127.0.0.1): {logins}")
        for staff in STAFF:
            team = f", team {staff.team}" if staff.team else ""
            self.stdout.write(f"  {staff.username:<8} / {staff.password}  ({staff.role}{team}, {staff.display_name})")
        self.stdout.write(f"Workspace: {base}/workspace/")
        self.stdout.write(f"Public complaint form: {base}{reverse('web:complaint')}")
