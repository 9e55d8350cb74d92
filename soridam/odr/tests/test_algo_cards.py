"""The public algorithm cards: a list and one page per algorithm, in Korean and English, each with a worked
example computed by the product's code when the page is served."""

from __future__ import annotations

import dataclasses
import html
import json
import re

import pytest
from django.test import Client
from django.utils import translation

from soridam.odr import cards
from soridam.odr.algorithms.jsonio import ALGORITHMS, run

pytestmark = pytest.mark.django_db


def output_block(page: str) -> dict[str, object]:
    found = re.search(r'<pre data-testid="example-output">(.*?)</pre>', page, re.S)
    assert found is not None
    return json.loads(html.unescape(found.group(1)))


def test_the_list_links_every_algorithm(client: Client) -> None:
    page = client.get("/odr/algorithms/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Settlement algorithms" in page
    for name in ALGORITHMS:
        assert f'href="/odr/algorithms/{name}/"' in page


@pytest.mark.parametrize("name", sorted(ALGORITHMS))
def test_each_card_shows_its_parts_and_the_computed_example(client: Client, name: str) -> None:
    response = client.get(f"/odr/algorithms/{name}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    card = cards.CARDS[name]
    for heading in ("Inputs", "Formula", "What the result reveals", "Gaming risk", "Worked example"):
        assert heading in page
    assert html.escape(str(card.reveals)) in page
    assert output_block(page) == run(name, card.example)


@pytest.mark.parametrize(
    ("name", "key", "value"),
    [
        ("blind_bidding", "amount", 61000),
        ("smartsettle", "amount", 57),
        ("adjusted_winner", "u_c", {"exact": "565/9", "float": 565 / 9}),
        ("nash", "amount", 150),
        ("final_offer", "award", 180000),
    ],
)
def test_the_examples_are_those_of_the_spec(client: Client, name: str, key: str, value: object) -> None:
    assert output_block(client.get(f"/odr/algorithms/{name}/").content.decode())[key] == value


def test_the_blind_bidding_card_computes_the_midpoint_leak(client: Client) -> None:
    page = client.get("/odr/algorithms/blind_bidding/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "the customer learns O = 2 × 61000 − 70000 = 52000." in page


def test_the_example_is_computed_live_not_typed_in(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    changed = dataclasses.replace(cards.CARDS["final_offer"], example={"o_c": 300000, "o_b": 180000, "a": 250000})
    monkeypatch.setitem(cards.CARDS, "final_offer", changed)
    assert output_block(client.get("/odr/algorithms/final_offer/").content.decode())["award"] == 300000
    leaky = dataclasses.replace(cards.CARDS["blind_bidding"], example={"rounds": [[50000, 60000]], "a": 5000})
    monkeypatch.setitem(cards.CARDS, "blind_bidding", leaky)
    page = client.get("/odr/algorithms/blind_bidding/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "O = 2 × 55000 − 60000 = 50000" in page


@pytest.mark.parametrize("name", sorted(ALGORITHMS))
def test_every_card_is_translated_into_korean(client: Client, name: str) -> None:
    card = cards.CARDS[name]
    with translation.override("ko"):
        korean = [str(text) for text in (card.title, card.summary, card.reveals, card.gaming, *card.inputs)]
        korean += [str(line) for line in card.formula if not isinstance(line, str)]
    with translation.override("en"):
        english = [str(text) for text in (card.title, card.summary, card.reveals, card.gaming, *card.inputs)]
        english += [str(line) for line in card.formula if not isinstance(line, str)]
    assert all(ko != en for ko, en in zip(korean, english, strict=True))
    page = client.get(f"/odr/algorithms/{name}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert html.escape(korean[0]) in page
    assert "계산 예시" in page
    assert "악용 위험" in page
    assert output_block(page) == run(name, card.example)  # the same numbers in every language


def test_an_unknown_algorithm_is_404(client: Client) -> None:
    assert client.get("/odr/algorithms/coin_toss/").status_code == 404
