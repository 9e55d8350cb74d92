"""What the demo needs before `make run` serves it: a full search index and agents who take cases."""

from __future__ import annotations

from django_tasks_db.models import DBTaskResult

from soridam.accounts.models import Membership, User
from soridam.audit.actors import Actor
from soridam.demo.people import STAFF
from soridam.kb.indexing import article_documents
from soridam.lib import jobs
from soridam.routing.models import Presence
from soridam.routing.presence import set_presence, state_of
from soridam.search.backends import refresh_statistics
from soridam.search.bulk import reindex_cases
from soridam.search.engine import index_documents
from soridam.search.indexing import clear

# The seed queues one index task per case and article. Behind the seed's ~930 other tasks they left help
# search empty for minutes after start; the index is built here instead and these rows are dropped.
INDEX_TASKS = ("soridam.search.tasks.index_case", "soridam.kb.indexing.index_article")


def build_search_index() -> None:
    """Index every article and case in this process, before the server starts. Only tasks due now are
    dropped (``ready()``): an article scheduled for later keeps its deferred task."""
    DBTaskResult.objects.ready().filter(task_path__in=INDEX_TASKS).delete()
    clear("article")
    index_documents(article_documents())
    reindex_cases()
    refresh_statistics()


def queue_seeded_work_behind_new() -> int:
    """The seed's own jobs (the backdated cases' acknowledgements, triage, routing: ~1,200 rows) go below any
    new work, so the first case a visitor files is acknowledged and triaged first instead of queueing behind
    the demo's history. They still run, through the same workers. Returns how many rows were moved."""
    return DBTaskResult.objects.ready().filter(priority__gt=jobs.BACKGROUND).update(priority=jobs.BACKGROUND - 1)


def put_agents_online() -> int:
    """Demo agents and leads start online, so routing assigns new cases at once. Returns how many changed."""
    usernames = [staff.username for staff in STAFF if staff.team]
    teamed = Membership.objects.filter(user__username__in=usernames, user__is_active=True).values("user")
    changed = 0
    for agent in User.objects.filter(pk__in=teamed).order_by("pk"):
        if state_of(agent).presence != Presence.ONLINE:
            set_presence(agent, Presence.ONLINE, actor=Actor(system="demo"))
            changed += 1
    return changed
