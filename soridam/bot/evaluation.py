"""``eval_bot``: the bot on a labelled set (kb.jsonl, cases.jsonl, threads.jsonl in the ko-cs-dev format).

The articles are loaded into their own slice of the search index inside a transaction that is rolled back,
as ``eval_search`` does, so the live help centre is neither read nor changed.

- Cases with ``expected_faq``: the body (after the subject, when there is one) is the first message. Each
  reply is ``resolved`` (answers from the expected article), ``handed_over`` (offers a person or hands over)
  or ``wrong`` (answers from another article without offering a person).
- Threads: the customer turns are replayed in order, each with the turns before it as history and the bot's
  state from its previous reply; the reply to the last turn is judged against ``should_handover``.

``p95_ms`` is the wall time of a reply, which on a shared machine says as much about the load as about the
code; ``cpu=True`` adds ``cpu_p95_ms``, the process's CPU time per reply (every thread: the question is encoded
on a worker thread), which the load barely moves.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from soridam.lib.jsonl import read_jsonl
from soridam.search.engine import Document, index_documents
from soridam.search.evaluation import percentile
from soridam.search.indexing import clear
from soridam.search.retrieval import forget_vectors

from .answers import Article, Library
from .contract import BotReply, Conversation, Turn
from .engine import respond

EVAL_KIND = "boteval"


@dataclass
class Timings:
    """Milliseconds per reply: wall clock and the process's CPU time."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def evaluate(kb: Path, cases: Path, threads: Path, *, cpu: bool = False) -> dict[str, Any]:
    return evaluate_items(read_jsonl(kb), read_jsonl(cases), read_jsonl(threads), cpu=cpu)


def evaluate_items(
    articles: list[dict[str, Any]], cases: list[dict[str, Any]], threads: list[dict[str, Any]], *, cpu: bool = False
) -> dict[str, Any]:
    keys = {article["id"]: number for number, article in enumerate(articles, 1)}
    loaded = {keys[a["id"]]: Article(keys[a["id"]], a["title"], a["body"], f"kb.jsonl#{a['id']}") for a in articles}
    library = Library(EVAL_KIND, lambda wanted: {key: loaded[key] for key in wanted if key in loaded})
    forget_vectors(EVAL_KIND)
    with transaction.atomic():
        clear(EVAL_KIND)
        index_documents(Document(kind=EVAL_KIND, key=key, title=a.title, body=a.body) for key, a in loaded.items())
        timings = Timings()
        case_outcomes = [
            _judge(_timed(library, _first_message(case), (), {}, timings), keys.get(case["expected_faq"]))
            for case in cases
            if case.get("expected_faq")
        ]
        thread_outcomes = [_replay(library, thread, keys, timings) for thread in threads]
        transaction.set_rollback(True)
    forget_vectors(EVAL_KIND)
    summary = summarise(case_outcomes, thread_outcomes, timings.wall)
    if cpu:
        summary["cpu_p95_ms"] = round(percentile(timings.cpu, 0.95), 2)
    return summary


def _first_message(case: dict[str, Any]) -> str:
    return "\n".join(part for part in (case.get("subject", ""), case["body"]) if part)


def _timed(
    library: Library, text: str, history: tuple[Turn, ...], state: dict[str, object], timings: Timings
) -> BotReply:
    started, started_cpu = time.perf_counter(), time.process_time()
    answer = respond(Conversation(text=text, history=history, language=_language(text), state=state), library)
    timings.cpu.append((time.process_time() - started_cpu) * 1000)
    timings.wall.append((time.perf_counter() - started) * 1000)
    return answer


def _language(text: str) -> str:
    return "ko" if any("\uac00" <= ch <= "\ud7a3" for ch in text) else "en"


def _judge(answer: BotReply, expected: int | None) -> str:
    if answer.involves_person:
        return "handed_over"
    if answer.sources and answer.sources[0].article_id == expected:
        return "resolved"
    return "wrong" if answer.outcome == "answered" else "handed_over" if not answer.sources else "wrong"


def _replay(
    library: Library, thread: dict[str, Any], keys: dict[str, int], timings: Timings
) -> tuple[bool, bool, bool]:
    """(should hand over, handed over, answered from the expected article) at the last customer turn."""
    history: list[Turn] = []
    state: dict[str, object] = {}
    answer: BotReply | None = None
    for turn in thread["turns"]:
        if turn["role"] == "customer":
            answer = _timed(library, turn["text"], tuple(history), state, timings)
            state = dict(answer.state)
        history.append(Turn("customer" if turn["role"] == "customer" else "agent", turn["text"]))
    if answer is None:
        raise ValueError(f"thread {thread.get('id')} has no customer turn")
    expected = keys.get(thread.get("expected_faq") or "")
    right = not answer.involves_person and bool(answer.sources) and answer.sources[0].article_id == expected
    return bool(thread["should_handover"]), answer.involves_person, right


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def summarise(cases: list[str], threads: list[tuple[bool, bool, bool]], timings: list[float]) -> dict[str, Any]:
    true_positive = sum(1 for should, did, _ in threads if should and did)
    predicted = sum(1 for _, did, _ in threads if did)
    actual = sum(1 for should, _, _ in threads if should)
    correct = sum(1 for should, did, _ in threads if should == did)
    answerable = [right for should, _, right in threads if not should]
    return {
        "resolved": _share(cases.count("resolved"), len(cases)),
        "wrong": _share(cases.count("wrong"), len(cases)),
        "handed_over": _share(cases.count("handed_over"), len(cases)),
        "handover_accuracy": _share(correct, len(threads)),
        "handover_precision": _share(true_positive, predicted),
        "handover_recall": _share(true_positive, actual),
        "thread_answer_accuracy": _share(sum(answerable), len(answerable)),
        "p95_ms": round(percentile(timings, 0.95), 2),
    }
