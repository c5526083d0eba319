"""A small declarative schema for TOML tables: each key is checked on its own
and every problem is collected, so a user fixes a file in one pass.

A converter takes the raw TOML value and returns the model value, or raises
ValueError with a message that says what was expected and what was found.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from urllib.parse import urlsplit
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from feedtool import safe_files
from feedtool.problems import Problem, ProblemFound, error, warning

Converter = Callable[[Any], Any]


@dataclass(frozen=True)
class Key:
    name: str
    convert: Converter
    required: bool = False
    doc: str = ""


def describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"{shown!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return f"the date {value.isoformat()}"
    return type(value).__name__


# --- converters -------------------------------------------------------------

# XML 1.0 allows tab, newline and carriage return, and nothing else below 0x20.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {describe(value)}")
    stripped = value.strip()
    if not stripped:
        raise ValueError("must not be empty")
    if _FORBIDDEN.search(stripped):
        raise ValueError("contains a control character that XML forbids; remove it")
    return stripped


# The invisible characters that reorder the text around them (Unicode's
# embeddings, overrides and isolates): "‮3pm.exe" shows as "exe.mp3". A
# title holding one shows in an app as other than it reads in the file.
DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def direction_controls(value: str) -> list[str]:
    """The direction controls in VALUE, as U+XXXX, in order of appearance."""
    return [f"U+{ord(c):04X}" for c in value if c in DIRECTION_CONTROLS]


def direction_warning(display: str, field: str, value: str, source: str = "") -> Problem | None:
    """A TEXT-BIDI warning when VALUE holds a direction control, else None."""
    found = direction_controls(value)
    if not found:
        return None
    return warning(display, field, f"holds {len(found)} invisible direction control(s) ({', '.join(found)}){source}, "
                   "which make apps show the text in another order than it is written; remove them",
                   rule="TEXT-BIDI")


def plain_text(value: Any) -> str:
    """A string that apps show as plain text: HTML tags there show up raw."""
    s = text(value)
    if re.search(r"</?[a-zA-Z][^>]*>", s):
        raise ValueError("must be plain text, without HTML tags")
    return s


def bounded(limit: int, convert: Converter = plain_text) -> Converter:
    def check(value: Any) -> Any:
        s = convert(value)
        if len(s) > limit:
            raise ValueError(f"is {len(s)} characters long; the limit is {limit}")
        return s
    return check


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {describe(value)}")
    return value


def positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, got {describe(value)}")
    if value < 1:
        raise ValueError(f"expected a number of 1 or more, got {value}")
    if value > MAX_INT:
        raise ValueError(f"expected a number up to {MAX_INT:,} (TOML's largest integer), got {value}")
    return int(value)


# TOML integers are 64-bit (tomllib reads larger ones; no other reader does).
MAX_INT = 2**63 - 1


def one_of(*choices: str) -> Converter:
    def check(value: Any) -> str:
        s = text(value)
        if s not in choices:
            hint = difflib.get_close_matches(s.lower(), choices, n=1)
            more = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise ValueError(f"expected one of {', '.join(choices)}, got {s!r}{more}")
        return s
    return check


_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$")


def url(value: Any) -> str:
    s = text(value)
    if not _URL.match(s):
        raise ValueError(f"expected an absolute http(s) URL, got {s!r}")
    return s


def base_url(value: Any) -> str:
    """A URL that every published URL starts with: a query, a fragment or
    credentials in it would end up inside them ('…/?utm_source=feed/media/
    x.mp3') or publish a password, so each is refused here, at the key."""
    s = url(value)
    parts = urlsplit(s)
    if parts.username is not None or parts.password is not None:
        raise ValueError("must not hold a user name or password (user:pass@): the feed would publish them")
    if parts.query or s.rstrip("/").endswith("?"):
        raise ValueError(f"must not have a query (?{parts.query}): every URL feedtool makes starts with base_url, "
                         "so the query would end up in the middle of them; put tracking on the links you share")
    if parts.fragment or "#" in s:
        raise ValueError(f"must not have a fragment (#{parts.fragment}): every URL feedtool makes starts with "
                         "base_url, and everything after # never reaches the server")
    return s if s.endswith("/") else s + "/"


_EMAIL = re.compile(r"^[^@\s<>()]+@[^@\s<>()]+\.[^@\s<>()]+$")


def email(value: Any) -> str:
    s = text(value)
    if not _EMAIL.match(s):
        raise ValueError(f"expected an email address, got {s!r}")
    return s


_LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")


def language(value: Any) -> str:
    s = text(value)
    if not _LANGUAGE.match(s):
        raise ValueError(f"expected an ISO 639 language code such as 'en' or 'en-us', got {s!r}")
    return s.lower()


def string_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ValueError(f"expected a list of strings, got {describe(value)}")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise ValueError(f"item {i + 1}: expected a non-empty string, got {describe(item)}")
        out.append(item.strip())
    return tuple(out)


def timestamp(value: Any) -> dt.datetime:
    """A date or date-time; naive values are taken as UTC so output never
    depends on the machine's time zone."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        moment = parse_date_string(value)
    else:
        raise ValueError(f"expected a date such as 2024-01-31 or 2024-01-31T09:00:00Z, got {describe(value)}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment


def parse_date_string(value: str) -> dt.datetime:
    s = value.strip()
    try:
        if len(s) == 4 and s.isdigit():
            return dt.datetime(int(s), 1, 1)
        return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        pass
    raise ValueError(f"expected an ISO 8601 date such as 2024-01-31 or 2024-01-31T09:00:00Z, got {value!r}")


# --- reading and checking ---------------------------------------------------

_TOML_LINE = re.compile(r"at line (\d+)")


def load_toml(path: Path, display: str, scope: safe_files.Scope | None = None) -> tuple[dict[str, Any], str]:
    """A TOML file's table and its text (to point at a key's line), read
    through the guarded door (inside SCOPE when given, a regular file)."""
    raw = safe_files.read_bytes(path, display, scope=scope)
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ProblemFound(error(display, None, "is not UTF-8 text (TOML files must be UTF-8)", line=line)) from exc
    return parse_toml(source, display), source


def parse_toml(source: str, display: str) -> dict[str, Any]:
    """SOURCE parsed, or ProblemFound naming DISPLAY and the line: never
    anything else, whatever the text (tests/test_safe_files.py fuzzes it)."""
    try:
        return tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_LINE.search(str(exc))
        line = int(match.group(1)) if match else None
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ProblemFound(error(display, None, f"TOML syntax error: {message}", line=line)) from exc
    except (RecursionError, ValueError, OverflowError) as exc:
        # Deeply nested arrays exhaust the parser's recursion; a date such
        # as 2024-02-30 is a ValueError from datetime in some versions.
        raise ProblemFound(error(display, None, f"cannot be read as TOML ({type(exc).__name__})")) from exc


def key_line(source: str, key: str) -> int | None:
    """The line where KEY is set, so an error can point at it."""
    leaf = key.split(".")[-1]
    # [ \t]*, not \s*: with re.M, \s* would start the match on a blank line above.
    pattern = re.compile(rf"^[ \t]*(\"?){re.escape(leaf)}\1[ \t]*=", re.M)
    match = pattern.search(source)
    if match is None:
        # A table or an array of tables: [location] or [[person]].
        match = re.search(rf"^[ \t]*\[\[?[ \t]*{re.escape(leaf)}[ \t]*\]", source, re.M)
    if match is None:
        return None
    return source.count("\n", 0, match.start()) + 1


def check_table(
    data: Mapping[str, Any],
    schema: Mapping[str, Key],
    display: str,
    source: str = "",
    prefix: str = "",
) -> tuple[dict[str, Any], list[Problem]]:
    """Convert every known key, report every unknown or bad one."""
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, raw in data.items():
        field = prefix + name
        key = schema.get(name)
        if key is None:
            hint = difflib.get_close_matches(name, list(schema), n=1, cutoff=0.6)
            more = f"; did you mean {hint[0]!r}?" if hint else f"; known keys: {', '.join(sorted(schema))}"
            problems.append(error(display, field, f"unknown key{more}", line=key_line(source, name)))
            continue
        try:
            values[name] = key.convert(raw)
        except ValueError as exc:
            problems.append(error(display, field, str(exc), line=key_line(source, name)))
    for name, key in schema.items():
        if key.required and name not in data:
            problems.append(error(display, prefix + name, f"is required ({key.doc})" if key.doc else "is required"))
    return values, problems
