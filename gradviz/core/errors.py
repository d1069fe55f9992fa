"""Errors the core raises, each with a message fit to show a user."""

from __future__ import annotations


class GradvizError(Exception):
    """Base of every error gradviz reports to a user."""


class FormulaError(GradvizError):
    """A formula that cannot be accepted, with the 0-based position of the problem in the text."""

    def __init__(self, message: str, position: int | None = None, end: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        self.end = end if end is not None else (position + 1 if position is not None else None)

    def __reduce__(self) -> tuple[type, tuple[str, int | None, int | None]]:
        """Pickle with the position, so errors cross process boundaries whole."""
        return (type(self), (self.message, self.position, self.end))

    def __str__(self) -> str:
        if self.position is None:
            return self.message
        return f"{self.message} (at column {self.position + 1})"


class FormulaTimeout(FormulaError):
    """Parsing, differentiating or compiling a formula took longer than allowed."""


class ScenarioError(GradvizError):
    """A scenario or lesson file that cannot be read or written."""


class DescentError(GradvizError):
    """A descent run whose settings cannot be used."""
