"""A feed limited to the newest episodes, with the rest in archive feeds.

Apps download the whole feed on every refresh, and some give up on large
ones (podcast-standards.md §3: the W3C validator refuses more than 5,000,000
bytes, some clients 1–2 MB). With `feed_limit = N` in podcast.toml, the
feed holds the newest N episodes and every older episode is in exactly one
archive feed, `feed-archive-1.xml` (the oldest) … `feed-archive-K.xml`:

* RFC 5005 §4, archived feeds: the feed links its newest archive with
  `prev-archive`; each archive links the one before with `prev-archive`,
  the one after with `next-archive`, and the feed with `current`. The RFC
  asks that an archive document not change once published, so archives are
  counted from the oldest episode: a new episode changes the feed and the
  newest archive only, and an archive's URL always means the same episodes.
* RFC 5005 §3, paged feeds, which is what podcast apps follow: `first` is
  the feed, `next` the following (older) document, `previous` the one
  before, `last` the oldest archive. gPodder (podcastparser reads `first`
  and `next`) and AntennaPod (follows `next`) page through them;
  podcast-standards.md §3 finds no sign that Apple, Spotify or the Podcast
  Index do, so the feed itself holds the newest episodes and every tag
  Apple requires.

Each archive is a complete, valid feed with the show's channel. Archives are
`write.Deferred`: made only when their episodes or links changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from feedgen.ext.base import BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from feedtool.render import feed, urls
from feedtool.standards import FEED_SIZE_LIMIT
from feedtool.model import Episode, Show
from feedtool.problems import FeedtoolError, Problem, has_errors, warning
from feedtool.render import fingerprint
from feedtool.render.fingerprint import Content
from feedtool.standards import ATOM_NS

# The order the links are written in, after the self link.
REL_ORDER = ("first", "previous", "next", "last", "current", "prev-archive", "next-archive")


@dataclass(frozen=True)
class Page:
    name: str  # file name below public/
    episodes: tuple[Episode, ...]  # newest first
    links: tuple[tuple[str, str], ...] = ()  # (rel, href), in REL_ORDER

    def link(self, rel: str) -> str | None:
        return next((href for r, href in self.links if r == rel), None)


def archive_name(show: Show, number: int) -> str:
    stem, dot, suffix = show.feed_name.rpartition(".")
    return f"{stem}-archive-{number}{dot}{suffix}"


def ranges(count: int, limit: int | None) -> list[range]:
    """The positions (0 the newest) on each page of a series of COUNT items,
    LIMIT a page: the newest page first, then archive 1 (the oldest) … K.
    Archives are counted from the oldest item, so a new item changes the
    first page and the newest archive only; only the newest archive can be
    short."""
    if limit is None or count <= limit:
        return [range(count)]
    archives = -(-(count - limit) // limit)
    return [range(limit), *(range(max(limit, count - k * limit), count - (k - 1) * limit)
                            for k in range(1, archives + 1))]


@dataclass(frozen=True)
class Slot:
    """One document of the series, before any episode is read."""

    name: str
    positions: range  # newest first
    links: tuple[tuple[str, str], ...]


def layout(show: Show, count: int) -> list[Slot]:
    """The feed and its archives for COUNT episodes, the feed first."""
    spans = ranges(count, show.feed_limit)
    if len(spans) == 1:
        return [Slot(show.feed_name, spans[0], ())]
    archives = len(spans) - 1

    def url(number: int) -> str:  # 0 is the feed itself
        return show.feed_url if number == 0 else urls.url_for(show, archive_name(show, number))

    # The reading order of the paged series: feed, archive K, K-1, … 1.
    series = [0, *range(archives, 0, -1)]
    slots = []
    for position, number in enumerate(series):
        links: dict[str, str] = {"first": url(0)}
        if position > 0:
            links["previous"] = url(series[position - 1])
        if position + 1 < len(series):
            links["next"] = url(series[position + 1])
        links["last"] = url(1)
        if number == 0:
            links["prev-archive"] = url(archives)
        else:
            links["current"] = url(0)
            if number > 1:
                links["prev-archive"] = url(number - 1)
            if number < archives:
                links["next-archive"] = url(number + 1)
        name = show.feed_name if number == 0 else archive_name(show, number)
        slots.append(Slot(name, spans[number], tuple((rel, links[rel]) for rel in REL_ORDER if rel in links)))
    return slots


def split(show: Show, ordered: Sequence[Episode]) -> list[Page]:
    """The feed and its archives, the feed first. ORDERED is newest first."""
    return [Page(slot.name, tuple(ordered[i] for i in slot.positions), slot.links)
            for slot in layout(show, len(ordered))]


def size_advice(show: Show, problems: list[Problem], size: int) -> list[Problem]:
    """The checker's FEED-SIZE warning, said as what to change in the show:
    podcast.toml's feed_limit (the checker works on any feed and cannot)."""
    if not any(p.rule == "FEED-SIZE" for p in problems):
        return problems
    advice = warning(
        "podcast.toml", "feed_limit",
        f"{show.feed_name} is {size:,} bytes, over {FEED_SIZE_LIMIT:,}: the W3C validator refuses it and some apps give up "
        "sooner (every refresh downloads it all). Set feed_limit to keep only the newest episodes in it; "
        "the older ones move to archive feeds that gPodder and AntennaPod follow",
        rule="FEED-SIZE")
    return [advice if p.rule == "FEED-SIZE" else p for p in problems]


class _AtomLinks(BaseExtension):  # type: ignore[misc]
    """atom:link elements beside the self link, which is all feedgen writes
    into RSS (and whose last fg.link() call would become <link>)."""

    def __init__(self) -> None:
        self.links: tuple[tuple[str, str], ...] = ()

    def extend_ns(self) -> dict[str, str]:
        return {"atom": ATOM_NS}

    def extend_rss(self, rss_feed: object) -> object:
        channel = rss_feed[0]  # type: ignore[index]
        selfs = channel.findall(f"{{{ATOM_NS}}}link")
        at = channel.index(selfs[-1]) + 1 if selfs else 0
        for rel, href in self.links:
            element = xml_elem(f"{{{ATOM_NS}}}link", channel)
            element.attrib.update({"rel": rel, "href": href, "type": "application/rss+xml"})
            channel.remove(element)
            channel.insert(at, element)
            at += 1
        return rss_feed


def render(show: Show, page: Page, cover_url: str | None, links: Mapping[str, feed.EpisodeLinks],
           last_build: dt.datetime | None) -> bytes:
    """One document of the series; without paging links exactly feed.render."""
    page_links = feed.FeedLinks(
        feed=show.feed_url if page.name == show.feed_name else urls.url_for(show, page.name),
        cover=cover_url,
        episodes={ep.stem: links[ep.stem] for ep in page.episodes},
    )
    if not page.links:
        return feed.render(show, page.episodes, page_links, last_build)
    fg: FeedGenerator = feed.generator(show, page.episodes, page_links, last_build)
    fg.register_extension("paging", _AtomLinks, None)
    fg.paging.links = page.links
    data: bytes = fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    return data


# The build's check of a feed document (engine/validate.feed_rules): the
# feed's bytes, its name, the rules the model already reported → what it finds.
FeedCheck = Callable[[bytes, str, frozenset[str]], list[Problem]]


def archive(show: Show, page: Page, cover_url: str | None, links: Mapping[str, feed.EpisodeLinks],
            last_build: dt.datetime | None, check: FeedCheck, reported: frozenset[str] = frozenset()) -> Content:
    """An archive feed, made when written and checked like the feed (CHECK):
    an error stops the build before anything is renamed into public/.
    REPORTED are the rules of the model's problems, which the check leaves out."""
    own = {ep.stem: links[ep.stem] for ep in page.episodes}

    def make() -> bytes:
        data = render(show, page, cover_url, own, last_build)
        found = check(data, page.name, reported)
        # Warnings are reported for the feed itself, which apps read; its
        # archives hold the same channel and items made by the same code.
        if has_errors(found):
            raise FeedtoolError([p for p in found if p.is_error])
        return data

    # Its weight (write.Deferred): each episode is written and then read
    # back by the check.
    return fingerprint.deferred(make, "archive", show, page, cover_url, own, last_build,
                                weight=2 * len(page.episodes))
