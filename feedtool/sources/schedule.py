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

The clock is an input: a build reused because "nothing changed" (memo.py)
must not keep a due episode out. memo_key() names the state of the
schedule (the earliest scheduled date not yet passed, from the last full
build's record in .feedtool-cache/schedule.json); the build mixes it into
the memo's digest, so the first build after that date is a full one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Iterable
from pathlib import Path

from feedtool.config import schema
from feedtool.model import Episode
from feedtool.problems import FeedtoolError, Problem

RECORD = ".feedtool-cache/schedule.json"


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


# --- The schedule as an input of the incremental build -----------------------------


def memo_key(dates: Iterable[dt.datetime], now: dt.datetime) -> str:
    """What the memo must see change when a scheduled episode falls due:
    the earliest of DATES still after NOW ("" when none). When that date
    passes, the key changes, so the next build is a full one."""
    later = [d for d in dates if d > now]
    return min(later).isoformat() if later else ""


def keyed(digest: str, key: str) -> str:
    """The memo's digest of the inputs with the schedule's KEY mixed in."""
    return digest if not key else hashlib.blake2b(f"{digest}\0schedule={key}".encode(), digest_size=20).hexdigest()


def recorded(root: Path) -> list[dt.datetime]:
    """The scheduled dates the last full build recorded (none when unreadable)."""
    try:
        data = json.loads((root / RECORD).read_text("utf-8"))
        return [dt.datetime.fromisoformat(d) for d in data["scheduled"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def remember(root: Path, held_back: Iterable[Episode]) -> None:
    """Record the scheduled dates of a full build (drafts have none), for memo_key."""
    folder = (root / RECORD).parent
    if not folder.is_dir():  # no read cache, so no memo to key either
        return
    dates = sorted({ep.date.isoformat() for ep in held_back if not ep.draft})
    data = (json.dumps({"scheduled": dates}) + "\n").encode()
    path = root / RECORD
    try:
        if path.exists() and path.read_bytes() == data:
            return
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        pass  # only a cache: the next build is then a full one at worst
