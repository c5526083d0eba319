"""The show model → RSS 2.0 bytes, through feedgen.

feedgen 1.0 pitfalls handled here: it only writes itunes:explicit as
yes/no/clean while Apple requires true/false (so a small extension writes
it), it prepends entries unless told to append, it stamps lastBuildDate with
the clock, and the last fg.link() call becomes <link>.

Apps read <description> as HTML, so the show's and the episodes'
plain-text descriptions are HTML-escaped before they go in (`html_text`): a
quoted <script> then shows as text and never runs.

No itunes:summary (issue 15): Apple's RSS guide no longer lists it and reads
<description> instead, and `feedtool check` notes it as deprecated
(APL-DEPRECATED); every app that shows a summary reads <description>. The
show notes in content:encoded use only the tags Apple shows (apple_html.py).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import feedgen.feed  # noqa: F401  (feedgen.util needs lxml.etree imported first)
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from feedtool import __version__
from feedtool.render.apple_html import apple_notes
from feedtool.render import podcast20
from feedtool.model import Episode, Show, load
from feedtool.render.podcast20 import Transcript
from feedtool.standards import ITUNES_NS

# Apple's limit on <description> and itunes:summary, in bytes of the value an
# app decodes, which is the escaped text (check.py: APL-DESC-LEN).
DESCRIPTION_BYTES = 4000
ELLIPSIS = "…"


@dataclass(frozen=True)
class EpisodeLinks:
    """URLs of the files written beside the feed for one episode."""

    enclosure: str
    image: str | None = None
    page: str | None = None
    transcripts: tuple[Transcript, ...] = ()
    chapters: str | None = None
    alternates: tuple[podcast20.AlternateLink, ...] = ()


@dataclass(frozen=True)
class FeedLinks:
    feed: str
    cover: str | None
    episodes: Mapping[str, EpisodeLinks] = field(default_factory=dict)


class _Explicit(BaseExtension):  # type: ignore[misc]
    """Writes itunes:explicit as true/false, the values Apple's guide requires."""

    def __init__(self) -> None:
        self.value: bool | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"itunes": ITUNES_NS}

    def extend_rss(self, rss_feed: object) -> object:
        if self.value is not None:
            channel = rss_feed[0]  # type: ignore[index]
            xml_elem(f"{{{ITUNES_NS}}}explicit", channel).text = "true" if self.value else "false"
        return rss_feed


class _ExplicitEntry(BaseEntryExtension):  # type: ignore[misc]
    def __init__(self) -> None:
        self.value: bool | None = None

    def extend_rss(self, item: object) -> object:
        if self.value is not None:
            xml_elem(f"{{{ITUNES_NS}}}explicit", item).text = "true" if self.value else "false"
        return item


def duration_text(seconds: float) -> str:
    # Apple recommends whole seconds; fractions fail the W3C validator.
    return str(max(1, round(seconds)))


def _escape(text: str) -> str:
    """< and > always; & only when some & in TEXT would begin a character
    reference ("&amp;", "&#38;", "&copy"), which is the only way an HTML
    parser reads a bare & as anything but itself (HTML Standard, 13.2.5.72
    "Character reference state"). "AT&T" and "Q & A" stay as written, so
    apps that show the field as plain text (and directories that index it)
    see the same words."""
    amp = "&" in text and html.unescape(text) != text
    return html.escape(text, quote=False) if amp else text.replace("<", "&lt;").replace(">", "&gt;")


def html_text(text: str, limit: int = DESCRIPTION_BYTES) -> str:
    """Plain TEXT as HTML that shows it verbatim, at most LIMIT UTF-8 bytes.

    Only <, > and, where it could be read as a reference, & are escaped:
    quotes need no escaping outside attributes, and apps that show the
    field as plain text then differ only where the text had one of those.
    Escaping can lengthen a text that fitted, so a text over LIMIT is cut on
    a word boundary with an ellipsis, never inside an entity.
    """
    escaped = _escape(text)
    if len(escaped.encode("utf-8")) <= limit:
        return escaped
    return _escape(_cut(text, limit - len(ELLIPSIS.encode("utf-8")))) + ELLIPSIS


def _cut(text: str, budget: int) -> str:
    """The longest start of TEXT whose escaped form fits BUDGET bytes, ending
    at a space when one lies in its second half (text.py cuts the same way)."""
    size = end = 0
    for ch in text:
        size += len(html.escape(ch, quote=False).encode("utf-8"))
        if size > budget:
            break
        end += 1
    cut = text[:end]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space > end // 2:
        cut = cut[:space]
    return cut.rstrip(" \n,;:–—-")


def generator(show: Show, episodes: Sequence[Episode], links: FeedLinks,
              last_build: dt.datetime | None) -> FeedGenerator:
    """EPISODES must already be in feed order (newest first)."""
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension("explicit", _Explicit, _ExplicitEntry)
    # 'podcast' is feedgen's iTunes extension; the podcast: namespace is ours.
    fg.register_extension("podcast20", podcast20.Podcast20Extension, podcast20.Podcast20EntryExtension)
    fg.title(show.title)
    fg.description(html_text(show.description))
    # feedgen writes the last link() as <link>: self first, the website last.
    fg.link(href=links.feed, rel="self", type="application/rss+xml")
    fg.link(href=show.link, rel="alternate")
    fg.language(show.language)
    if show.copyright:
        fg.copyright(show.copyright)
    if last_build is not None:
        fg.lastBuildDate(last_build)
    else:
        # No episode and no SOURCE_DATE_EPOCH: leave the element out rather
        # than let feedgen stamp the clock (it has no public way to unset it).
        fg._FeedGenerator__rss_lastBuildDate = None
    fg.generator("feedtool", version=__version__, uri="https://pypi.org/project/feedtool/")
    if links.cover:
        fg.image(url=links.cover, title=show.title, link=show.link)
        fg.podcast.itunes_image(links.cover)
    fg.podcast.itunes_author(show.author)
    fg.podcast.itunes_owner(name=show.owner_name, email=show.owner_email)
    fg.podcast.itunes_category([{"cat": c.name, "sub": c.sub} for c in show.categories])
    fg.podcast.itunes_type(show.type)
    fg.explicit.value = show.explicit
    if show.new_feed_url:
        fg.podcast.itunes_new_feed_url(show.new_feed_url)
    # Only "Yes" has an effect (Apple's RSS requirements): nothing is written otherwise.
    if show.extra.get("block"):
        fg.podcast.itunes_block(True)
    if show.extra.get("complete"):
        fg.podcast.itunes_complete(True)
    add_podcast20(fg, show)

    for ep in episodes:
        add_entry(fg, show, ep, links.episodes[ep.stem])
    return fg


def add_entry(fg: FeedGenerator, show: Show, ep: Episode, links: EpisodeLinks) -> None:
    fe = fg.add_entry(order="append")
    fe.guid(ep.guid, permalink=False)
    fe.title(ep.title)
    fe.description(html_text(ep.summary))
    fe.content(apple_notes(load(ep.notes_html)), type="CDATA")
    fe.enclosure(links.enclosure, str(ep.audio.size), ep.audio.mime)
    fe.pubDate(ep.date)
    if ep.link or links.page:
        fe.link(href=ep.link or links.page)
    fe.podcast.itunes_duration(duration_text(ep.audio.duration))
    fe.podcast.itunes_episode_type(ep.episode_type)
    if ep.number is not None:
        fe.podcast.itunes_episode(ep.number)
    if ep.season is not None:
        fe.podcast.itunes_season(ep.season)
    if links.image:
        fe.podcast.itunes_image(links.image)
    fe.explicit.value = ep.explicit
    if ep.extra.get("block"):
        fe.podcast.itunes_block(True)
    add_podcast20_entry(fe, ep, links, show.extra.get("season_names", {}).get(ep.season))


def add_podcast20(fg: FeedGenerator, show: Show) -> None:
    """Channel-level podcast: tags from podcast.toml (Show.extra)."""
    p20, extra = fg.podcast20, show.extra
    if extra.get("guid"):
        p20.guid(extra["guid"])
    if "locked" in extra:
        p20.locked(extra["locked"], show.owner_email)
    if "medium" in extra:
        p20.medium(extra["medium"])
    if "license" in extra:
        p20.license(extra["license"])
    p20.funding(extra.get("funding", ()))
    p20.person(extra.get("person", ()))
    p20.location(extra.get("location", ()))
    p20.txt(extra.get("txt", ()))
    p20.trailer(extra.get("trailer", ()))
    p20.update_frequency(extra.get("update_frequency"))
    p20.podroll(extra.get("podroll", ()))
    p20.value(extra.get("value"))


def add_podcast20_entry(fe: object, ep: Episode, links: EpisodeLinks, season_name: str | None = None) -> None:
    """Item-level podcast: and psc: tags."""
    p20, extra = fe.podcast20, ep.extra  # type: ignore[attr-defined]
    if ep.season is not None:
        p20.season(ep.season, season_name)
    if ep.number is not None:
        p20.episode(ep.number)
    for t in links.transcripts:
        p20.transcript(t.url, t.type, t.language, t.rel)
    if links.chapters:
        p20.chapters(links.chapters)
    p20.psc_chapters(ep.chapters)
    p20.person(extra.get("person", ()))
    p20.soundbite(extra.get("soundbite", ()))
    p20.location(extra.get("location", ()))
    if "license" in extra:
        p20.license(extra["license"])
    p20.funding(extra.get("funding", ()))
    for alt in links.alternates:
        p20.alternate_enclosure(alt)


def render(show: Show, episodes: Sequence[Episode], links: FeedLinks, last_build: dt.datetime | None) -> bytes:
    fg = generator(show, episodes, links, last_build)
    data: bytes = fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    return data
