"""A message as triage reads it, without the model: normalising needs no numpy, scipy or scikit-learn, so
the web and the customer-mail worker (which record agents' corrections) never import them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from soridam.privacy import pii

_ORDER_NUMBER = re.compile(r"\b[A-Z]{1,3}\d{8,}\b")


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
