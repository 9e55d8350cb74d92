"""One process of faq_suggest.py's same-run A/B: ``engine.suggest`` of the source tree given as the first
argument (this tree or a baseline's ``git archive``), on the database in ``DATABASE_URL``.

It reads one JSON request a line ({"query": ..., "embeddings": ...}) and answers one JSON line: the wall and
CPU seconds of the call in this process, the CPU seconds of its PostgreSQL backend over the same call (from
/proc: the database runs on this machine), and the keys found, so the two trees' results can be compared.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def main() -> None:
    tree = Path(sys.argv[1]).resolve()
    sys.path[0] = str(tree)  # the tree's soridam, not this file's
    os.chdir(tree)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soridam.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from soridam.search.engine import suggest

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = Path(f"/proc/{cursor.fetchone()[0]}/schedstat")

    def backend_seconds() -> float:
        return int(backend.read_text().split()[0]) / 1e9  # nanoseconds on a CPU

    for line in sys.stdin:
        request = json.loads(line)
        settings.SORIDAM_SEARCH_EMBEDDINGS = request["embeddings"]
        wall, cpu, server = time.perf_counter(), time.process_time(), backend_seconds()
        hits = suggest(request["query"])
        answer = {
            "wall": time.perf_counter() - wall,
            "cpu": time.process_time() - cpu,
            "server": backend_seconds() - server,
            "keys": [hit.key for hit in hits],
            "scores": [round(hit.score, 9) for hit in hits],
        }
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
