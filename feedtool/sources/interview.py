"""An episode's interview text as a file of the show: which reader a file
takes, the story marked by hand in STEM.toml, and the reader's doubts as the
build's warnings."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from feedtool.sources import text as text_mod
from feedtool.model import TextInfo
from feedtool.problems import Problem, ProblemFound, error, warning

# A copied page (.txt), an author's own Markdown (.md), a page saved from
# the browser (.html, .htm).
TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm")
# The STEM.toml keys that change how the text is read.
HATCHES = ("text_start", "text_end", "transcript")


def parse(content: str, suffix: str, patterns: Sequence[str], *, language: str | None = None,
          **hatches: Any) -> TextInfo:
    """Read CONTENT with the reader its file's SUFFIX calls for; LANGUAGE is
    the show's (podcast.toml), which the reader prefers when the text's own
    words allow it."""
    suffix = suffix.lower()
    return text_mod.parse_text(content, extra_patterns=patterns, markdown=suffix == ".md",
                               html=suffix in (".html", ".htm"), language=language, **hatches)


def doubts(text: TextInfo, display: str) -> list[Problem]:
    """What the reader was unsure of, as warnings on the text's file."""
    return [warning(display, None, d.message, rule=d.rule, line=d.line) for d in text.doubts]


def reread(
    text: TextInfo,
    path: Path,
    display: str,
    patterns: Sequence[str],
    meta: Mapping[str, Any],
    meta_display: str,
    read_file: Callable[[Path, str], tuple[str, list[Problem]]],
    language: str | None = None,
) -> tuple[TextInfo | None, list[Problem]]:
    """TEXT as STEM.toml has it read: a transcript or not, and the story
    between text_start and text_end.

    Only the few episodes that mark their story pay for a second reading,
    and the read cache keeps the plain reading, which does not depend on
    STEM.toml.
    """
    if meta.get("transcript") is not None and meta["transcript"] != text.is_transcript:
        text = replace(text, is_transcript=meta["transcript"])
    hatches = {k: meta[k] for k in ("text_start", "text_end") if meta.get(k) is not None}
    if not hatches:
        return text, doubts(text, display)
    try:
        content, _ = read_file(path, display)
        again = parse(content, path.suffix, patterns, language=language, transcript=text.is_transcript, **hatches)
    except ProblemFound as exc:
        return None, [exc.problem]
    except ValueError as exc:
        field, _, message = str(exc).partition(": ")
        return None, [error(meta_display, field, message)]
    return again, doubts(again, display)
