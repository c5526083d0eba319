"""A show's own chrome patterns (`patterns` in podcast.toml): regular
expressions checked when the config is loaded and used by the text reader
(sources/chrome.py)."""

from __future__ import annotations

import re
from collections.abc import Sequence


def compile_patterns(patterns: Sequence[str]) -> list[re.Pattern[str]]:
    """Compile chrome patterns, case-insensitively.

    Raises ValueError naming the bad pattern and what is wrong with it, so
    that config.py can report it against podcast.toml.  A pattern that
    matches the empty string (``""``, ``".*"``) is refused too: it would match
    every line and silently empty the text.
    """
    compiled: list[re.Pattern[str]] = []
    for pattern in patterns:
        if not isinstance(pattern, str):
            raise ValueError(f"pattern {pattern!r}: expected a string")
        try:
            rx = re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            raise ValueError(f"pattern {pattern!r}: {exc}") from exc
        if rx.fullmatch(""):
            raise ValueError(f"pattern {pattern!r}: matches an empty line, so it would match every line")
        compiled.append(rx)
    return compiled

