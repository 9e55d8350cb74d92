"""A message as triage reads it, without the model: normalising, cue counts and signals need no numpy, scipy or
scikit-learn, so the web (which records agents' corrections) never imports them, and neither does a task worker
that only predicts (``triage.compact``)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from soridam.privacy import pii
from soridam.triage import cues, lexicon

_ORDER_NUMBER = re.compile(r"\b[A-Z]{1,3}\d{8,}\b")
CUE_GROUPS: dict[str, tuple[str, ...]] = {**lexicon.TOPICS, **cues.SIGNALS, **cues.STAKES}


@dataclass(frozen=True)
class Doc:
    """One message, normalised: PII values and order numbers become type words, everything lower-cased."""

    subject: str
    body: str

    @property
    def text(self) -> str:
        return f"{self.subject}\n{self.body}".strip()


def normalise(text: str) -> str:
    parts, last = [], 0
    for span in pii.detect(text):
        parts.append(text[last : span.start])
        parts.append(f" {span.type}number ")
        last = span.end
    parts.append(text[last:])
    return _ORDER_NUMBER.sub(" ordernumber ", "".join(parts)).lower()


def make_doc(subject: str, body: str) -> Doc:
    return Doc(normalise(subject), normalise(body))


def cue_vector(doc: Doc, groups: tuple[str, ...] | None = None) -> list[float]:
    """Per cue group: log(1 + hits) over the whole message, and whether the subject names it (the main point).

    ``groups`` are the names a model was fitted on, in its column order: a group added to the lexicon since
    then is left out, and one removed since counts nothing, so an older model keeps its width."""
    values: list[float] = []
    for name in groups if groups is not None else tuple(CUE_GROUPS):
        words = CUE_GROUPS.get(name, ())
        values.append(math.log1p(lexicon.hits(doc.text, words)))
        values.append(1.0 if lexicon.hits(doc.subject, words) else 0.0)
    return values


def signals(doc: Doc) -> set[str]:
    return {name for name, words in cues.SIGNALS.items() if lexicon.hits(doc.text, words)}
