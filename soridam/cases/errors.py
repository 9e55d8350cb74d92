"""Errors the actions raise. Each has a stable machine code, and a message for people."""

from __future__ import annotations


class CaseError(Exception):
    code = "invalid"
    status = 400

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidTransition(CaseError):
    """A stage move the transition table does not allow (409 with the allowed targets)."""

    code = "invalid_transition"
    status = 409

    def __init__(self, message: str, *, allowed: list[str]) -> None:
        super().__init__(message, field="to")
        self.allowed = allowed


class InvalidChange(CaseError):
    code = "invalid_change"
    status = 409
