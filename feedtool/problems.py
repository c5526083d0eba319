"""Problems found in a show or a feed, and the error that carries them.

Every user-facing message names the file and, where there is one, the field
or line: ``episodes/her.toml: date: expected an ISO 8601 date, got '3 March'``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    field: str | None
    message: str
    severity: Severity = Severity.ERROR
    rule: str = "INPUT"
    line: int | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def location(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
        return where

    def __str__(self) -> str:
        field = f" {self.field}:" if self.field else ""
        return f"{self.location()}:{field} {self.message}"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Problem:
        """The Problem as_dict gave (a record of a build, a forked writer's report)."""
        return cls(**{**data, "severity": Severity(data["severity"])})

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "field": self.field,
            "message": self.message,
            "severity": self.severity.value,
            "rule": self.rule,
        }


def error(path: str, field: str | None, message: str, *, rule: str = "INPUT", line: int | None = None) -> Problem:
    return Problem(path, field, message, Severity.ERROR, rule, line)


def warning(path: str, field: str | None, message: str, *, rule: str = "INPUT", line: int | None = None) -> Problem:
    return Problem(path, field, message, Severity.WARNING, rule, line)


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.is_error for p in problems)


class FeedtoolError(Exception):
    """Raised by the core when input problems stop the work.

    It carries every problem found, not only the first, so that one bad
    episode does not hide the others.
    """

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ProblemFound(Exception):
    """A single problem raised from deep inside a reader, caught by its caller."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


def ordered(problems: Iterable[Problem]) -> list[Problem]:
    """PROBLEMS in one fixed order, whatever order they were found in: a
    full build and an incremental one (patch.py) report them alike."""
    return sorted(problems, key=lambda p: (p.path, p.line or 0, p.field or "", p.rule, p.message, p.severity.value))
