"""Exact numbers for the algorithms: reading them from JSON-like input and printing them back.

The printing convention (README, "ODR algorithms"): an integer stays a plain JSON integer; every other number is
an object ``{"exact": "p/q", "float": x}``, so a reader gets the exact value and a convenient approximation.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

Number = int | Fraction


class AlgorithmInputError(ValueError):
    """The input does not describe a valid problem; the message names the field and says why."""


def as_fraction(value: object, field: str) -> Fraction:
    """Read a number given as a JSON integer, a ``"p/q"`` or decimal string, or a float (read by its decimal
    text, so 0.3 means 3/10). Booleans and anything else are refused."""
    if isinstance(value, bool):
        raise AlgorithmInputError(f"{field}: expected a number, got a boolean")
    if isinstance(value, int | Fraction):
        return Fraction(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise AlgorithmInputError(f"{field}: expected a finite number")
        return Fraction(repr(value))
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            raise AlgorithmInputError(f'{field}: {value!r} is not a number (use 12, "3/10" or "0.3")') from None
    raise AlgorithmInputError(f"{field}: expected a number")


def as_money(value: object, field: str) -> int:
    """Money is integer KRW, never negative."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise AlgorithmInputError(f"{field}: expected an integer amount in KRW")
    if value < 0:
        raise AlgorithmInputError(f"{field}: an amount cannot be negative")
    return value


def normal(value: Fraction) -> Number:
    """A whole fraction becomes an ``int``, so results compare and print as integers where they are ones."""
    return value.numerator if value.denominator == 1 else value


def dump(value: Number | Fraction | None) -> Any:
    """The JSON form of a number: an integer as itself, anything else as ``{"exact": "p/q", "float": x}``."""
    if value is None:
        return None
    value = Fraction(value)
    if value.denominator == 1:
        return value.numerator
    return {"exact": f"{value.numerator}/{value.denominator}", "float": float(value)}


def median(values: Sequence[Fraction]) -> Fraction:
    """The median of a non-empty list; with an even count, the midpoint of the middle two (exact)."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
