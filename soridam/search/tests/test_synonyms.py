"""Mined synonyms (alignment, embedding neighbours), their glossary rows, expansion on base forms, the fusion
with embeddings and the ko-question-pair check, on small synthetic inputs."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.management import call_command

from soridam.search import mining
from soridam.search.analysis import analyse_query
from soridam.search.engine import Document, index_documents, suggest
from soridam.search.glossary import load_mined
from soridam.search.models import Source, Synonym
from soridam.search.question_pairs import labelled_set
from soridam.search.retrieval import Ranked, _fuse
from soridam.search.synonyms import Group, expand, index_groups


@pytest.fixture(autouse=True)
def _lexical_only(settings: Any) -> None:
    settings.SORIDAM_SEARCH_EMBEDDINGS = False


def test_alignment_pairs_the_words_that_differ_across_same_meaning_sentences() -> None:
    pairs = [
        (["이별", "힘들다"], ["헤어지다", "힘들다"]),
        (["이별", "슬프다"], ["헤어지다", "슬프다"]),
        (["이별", "여행"], ["헤어지다", "바다"]),
        (["여행", "가고"], ["여행", "떠나다"]),  # once only: not enough to say anything
    ]
    found = {(c.word, c.synonym): c.score for c in mining.aligned(pairs)}
    assert ("이별", "헤어지다") in found
    assert ("사귀다", "연애") not in found
    assert found[("이별", "헤어지다")] == 1.0
    assert not any("힘들다" in pair or "가고" in pair for pair in found)  # shared words are not synonyms


def test_neighbours_map_customer_words_to_their_nearest_knowledge_base_word() -> None:
    vectors = {
        "상품": [1.0, 1.0, 1.0, 1.0],  # a hub: close to every word
        "리뷰": [1.0, 0.0, 0.0, 0.1],
        "배송": [0.0, 1.0, 0.0, 0.1],
        "결제": [0.0, 0.0, 1.0, 0.1],
        "후기": [0.95, 0.05, 0.0, 0.1],
        "택배": [0.05, 0.95, 0.0, 0.1],
    }

    def encode(words: list[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
        matrix = np.array([vectors[word] for word in words], dtype=np.float32)
        return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)

    found = {c.word: c.synonym for c in mining.neighbours(["후기", "택배"], ["상품", "리뷰", "배송", "결제"], encode)}
    assert found["후기"] == "리뷰"
    assert found["택배"] == "배송"
    assert set(found.values()) <= {"상품", "리뷰", "배송", "결제"}  # always a knowledge-base word
    assert "상품" not in (found["후기"], found["택배"])  # the word near everything is nobody's synonym here


def test_a_mined_group_matches_any_form_of_its_base_form_words() -> None:
    query = analyse_query("물건이 너무 늦게 와요 ")
    expanded = expand(query, index_groups([Group((("늦다",), ("지연",)), 0.6)]))
    before, after = query.keys(), expanded.keys()  # Query.keys: the index keys the query asks for
    assert "지연" in after
    assert "지연" not in before
    reading = next(r for s in expanded.slots for r in s.readings if any(o.key == "지연" for p in r.parts for o in p))
    assert reading.weight == 0.6


@pytest.mark.django_db
def test_a_mined_group_finds_the_article_below_one_with_the_typed_word() -> None:
    index_documents(
        [
            Document(
                kind="article", key=1, title="배송 지연 안내", body="택배가 밀려 도착이 하루 이틀 지연될 수 있어요."
            ),
            Document(kind="article", key=2, title="교환 신청", body="받은 상품을 다른 옵션으로 교환할 수 있어요."),
            Document(kind="article", key=3, title="늦은 시간 상담", body="밤 늦게도 채팅 상담을 받을 수 있어요."),
        ]
    )
    Synonym.objects.all().delete()  # the glossary the migrations seed
    assert 1 not in [hit.key for hit in suggest("늦게 와요 ")]
    Synonym.objects.create(terms="늦다, 지연", source=Source.MINED, weight=0.6)
    assert [hit.key for hit in suggest("늦게 와요 ")][:2] == [3, 1]


@pytest.mark.django_db
def test_loading_mined_candidates_keeps_what_an_admin_reviewed() -> None:
    Synonym.objects.create(terms="짝퉁, 가품", is_active=False, source=Source.ADMIN)  # reviewed and refused
    Synonym.objects.create(terms="옛날, 후보", source=Source.MINED)  # an earlier mining run
    strong = mining.Candidate("이별", "헤어지다", 0.9, "aligned")
    weak = mining.Candidate("장갑", "장기", 0.01, "embedding")
    stored, active = load_mined([strong, weak, mining.Candidate("짝퉁", "가품", 0.9, "aligned")])
    assert (stored, active) == (2, 1)
    mined = {row.terms: (row.is_active, row.weight) for row in Synonym.objects.filter(source=Source.MINED)}
    assert mined == {"이별, 헤어지다": (True, mining.MINED_WEIGHT), "장갑, 장기": (False, mining.MINED_WEIGHT)}
    assert Synonym.objects.get(terms="짝퉁, 가품").is_active is False


def test_fusion_keeps_a_far_lexical_lead_and_lets_embeddings_decide_a_close_call() -> None:
    far = _fuse(
        [Ranked(1, 1.0, "a"), Ranked(2, 0.3, "b")], [Ranked(2, 0.90, "b"), Ranked(1, 0.89, "a"), Ranked(3, 0.8, "c")]
    )
    assert [item.key for item in far][:1] == [1]
    close = _fuse(
        [Ranked(1, 0.50, "a"), Ranked(2, 0.48, "b")], [Ranked(2, 0.9, "b"), Ranked(1, 0.8, "a"), Ranked(3, 0.7, "c")]
    )
    assert [item.key for item in close][:1] == [2]
    only_semantic = _fuse([], [Ranked(3, 0.9, "c"), Ranked(4, 0.8, "d")])
    assert [item.key for item in only_semantic] == [3, 4]


def test_question_pair_check_indexes_every_second_question_and_asks_the_same_meaning_ones() -> None:
    pairs = [
        ("3년 사겼어", "3년째 연애 중", True),
        ("이별했어", "여행 가고 싶다", False),
        ("헤어졌어", "3년째 연애 중", True),
    ]
    articles, queries = labelled_set(pairs)
    assert [a["title"] for a in articles] == ["3년째 연애 중", "여행 가고 싶다"]
    assert [(q["query"], q["relevant"]) for q in queries] == [("3년 사겼어", ["q1"]), ("헤어졌어", ["q1"])]
    targets_only, _ = labelled_set(pairs, distractors="same-meaning")
    assert [a["title"] for a in targets_only] == ["3년째 연애 중"]


@pytest.mark.django_db
def test_eval_question_pairs_reports_top3_over_the_same_meaning_pairs(tmp_path: Path) -> None:
    csv = tmp_path / "pairs.csv"
    csv.write_text(
        "\ufefftest_id,question1,question2,is_duplicate,\n"
        "1,환불 받고 싶어요,환불 신청 방법,0,\n"
        "2,배송지 바꾸기,배송지 변경,0,\n"
        "3,비밀번호 잊었어,택배 조회,1,\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("eval_question_pairs", "--pairs", str(csv), "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["articles"] == 3
    assert result["overall"]["n"] == 2
    assert result["overall"]["top3"] == 1.0


@pytest.mark.django_db
def test_mine_synonyms_writes_a_lexicon_from_same_meaning_pairs(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "ko-question-pair").mkdir(parents=True)
    (data / "ko-sts").mkdir()
    rows = ["id,qid1,qid2,question1,question2,is_duplicate"]
    rows += [f"{i},{i},{i},이별 {topic},헤어지다 {topic},0" for i, topic in enumerate(["여행", "음악", "학교"])]
    rows += [f"{i},{i},{i},사귀다 {topic},연애 {topic},0" for i, topic in enumerate(["여행", "음악"], 5)]
    (data / "ko-question-pair" / "kor_pair_train.csv").write_text("\n".join(rows) + "\n", encoding="utf-8-sig")
    # A training pair that shares a sentence with the check's test file is left out: 사귀다/연애 keeps one pair.
    (data / "ko-question-pair" / "kor_Pair_test.csv").write_text(
        "test_id,question1,question2,is_duplicate,\n1,연애 음악,노래 추천,0,\n", encoding="utf-8-sig"
    )
    header = "genre\tfilename\tyear\tid\tscore\tsentence1\tsentence2\n"
    (data / "ko-sts" / "korsts-dev.tsv").write_text(
        header + "g\tf\t2012\t1\t4.8\t환불 요청\t돈 돌려받기 요청\n", encoding="utf-8"
    )
    (data / "ko-sts" / "korsts-test.tsv").write_text(header, encoding="utf-8")
    (data / "ko-sts" / "klue-sts-v1.1_dev.json").write_text("[]", encoding="utf-8")
    out = tmp_path / "lexicon.tsv"
    call_command(
        "mine_synonyms", "--data", str(data), "--out", str(out), "--no-embeddings", "--load", stdout=io.StringIO()
    )
    found = {(c.word, c.synonym) for c in mining.read_lexicon(out)}
    assert ("이별", "헤어지다") in found
    assert ("사귀다", "연애") not in found
    assert Synonym.objects.filter(terms="이별, 헤어지다", source=Source.MINED, is_active=True).exists()
