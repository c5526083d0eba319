"""Scheduled publishing: which episodes a build leaves out, and when.

An episode is held back from the feed, the archives, the site and the
sitemap when its STEM.toml says `draft = true` (whatever its date), or when
its date lies after the build's "now" (scheduled). "Now" is `--now`, else
SOURCE_DATE_EPOCH (the reproducible-builds convention,
https://reproducible-builds.org/specs/source-date-epoch/), else the clock:
the same inputs and the same "now" give the same bytes.

GUIDs: a held-back episode is given no GUID and nothing is written for it
in episodes/feedtool.lock. Its GUID is made (or taken from its `guid` key)
by the first build that publishes it, so an episode renamed, re-dated or
re-recorded before it goes out never leaves a GUID behind that no app has
seen, and a GUID is never reused. An episode published once and then made a
draft (or re-dated into the future) keeps its lock entry untouched: when it
comes back it comes back with the GUID apps know.

The clock is an input: a build reused because "nothing changed" must not
keep a due episode out. The record of the last build (engine/memo.py) is
valid only until the earliest scheduled date, as it is until the earliest
future date of a published episode: the first build after it is a full one.
"""

from __future__ import annotations

import datetime as dt
import os
import time

from feedtool.config import schema
from feedtool.model import Episode
from feedtool.problems import FeedtoolError, Problem



def source_date_epoch() -> dt.datetime | None:
    """SOURCE_DATE_EPOCH, the reproducible-builds convention for a fixed clock."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return None
    try:
        return dt.datetime.fromtimestamp(int(raw), dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise FeedtoolError([Problem("SOURCE_DATE_EPOCH", None,
                                     f"expected a Unix timestamp in whole seconds, got {raw!r}")]) from None


def parse_now(raw: str) -> dt.datetime:
    """`--now 2025-03-01` or `--now 2025-03-01T09:00:00Z` (naive is UTC); ValueError when not a date."""
    return schema.timestamp(raw)


def build_now(given: dt.datetime | None = None) -> dt.datetime:
    """The moment a build publishes as of: GIVEN (`--now`), else SOURCE_DATE_EPOCH, else the clock."""
    if given is not None:
        return given if given.tzinfo else given.replace(tzinfo=dt.timezone.utc)
    return source_date_epoch() or dt.datetime.fromtimestamp(time.time(), dt.timezone.utc)


def held(ep: Episode, now: dt.datetime) -> str | None:
    """'draft', 'scheduled' or None (published)."""
    if ep.draft:
        return "draft"
    if ep.date > now:
        return "scheduled"
    return None
