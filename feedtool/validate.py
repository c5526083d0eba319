"""Rules over the whole show model and over any feed. Functions here return
problems; they never raise for a user's mistake."""

from __future__ import annotations

from collections.abc import Sequence

from feedtool.model import Episode, Show
from feedtool.problems import Problem


def show_rules(show: Show, episodes: Sequence[Episode]) -> list[Problem]:
    return []


def feed_rules(data: bytes) -> list[Problem]:
    return []
