"""The live inbox's "changed since" poll on a quiet inbox, A/B in one run: the plain EXISTS against the
newest-first single row that ``workspace.inbox_changes.changed_since`` runs. Read-only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<a 1M-case bench db> \\
        .venv/bin/python manage.py shell < bench/inbox_poll.py
"""

import os
import time
from datetime import datetime, timedelta

from django.utils import timezone

from soridam.accounts.models import User
from soridam.cases.access import cases_visible_to
from soridam.workspace.inbox_changes import changed_since


def exists_variant(user: User, since: datetime) -> bool:
    return cases_visible_to(user).filter(updated_at__gt=since).exists()


users = [user for user in (User.objects.filter(role=role).first() for role in ("agent", "admin")) if user]
timings: dict[tuple[str, str], list[float]] = {}
for _round in range(10):  # alternating A and B, so load changes hit both alike
    for name, variant in (("A exists", exists_variant), ("B newest-first", changed_since)):
        for user in users:
            since = timezone.now() - timedelta(seconds=5)
            for _ in range(5):
                start = time.perf_counter()
                variant(user, since)
                timings.setdefault((name, user.role), []).append((time.perf_counter() - start) * 1000)
print("| variant | role | p50 ms | p95 ms |\n|---|---|---|---|")
for (name, role), values in sorted(timings.items()):
    values.sort()
    print(f"| {name} | {role} | {values[len(values) // 2]:.2f} | {values[int(len(values) * 0.95)]:.2f} |")
print("load average", os.getloadavg())
