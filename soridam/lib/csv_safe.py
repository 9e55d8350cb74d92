"""CSV cells a spreadsheet would run as a formula (CSV injection, R-SEC-10) are written as text.

A cell that starts with ``= + - @`` (or a tab or carriage return, which some spreadsheets skip before
reading a formula) gets a leading apostrophe, as OWASP recommends: Excel and LibreOffice then show it as
text. Only text cells: a number written by us (``-3``) is a number, not a formula.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def neutralise(cell: object) -> object:
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


class SafeWriter:
    """``csv.writer`` whose every row goes through ``neutralise``; use it for every CSV a person may open."""

    def __init__(self, target: _Writable, **options: Any) -> None:
        self._writer = csv.writer(target, **options)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)
