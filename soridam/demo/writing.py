"""Realistic complaint texts, combined deterministically from the sentence pools in texts_ko / texts_en."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import ModuleType
from typing import NamedTuple

from soridam.demo import texts_en, texts_ko

SIZES = ("S", "M", "L", "95", "100")
AMOUNTS = ("12,900", "29,800", "39,800", "54,000", "89,000", "129,000", "249,000")

# Korean particles after a slot depend on whether the word before ends in a consonant (받침).
_PARTICLES = {"이(가)": ("이", "가"), "을(를)": ("을", "를"), "은(는)": ("은", "는"), "과(와)": ("과", "와")}
_PARTICLE_PATTERN = re.compile(r"(\S)(이\(가\)|을\(를\)|은\(는\)|과\(와\))")
# How digits and Latin letters are read aloud: does the reading end in a consonant?
_CLOSED_READINGS = set("0136780lmnrLMNR")


def pool(language: str) -> ModuleType:
    return texts_ko if language.startswith("ko") else texts_en


def _ends_in_consonant(char: str) -> bool:
    code = ord(char) - 0xAC00
    if 0 <= code < 11172:
        return code % 28 != 0
    return char in _CLOSED_READINGS


def fix_particles(text: str) -> str:
    """Turn "상품이(가)" into "상품이" and "셔츠이(가)" into "셔츠가"."""

    def choose(match: re.Match[str]) -> str:
        closed, open_ = _PARTICLES[match.group(2)]
        return match.group(1) + (closed if _ends_in_consonant(match.group(1)) else open_)

    return _PARTICLE_PATTERN.sub(choose, text)


@dataclass(frozen=True)
class Slots:
    """The facts of one case, so every message about it tells the same story."""

    language: str
    customer: str
    order: str
    product: str
    garment: str
    courier: str
    days: int
    amount: str
    size: str
    date: str

    def fill(self, template: str, agent: str = "") -> str:
        text = template.format(
            customer=self.customer,
            agent=agent,
            order=self.order,
            product=self.product,
            garment=self.garment,
            courier=self.courier,
            days=self.days,
            amount=self.amount,
            size=self.size,
            date=self.date,
        )
        return fix_particles(text) if self.language.startswith("ko") else text


def slots_for(rng: random.Random, language: str, customer: str, when: datetime) -> Slots:
    texts = pool(language)
    days = rng.randint(3, 12)
    ordered = when - timedelta(days=days)
    date = f"{ordered.month}월 {ordered.day}일" if language.startswith("ko") else f"{ordered.day} {ordered:%B}"
    return Slots(
        language=language,
        customer=customer,
        order=f"{ordered:%Y%m%d}-{rng.randint(1000000, 9999999)}",
        product=rng.choice(texts.PRODUCTS),
        garment=rng.choice(texts.GARMENTS),
        courier=rng.choice(texts.COURIERS),
        days=days,
        amount=rng.choice(AMOUNTS),
        size=rng.choice(SIZES),
        date=date,
    )


class Issue(NamedTuple):
    subject: str
    problem: str
    note: str
    fix: str


def pick_issue(rng: random.Random, language: str, category: str) -> Issue:
    return Issue(*rng.choice(pool(language).ISSUES[category]))


def complaint(rng: random.Random, slots: Slots, issue: Issue) -> tuple[str, str]:
    """A subject and a first message: the issue told with a greeting, a request and a closing."""
    texts = pool(slots.language)
    parts = [rng.choice(texts.GREETINGS), slots.fill(issue.problem), slots.fill(rng.choice(texts.ASKS))]
    body = " ".join(part for part in [*parts, rng.choice(texts.CLOSINGS)] if part)
    return slots.fill(issue.subject), body


def spam(rng: random.Random, language: str) -> tuple[str, str]:
    texts = pool(language)
    return rng.choice(texts.SPAM_SUBJECTS), rng.choice(texts.SPAM_BODIES)


def line(rng: random.Random, slots: Slots, name: str, *, agent: str = "") -> str:
    """One sentence from a named pool of the case's language (ACKNOWLEDGEMENTS, DONE, ...)."""
    return slots.fill(rng.choice(getattr(pool(slots.language), name)), agent=agent)


def survey_comment(rng: random.Random, language: str, rating: int) -> str:
    return str(rng.choice(pool(language).SURVEY_COMMENTS[rating]))
