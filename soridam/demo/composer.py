"""First messages for synthetic benchmark cases: nearly every one different, as a real help desk's are.

A message is composed from the phrase pools of its language (phrases_ko, phrases_en): a scenario of its
category (which also sets the base priority), a greeting, a self-introduction, the order number, details, a
feeling, a signal that raises the priority (second or third contact, a legal threat, a deadline), what the
customer asks for and a closing, with the case's own facts in the slots (order number, dates, amounts,
products, sizes, colours, couriers) and the slips people make when they type (typos, spacing, ㅠㅠ).

Everything is drawn from the caller's seeded ``random.Random``, so a seed gives the same texts. Composing
is on the hot path of ``generate_cases``: the pools are flattened into tuples once, and each message costs
a few dozen random draws and ``str.format_map`` calls.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from itertools import product as combinations
from types import ModuleType
from typing import NamedTuple, TypeVar

from soridam.demo import phrases_en, phrases_ko
from soridam.demo.writing import fix_particles

PRIORITY_RANK = {"low": 0, "normal": 1, "high": 2, "urgent": 3}
PRIORITIES = tuple(PRIORITY_RANK)
# Shares of messages that carry a signal raising the priority (cumulative thresholds of one draw).
THIRD_CONTACT_BELOW = 0.025
LEGAL_BELOW = 0.045
SECOND_CONTACT_BELOW = 0.13
DEADLINE_BELOW = 0.17
DEADLINE_CATEGORIES = frozenset({"delivery", "refund_return", "product"})
TYPO_SHARE = 0.35
TAIL_SHARE = 0.15
ENGLISH_MONTHS: tuple[str, ...] = ("January", "February", "March", "April", "May", "June", "July", "August")
ENGLISH_MONTHS += ("September", "October", "November", "December")
T = TypeVar("T")


class Composed(NamedTuple):
    subject: str
    body: str
    priority: str


class Scenario(NamedTuple):
    priority: str
    subjects: tuple[str, ...]
    problems: tuple[str, ...]
    details: tuple[str, ...]


class Slots(dict[str, object]):
    """The facts of one message. Each is drawn the first time a template asks for it (most ask for two or
    three), and kept, so the subject and every sentence of the body tell the same story."""

    def __init__(self, composer: Composer, name: str, order: str, age_days: float) -> None:
        super().__init__(name=name)
        if order:
            self["order"] = order
        self.composer, self.age_days = composer, age_days

    def __missing__(self, key: str) -> object:
        self.composer.draw(key, self)
        return self[key]


class Composer:
    """Composes the first message of a case in one language. ``now`` anchors the dates it mentions."""

    def __init__(self, rng: random.Random, language: str, now: datetime, *, span_days: int) -> None:
        self.language = "ko" if language.startswith("ko") else "en"
        self.phrases: ModuleType = phrases_ko if self.language == "ko" else phrases_en
        self._random: Callable[[], float] = rng.random
        self._products = _products(self.phrases, self.language, (*self.phrases.DEVICES, *self.phrases.GOODS))
        self._devices = _products(self.phrases, self.language, self.phrases.DEVICES)
        garments = [_with_particles(self.language, name) for name in self.phrases.GARMENTS]
        # Named things with their particle forms, drawn together so "{product_eul}" and "{product}" agree.
        self._named = {
            key: [dict(zip((key, f"{key}_ga", f"{key}_eul", f"{key}_eun"), forms, strict=True)) for forms in pool]
            for key, pool in (("product", self._products), ("device", self._devices), ("garment", garments))
        }
        for key in ("product", "device", "garment"):
            for suffix in ("_ga", "_eul", "_eun"):
                self._named[key + suffix] = self._named[key]
        self._plain: dict[str, Sequence[str]] = {
            "size": self.phrases.SIZES,
            "colour": self.phrases.COLOURS,
            "courier": self.phrases.COURIERS,
            "time": self.phrases.TIMES,
        }
        self._dates = _dates(self.language, now, span_days + 40)
        self._scenarios: dict[str, tuple[Scenario, ...]] = {
            category: tuple(Scenario(*entry) for entry in entries)
            for category, entries in self.phrases.SCENARIOS.items()
        }

    def compose(self, category: str, name: str, order: str, age_days: float) -> Composed:
        """A subject, a body and the priority its words call for; ``order`` may be empty."""
        random_, texts = self._random, self.phrases
        scenarios = self._scenarios[category]
        scenario = scenarios[int(random_() * len(scenarios))]
        slots = Slots(self, name, order, age_days)
        priority, signal = self._signal(scenario.priority, category)
        # The pools the sentences come from, in the order they are told (one draw each, no method calls:
        # this runs for every generated case).
        pools = [texts.GREETINGS, texts.INTROS]
        if order and random_() < 0.5:
            pools.append(texts.ORDER_MENTIONS)
        pools += (scenario.problems, scenario.details)
        if random_() < 0.3:
            pools.append(texts.FEELINGS)
        asked_at = len(pools)
        pools.append(texts.ASKS[category])
        if order and random_() < 0.25:
            pools.append(texts.ORDER_MENTIONS)
        pools += (texts.CLOSINGS, scenario.subjects)
        parts = [options[int(random_() * len(options))] for options in pools]
        subject = parts.pop().format_map(slots)
        if signal:
            parts.insert(asked_at, signal)
        separator = "\n" if random_() < 0.2 else " "
        body = separator.join([part.format_map(slots) if "{" in part else part for part in parts if part])
        return Composed(self._subject(subject, priority, order), self._slip(body), priority)

    def spam(self, name: str, age_days: float) -> Composed:
        slots = Slots(self, name, "", age_days)
        body = self._pick(self.phrases.SPAM_BODIES).format_map(slots)
        return Composed(self._pick(self.phrases.SPAM_SUBJECTS), body, "low")

    def _pick(self, options: Sequence[T]) -> T:
        return options[int(self._random() * len(options))]

    def draw(self, key: str, slots: Slots) -> None:
        """Put the fact ``key`` (and the particle forms that go with it) into ``slots``."""
        random_ = self._random
        if key in self._named:
            named = self._named[key]
            slots.update(named[int(random_() * len(named))])
        elif key == "days":
            slots["days"] = 2 + int(random_() * 12)
        elif key == "date":
            # The order date: the days waited before the case was filed.
            back = min(len(self._dates) - 1, int(slots.age_days) + int(slots["days"]))  # type: ignore[call-overload]
            dates = self._dates[back]
            slots["date"] = dates[int(random_() * len(dates))]
        elif key == "amount":
            slots["amount"] = f"{(int(random_() * 4_930) + 59) * 100:,}"
        elif key == "count":
            slots["count"] = 2 + int(random_() * 4)
        elif key == "order":
            slots["order"] = f"{int(random_() * 90_000_000) + 10_000_000}"
        else:
            options = self._plain[key]
            slots[key] = options[int(random_() * len(options))]

    def _signal(self, base: str, category: str) -> tuple[str, str]:
        """The scenario's priority, raised by the signal (if any) the message carries, and its sentence.

        Questions, praise and proposals (low) carry none; only orders on their way can have a deadline."""
        draw, texts = self._random(), self.phrases
        if base == "low" or draw >= DEADLINE_BELOW:
            return base, ""
        if draw < THIRD_CONTACT_BELOW:
            return "urgent", self._pick(texts.THIRD_CONTACT)
        if draw < LEGAL_BELOW:
            return "urgent", self._pick(texts.LEGAL_THREATS)
        if draw < SECOND_CONTACT_BELOW:
            return _higher(base, "high"), self._pick(texts.SECOND_CONTACT)
        if category in DEADLINE_CATEGORIES:
            return _higher(base, "high"), self._pick(texts.DEADLINES)
        return base, ""

    def _subject(self, subject: str, priority: str, order: str) -> str:
        draw = self._random()
        if draw < 0.06 and priority in ("high", "urgent"):
            return ("[긴급] " if self.language == "ko" else "URGENT: ") + subject
        if draw < 0.16 and order:
            return f"{subject} ({order})"
        if draw < 0.22:
            return ("[문의] " if self.language == "ko" else "Question: ") + subject
        return subject

    def _slip(self, body: str) -> str:
        """Typos, spacing and trailing marks, as people type."""
        random_ = self._random
        if random_() < TYPO_SHARE:
            right, wrong = self._pick(self.phrases.TYPOS)
            body = body.replace(right, wrong, 1)
            if random_() < 0.3:
                right, wrong = self._pick(self.phrases.TYPOS)
                body = body.replace(right, wrong, 1)
        if random_() < TAIL_SHARE:
            body = body.rstrip(".") + self._pick(self.phrases.TAILS)
        if self.language == "en" and random_() < 0.04:
            body = body.lower()
        return body


def _higher(priority: str, floor: str) -> str:
    return priority if PRIORITY_RANK[priority] >= PRIORITY_RANK[floor] else floor


def _with_particles(language: str, name: str) -> tuple[str, str, str, str]:
    """The name as it is, with 이/가, with 을/를 and with 은/는 (English: the name four times)."""
    if language != "ko":
        return name, name, name, name
    return name, fix_particles(f"{name}이(가)"), fix_particles(f"{name}을(를)"), fix_particles(f"{name}은(는)")


def _products(phrases: ModuleType, language: str, items: Sequence[str]) -> list[tuple[str, str, str, str]]:
    """Every brand × item × model, each with its particles: a few thousand product names."""
    return [
        _with_particles(language, f"{brand} {item}{model}")
        for brand, item, model in combinations(phrases.BRANDS, items, phrases.MODELS)
    ]


def _dates(language: str, now: datetime, days: int) -> list[tuple[str, ...]]:
    """For each number of days before ``now``, the ways a customer writes that date."""
    dates: list[tuple[str, ...]] = []
    for back in range(days):
        day = now - timedelta(days=back)
        if language == "ko":
            dates.append((f"{day.month}월 {day.day}일", f"{day.month}/{day.day}", f"{day.month}월{day.day}일"))
        else:
            month = ENGLISH_MONTHS[day.month - 1]
            dates.append((f"{day.day} {month}", f"{month} {day.day}", f"{day.month}/{day.day}"))
    return dates
