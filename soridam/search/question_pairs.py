"""The ko-question-pair same-meaning check: does search find a question asked in other words?

The task, on the pairs file (``kor_Pair_test.csv``, ``is_duplicate = 0`` means the SAME meaning): the second
question of each same-meaning pair is indexed as one article (its text as the title, no body), among the other
pairs' second questions as distractors. Each first question of a same-meaning pair is then typed as a query; a
hit is its partner (or an article with the same text) among the top 3. ``n`` is the number of same-meaning pairs.

Two sets of distractors: ``same-meaning`` (the other targets only: 359 articles on the test file) and ``all``
(also the second questions of the different-meaning pairs: 688 articles, many written to look like a target
without meaning the same, and often a fair answer themselves). Both are reported.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from .evaluation import evaluate_items

SAME_MEANING = "0"  # the dataset's label is inverted: 0 is a duplicate question


def read_pairs(path: Path) -> list[tuple[str, str, bool]]:
    """(question1, question2, same meaning) for each row of a ko-question-pair CSV (train or test header)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if rows and not {"question1", "question2", "is_duplicate"} <= set(rows[0]):
        raise ValueError(f"{path}: expected the columns question1, question2, is_duplicate")
    return [
        (row["question1"].strip(), row["question2"].strip(), row["is_duplicate"].strip() == SAME_MEANING)
        for row in rows
        if row["question1"].strip() and row["question2"].strip()
    ]


DISTRACTORS = ("all", "same-meaning")


def labelled_set(
    pairs: list[tuple[str, str, bool]], *, distractors: str = "all"
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The articles (second questions) and queries (first questions of same-meaning pairs) of the check."""
    ids: dict[str, str] = {}
    for _, second, same in pairs:
        if same or distractors == "all":
            ids.setdefault(second, f"q{len(ids) + 1}")
    articles = [{"id": key, "title": text, "body": ""} for text, key in ids.items()]
    queries = [
        {"query": first, "kind": "paraphrase", "relevant": [ids[second]]} for first, second, same in pairs if same
    ]
    return articles, queries


def check(path: Path, *, distractors: str = "all") -> dict[str, Any]:
    articles, queries = labelled_set(read_pairs(path), distractors=distractors)
    result = evaluate_items(articles, queries)
    result["articles"] = len(articles)
    return result


def training_pairs(train: Path, test: Path) -> list[tuple[str, str]]:
    """The same-meaning pairs of the TRAIN file that share no sentence with the test file: the two files of the
    dataset overlap (10 of the test's same-meaning pairs are also training pairs, and more single questions),
    and whatever is learned from the training pairs must not have seen the check's questions."""
    seen = {text for first, second, _ in read_pairs(test) for text in (first, second)}
    return [
        (first, second)
        for first, second, same in read_pairs(train)
        if same and first not in seen and second not in seen
    ]
