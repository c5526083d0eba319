"""The episodes' own files, checked when podcast.toml cannot be read.

A build stops at a broken podcast.toml, since every episode is read against
the show (its base URL, language, patterns). But the mistakes in the
episodes' files that need no show (a STEM.toml's unknown key or bad value,
a link out of the show folder, a special file) are found all the same, so
that one run reports every problem (issue 15), not one file's at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from feedtool import safe_files
from feedtool.config.load import SHOW_FILE, load_episode_meta
from feedtool.problems import Problem
from feedtool.sources.episodes import discover, rel


def episode_file_problems(show_root: Path, allowed: Sequence[Path] = ()) -> list[Problem]:
    """Every problem of episodes/ that needs no Show; nothing when the folder
    has no podcast.toml at all (it is then no show, and its episodes are not ours to judge)."""
    if not (show_root / SHOW_FILE).is_file():
        return []
    scope = safe_files.Scope.of(show_root, allowed)
    groups, problems = discover(show_root, scope)
    for group in groups:
        if group.meta is not None:
            _, found = load_episode_meta(group.meta, rel(show_root, group.meta), scope)
            problems += found
    return problems
