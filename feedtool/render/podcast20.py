"""The Podcasting 2.0 namespace (podcast:) and Podlove Simple Chapters
(psc:) as a feedgen extension, in feedgen's own shape: a feed-level class
that declares the namespaces and writes channel tags, and an entry-level
class that writes item tags. Registered as 'podcast20' (feedgen's iTunes
extension already holds the key 'podcast').

Tag names and attributes follow the namespace's tag pages
(https://github.com/Podcastindex-org/podcast-namespace, docs/tags/*.md).
The prefix is always the literal `podcast:`, because partytime (the Podcast
Index parser) matches prefixes, not namespace URIs.
"""

from __future__ import annotations

import email.utils
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import feedgen.feed  # noqa: F401  (feedgen.util needs lxml.etree imported first)
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.util import xml_elem

from feedtool.model import (Chapter, Funding, License, Location, Person, RemoteItem, Soundbite, Trailer, Txt,
                            UpdateFrequency, Value)
from feedtool.standards import PODCAST_NS, PSC_NS, npt

# P20 docs/tags/guid.md: podcast:guid is a UUIDv5 of the feed URL under this namespace.
GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
CHAPTERS_TYPE = "application/json+chapters"


def derive_guid(feed_url: str) -> str:
    """podcast:guid for FEED_URL: the URL without its scheme and without
    trailing slashes, as UUIDv5 under GUID_NAMESPACE (P20 docs/tags/guid.md)."""
    seed = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://", "", feed_url.strip()).rstrip("/")
    return str(uuid.uuid5(GUID_NAMESPACE, seed))


def number(value: float) -> str:
    """A decimal without float noise: 12.5 → '12.5', 30.0 → '30'."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text or "0"


def _p(name: str) -> str:
    return f"{{{PODCAST_NS}}}{name}"


def _set(el: object, **attrs: str | None) -> None:
    """Set the attributes that have a value, in the order given."""
    for key, value in attrs.items():
        if value is not None:
            el.set(key, value)  # type: ignore[attr-defined]


def _person(parent: object, p: Person) -> None:
    el = xml_elem(_p("person"), parent)
    _set(el, role=p.role, group=p.group, img=p.img, href=p.href)
    el.text = p.name


def _location(parent: object, loc: Location) -> None:
    el = xml_elem(_p("location"), parent)
    _set(el, rel=loc.rel, geo=loc.geo, osm=loc.osm, country=loc.country)
    el.text = loc.name


def _license(parent: object, lic: License) -> None:
    el = xml_elem(_p("license"), parent)
    _set(el, url=lic.url)
    el.text = lic.identifier


def _funding(parent: object, f: Funding) -> None:
    el = xml_elem(_p("funding"), parent)
    el.set("url", f.url)
    el.text = f.text


class Podcast20Extension(BaseExtension):  # type: ignore[misc]
    """Channel-level podcast: tags."""

    def __init__(self) -> None:
        self._guid: str | None = None
        self._locked: tuple[bool, str | None] | None = None
        self._funding: list[Funding] = []
        self._person: list[Person] = []
        self._medium: str | None = None
        self._txt: list[Txt] = []
        self._license: License | None = None
        self._location: list[Location] = []
        self._trailer: list[Trailer] = []
        self._update_frequency: UpdateFrequency | None = None
        self._podroll: list[RemoteItem] = []
        self._value: Value | None = None

    def update_frequency(self, value: UpdateFrequency | None) -> UpdateFrequency | None:
        self._update_frequency = value
        return value

    def podroll(self, items: Iterable[RemoteItem]) -> list[RemoteItem]:
        self._podroll = list(items)
        return self._podroll

    def value(self, value: Value | None) -> Value | None:
        self._value = value
        return value

    def extend_ns(self) -> dict[str, str]:
        # Only feed-level extensions declare namespaces in feedgen, so psc:
        # (written by the entry class) is declared here too.
        return {"podcast": PODCAST_NS, "psc": PSC_NS}

    # setters, feedgen-style: each returns what is set

    def guid(self, value: str) -> str:
        self._guid = value
        return value

    def locked(self, value: bool, owner: str | None = None) -> tuple[bool, str | None]:
        self._locked = (value, owner)
        return self._locked

    def funding(self, items: Iterable[Funding]) -> list[Funding]:
        self._funding = list(items)
        return self._funding

    def person(self, items: Iterable[Person]) -> list[Person]:
        self._person = list(items)
        return self._person

    def medium(self, value: str) -> str:
        self._medium = value
        return value

    def txt(self, items: Iterable[Txt]) -> list[Txt]:
        self._txt = list(items)
        return self._txt

    def license(self, value: License) -> License:
        self._license = value
        return value

    def location(self, items: Iterable[Location]) -> list[Location]:
        self._location = list(items)
        return self._location

    def trailer(self, items: Iterable[Trailer]) -> list[Trailer]:
        self._trailer = list(items)
        return self._trailer

    def extend_rss(self, rss_feed: object) -> object:
        channel = rss_feed[0]  # type: ignore[index]
        if self._guid:
            xml_elem(_p("guid"), channel).text = self._guid
        if self._locked is not None:
            value, owner = self._locked
            el = xml_elem(_p("locked"), channel)
            _set(el, owner=owner)
            el.text = "yes" if value else "no"
        if self._medium:
            xml_elem(_p("medium"), channel).text = self._medium
        if self._license is not None:
            _license(channel, self._license)
        for f in self._funding:
            _funding(channel, f)
        for p in self._person:
            _person(channel, p)
        for loc in self._location:
            _location(channel, loc)
        for t in self._txt:
            el = xml_elem(_p("txt"), channel)
            _set(el, purpose=t.purpose)
            el.text = t.text
        for tr in self._trailer:
            el = xml_elem(_p("trailer"), channel)
            _set(el, url=tr.url, pubdate=email.utils.format_datetime(tr.pubdate),
                 length=None if tr.length is None else str(tr.length), type=tr.type,
                 season=None if tr.season is None else str(tr.season))
            el.text = tr.title
        if self._update_frequency is not None:
            uf = self._update_frequency
            el = xml_elem(_p("updateFrequency"), channel)
            _set(el, complete="true" if uf.complete else None, rrule=uf.rrule,
                 dtstart=None if uf.dtstart is None else uf.dtstart.isoformat().replace("+00:00", "Z"))
            el.text = uf.text
        if self._podroll:
            box = xml_elem(_p("podroll"), channel)
            for item in self._podroll:
                _set(xml_elem(_p("remoteItem"), box), feedGuid=item.feed_guid, feedUrl=item.feed_url,
                     title=item.title, medium=item.medium)
        if self._value is not None:
            v = self._value
            box = xml_elem(_p("value"), channel)
            _set(box, type=v.type, method=v.method, suggested=v.suggested)
            for r in v.recipients:
                _set(xml_elem(_p("valueRecipient"), box), name=r.name, type=r.type, address=r.address,
                     split=str(r.split), customKey=r.custom_key, customValue=r.custom_value,
                     fee="true" if r.fee else None)
        return rss_feed


@dataclass(frozen=True)
class Transcript:
    """One podcast:transcript file of an episode."""

    url: str
    type: str
    language: str | None = None
    rel: str | None = None


@dataclass(frozen=True)
class AlternateLink:
    """One podcast:alternateEnclosure with its single podcast:source."""

    url: str
    type: str
    length: int | None = None
    bitrate: int | None = None
    title: str | None = None
    default: bool = False
    integrity: str | None = None  # an SRI value: sha384-…


class Podcast20EntryExtension(BaseEntryExtension):  # type: ignore[misc]
    """Item-level podcast: tags and psc:chapters."""

    def __init__(self) -> None:
        self._season: int | None = None
        self._season_name: str | None = None
        self._episode: int | None = None
        self._transcripts: list[Transcript] = []
        self._chapters: str | None = None
        self._person: list[Person] = []
        self._soundbite: list[Soundbite] = []
        self._location: list[Location] = []
        self._license: License | None = None
        self._funding: list[Funding] = []
        self._alternates: list[AlternateLink] = []
        self._psc: list[Chapter] = []

    def season(self, value: int, name: str | None = None) -> int:
        self._season = value
        self._season_name = name
        return value

    def episode(self, value: int) -> int:
        self._episode = value
        return value

    def transcript(self, url: str, type: str, language: str | None = None, rel: str | None = None) -> None:
        """Add one podcast:transcript (the tag repeats, one per file)."""
        self._transcripts.append(Transcript(url, type, language, rel))

    def chapters(self, url: str) -> str:
        self._chapters = url
        return url

    def person(self, items: Iterable[Person]) -> list[Person]:
        self._person = list(items)
        return self._person

    def soundbite(self, items: Iterable[Soundbite]) -> list[Soundbite]:
        self._soundbite = list(items)
        return self._soundbite

    def location(self, items: Iterable[Location]) -> list[Location]:
        self._location = list(items)
        return self._location

    def license(self, value: License) -> License:
        self._license = value
        return value

    def funding(self, items: Iterable[Funding]) -> list[Funding]:
        self._funding = list(items)
        return self._funding

    def alternate_enclosure(self, link: AlternateLink) -> None:
        self._alternates.append(link)

    def psc_chapters(self, items: Iterable[Chapter]) -> list[Chapter]:
        self._psc = list(items)
        return self._psc

    def extend_rss(self, item: object) -> object:
        if self._season is not None:
            el = xml_elem(_p("season"), item)
            _set(el, name=self._season_name)
            el.text = str(self._season)
        if self._episode is not None:
            xml_elem(_p("episode"), item).text = str(self._episode)
        for t in self._transcripts:
            el = xml_elem(_p("transcript"), item)
            _set(el, url=t.url, type=t.type, language=t.language, rel=t.rel)
        if self._chapters:
            el = xml_elem(_p("chapters"), item)
            _set(el, url=self._chapters, type=CHAPTERS_TYPE)
        for sb in self._soundbite:
            el = xml_elem(_p("soundbite"), item)
            _set(el, startTime=number(sb.start), duration=number(sb.duration))
            el.text = sb.title
        for p in self._person:
            _person(item, p)
        for loc in self._location:
            _location(item, loc)
        if self._license is not None:
            _license(item, self._license)
        for f in self._funding:
            _funding(item, f)
        for alt in self._alternates:
            el = xml_elem(_p("alternateEnclosure"), item)
            _set(el, type=alt.type, length=None if alt.length is None else str(alt.length),
                 bitrate=None if alt.bitrate is None else str(alt.bitrate), title=alt.title,
                 default="true" if alt.default else None)
            xml_elem(_p("source"), el).set("uri", alt.url)
            if alt.integrity:
                _set(xml_elem(_p("integrity"), el), type="sri", value=alt.integrity)
        if self._psc:
            # Podlove Simple Chapters 1.2 (https://podlove.org/simple-chapters/).
            box = xml_elem(f"{{{PSC_NS}}}chapters", item)
            box.set("version", "1.2")
            for ch in self._psc:
                el = xml_elem(f"{{{PSC_NS}}}chapter", box)
                _set(el, start=npt(ch.start), title=ch.title, href=ch.url, image=ch.image)
        return item
