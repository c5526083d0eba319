"""`feedtool import FEED [SHOW]`: a show folder made from an existing feed.

A podcaster leaving another host needs three things kept exactly, or every
app downloads the whole back catalogue again or loses episodes: each item's
GUID (verbatim, spaces and all), its enclosure URL and its date. So the
channel becomes podcast.toml and each item one STEM.toml that records the
GUID as written, the date, the enclosure's URL, length and type as remote
audio (sources/remote.py), and the old notes, chapters and transcript links;
the first build then publishes the same items under the same identities.
With `--download` the audio is fetched into the show instead (with resume),
and the enclosures move to the new host: the GUIDs still hold them together.

The feed is read with lxml, not feedparser: feedparser strips and rewrites
values (GUID whitespace, dates) that must be kept as they were.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import tomli_w
from lxml import etree

from feedtool.authoring import net
from feedtool.authoring.add import slugify
from feedtool.config import load as config
from feedtool.config import podcast20 as p20
from feedtool.problems import Problem, error, warning
from feedtool.sources import remote
from feedtool.sources.audio import SUPPORTED

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
PODCAST_OLD = "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
GOOGLEPLAY = "http://www.google.com/schemas/play-podcasts/1.0"

# Types hosts write that are no MIME type of their own: the one they mean.
TYPE_ALIASES = {
    "audio/mp3": "audio/mpeg", "audio/x-mp3": "audio/mpeg", "audio/mpeg3": "audio/mpeg",
    "audio/x-mpeg": "audio/mpeg", "audio/mpg": "audio/mpeg", "audio/m4a": "audio/x-m4a",
    "audio/x-mp4": "audio/mp4", "audio/x-aac": "audio/aac", "audio/aacp": "audio/aac",
    "audio/x-flac": "audio/flac", "video/x-m4v": "video/mp4", "audio/vorbis": "audio/ogg",
}
COVER_LIMIT = 20 * 1024 * 1024


class ImportError_(Exception):
    """The feed cannot be imported at all (not a feed, not reachable)."""


@dataclass
class Item:
    stem: str
    meta: dict[str, Any]
    audio_url: str
    old: dict[str, str]  # guid, enclosure, length, pubDate as the old feed had them


@dataclass
class Imported:
    show: dict[str, Any]
    cover_url: str | None
    items: list[Item]
    feed_url: str | None  # the old feed's own URL, when known
    problems: list[Problem] = field(default_factory=list)


def _ns(el: Any, ns: str, name: str) -> Any:
    found = el.find(f"{{{ns}}}{name}")
    if found is None and ns == PODCAST:
        found = el.find(f"{{{PODCAST_OLD}}}{name}")
    return found


def _text(el: Any) -> str:
    return "" if el is None or el.text is None else el.text


def _clean(value: str) -> str:
    return " ".join(value.split())


def _plain(html: str) -> str:
    """HTML (or text) as plain text, for fields that are text."""
    if "<" not in html and "&" not in html:
        return html.strip()
    try:
        from lxml import html as lxml_html

        return _clean(lxml_html.fromstring(f"<div>{html}</div>").text_content())
    except (etree.ParserError, ValueError):
        return _clean(re.sub(r"<[^>]+>", " ", html))


def _yes(value: str) -> bool | None:
    v = value.strip().lower()
    if v in ("yes", "true", "explicit"):
        return True
    if v in ("no", "false", "clean", "not explicit"):
        return False
    return None


def _int(value: str) -> int | None:
    v = value.strip()
    return int(v) if v.isdigit() and int(v) > 0 else None


def duration_seconds(value: str) -> float | None:
    """itunes:duration as hosts write it: seconds, 'MM:SS' or 'HH:MM:SS'."""
    v = value.strip()
    if not v:
        return None
    try:
        parts = [float(p) for p in v.split(":")]
    except ValueError:
        return None
    if len(parts) > 3 or any(p < 0 for p in parts):
        return None
    seconds = 0.0
    for p in parts:
        seconds = seconds * 60 + p
    return seconds


def parse_date(value: str) -> dt.datetime | None:
    """An RSS date (RFC 822, as hosts write it), or ISO 8601 as some do."""
    v = value.strip()
    if not v:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(v)
    except (TypeError, ValueError, IndexError):
        try:
            moment = dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
        except ValueError:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def audio_type(raw: str, url: str) -> str | None:
    t = TYPE_ALIASES.get(raw.strip().lower(), raw.strip().lower())
    if t in remote.FORMATS:
        return t
    suffix = "." + urlsplit(url).path.rsplit(".", 1)[-1].lower() if "." in urlsplit(url).path else ""
    return SUPPORTED.get(suffix)


def _categories(channel: Any) -> list[str]:
    known = config.apple_categories()
    lower = {name.lower(): name for name in known}
    out: list[str] = []
    for cat in channel.findall(f"{{{ITUNES}}}category"):
        top = lower.get(cat.get("text", "").strip().lower())
        if top is None:
            continue
        sub_el = cat.find(f"{{{ITUNES}}}category")
        subs = {s.lower(): s for s in known[top]}
        sub = subs.get(sub_el.get("text", "").strip().lower()) if sub_el is not None else None
        value = f"{top} > {sub}" if sub else top
        if value not in out:
            out.append(value)
    return out


def _email(text: str) -> str | None:
    match = re.search(r"[^@\s<>()]+@[^@\s<>()]+\.[^@\s<>()]+", text)
    return match.group(0) if match else None


def _persons(parent: Any, problems: list[Problem], where: str) -> list[dict[str, str]]:
    """podcast:person tags as [[person]] tables; one feedtool would refuse
    (a role outside the Podcast Taxonomy, an http image) is left out, with a warning."""
    out = []
    for el in parent.findall(f"{{{PODCAST}}}person") + parent.findall(f"{{{PODCAST_OLD}}}person"):
        entry = {"name": _clean(_text(el))}
        for attr in ("role", "group", "img", "href"):
            if el.get(attr):
                entry[attr] = el.get(attr).strip()
        try:
            p20.person(entry)
        except ValueError as exc:
            problems.append(warning(where, "person", f"podcast:person {entry['name']!r} left out: {exc}"))
            continue
        out.append(entry)
    return out


def parse(data: bytes, source: str, base_url: str | None = None) -> Imported:
    """The show and items of an RSS 2.0 podcast feed."""
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True,
                                                      recover=False))
    except etree.XMLSyntaxError as exc:
        raise ImportError_(f"{source}: not a feed: the XML cannot be read ({exc})") from None
    channel = root.find("channel") if root.tag == "rss" else None
    if channel is None:
        raise ImportError_(f"{source}: not an RSS 2.0 feed (the root element is <{etree.QName(root).localname}>)")
    problems: list[Problem] = []
    title = _clean(_text(channel.find("title"))) or "Imported show"
    description = _plain(_text(_ns(channel, ITUNES, "summary")) or _text(channel.find("description"))) or title
    owner = _ns(channel, ITUNES, "owner")
    author = (_clean(_text(_ns(channel, ITUNES, "author"))) or _clean(_text(owner.find(f"{{{ITUNES}}}name")
              if owner is not None else None)) or title)
    owner_email = (_clean(_text(owner.find(f"{{{ITUNES}}}email"))) if owner is not None else "") or \
        _email(_text(channel.find("managingEditor"))) or _email(_text(channel.find("webMaster")))
    if not owner_email:
        owner_email = "owner@example.com"
        problems.append(warning("podcast.toml", "owner_email", "the feed names no owner email; "
                                "set yours (Apple and the directories write to it)"))
    link = _clean(_text(channel.find("link")))
    self_link = next((a.get("href") for a in channel.findall("{http://www.w3.org/2005/Atom}link")
                      if a.get("rel") == "self" and a.get("href")), None)
    feed_url = source if source.startswith(("http://", "https://")) else self_link
    show: dict[str, Any] = {"title": title[:255], "description": description[:4000],
                            "base_url": base_url or "https://example.com/podcast/"}
    if base_url is None:
        problems.append(warning("podcast.toml", "base_url", "set it to where the new feed will be served "
                                "(`feedtool import FEED SHOW --base-url URL` does it)"))
    language = _clean(_text(channel.find("language"))).lower() or "en"
    show["language"] = language if re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})*", language) else "en"
    show["author"] = author[:255]
    owner_name = _clean(_text(owner.find(f"{{{ITUNES}}}name"))) if owner is not None else ""
    if owner_name and owner_name != author:
        show["owner_name"] = owner_name[:255]
    show["owner_email"] = owner_email
    show["image"] = "cover.jpg"  # renamed to the real type when fetched
    categories = _categories(channel)
    if not categories:
        categories = ["Society & Culture"]
        problems.append(warning("podcast.toml", "categories", "the feed has no Apple category feedtool knows; "
                                "set to 'Society & Culture': choose yours"))
    show["categories"] = categories
    explicit = _yes(_text(_ns(channel, ITUNES, "explicit")))
    if explicit:
        show["explicit"] = True
    kind = _clean(_text(_ns(channel, ITUNES, "type"))).lower()
    if kind in ("episodic", "serial"):
        show["type"] = kind
    copyright_ = _clean(_text(channel.find("copyright")))
    if copyright_:
        show["copyright"] = copyright_[:255]
    if link.startswith(("http://", "https://")):
        show["link"] = link
    podcast_guid = _clean(_text(_ns(channel, PODCAST, "guid")))
    if podcast_guid:
        show["guid"] = podcast_guid  # the show's identity at the Podcast Index moves with it
    funding = [{"url": f.get("url"), "text": _clean(_text(f))[:128] or "Support the show"}
               for f in channel.findall(f"{{{PODCAST}}}funding") if (f.get("url") or "").startswith("https://")]
    if funding:
        show["funding"] = funding
    persons = _persons(channel, problems, "podcast.toml")
    if persons:
        show["person"] = persons
    image_el = _ns(channel, ITUNES, "image")
    cover_url = image_el.get("href") if image_el is not None else None
    cover_url = cover_url or _text(channel.find("image/url")).strip() or None

    items = []
    taken: set[str] = set()
    for n, item in enumerate(channel.findall("item"), 1):
        parsed = _item(item, n, taken, problems)
        if parsed is not None:
            items.append(parsed)
    return Imported(show, cover_url, items, feed_url, problems)


def _item(item: Any, n: int, taken: set[str], problems: list[Problem]) -> Item | None:
    title = _clean(_text(item.find("title"))) or f"Episode {n}"
    where = f"item {n} ({title[:40]})"
    enclosure = item.find("enclosure")
    if enclosure is None or not enclosure.get("url"):
        problems.append(warning(where, "enclosure", "has no enclosure (no audio): not imported"))
        return None
    url = enclosure.get("url").strip()
    guid_el = item.find("guid")
    guid = guid_el.text if guid_el is not None and guid_el.text and guid_el.text.strip() else None
    if guid is None:
        # Apps that meet an item with no GUID know it by its enclosure URL.
        guid = url
        problems.append(warning(where, "guid", "has no GUID; its enclosure URL becomes its GUID, as apps used it"))
    date = parse_date(_text(item.find("pubDate")))
    if date is None:
        problems.append(warning(where, "pubDate", "has no date that can be read: not imported"))
        return None
    mime = audio_type(enclosure.get("type") or "", url)
    if mime is None:
        problems.append(warning(where, "enclosure", f"type {enclosure.get('type')!r} is not an audio or video "
                                "type feedtool publishes: not imported"))
        return None
    raw_length = (enclosure.get("length") or "").strip()
    length = int(raw_length) if raw_length.isdigit() else 0
    duration = duration_seconds(_text(_ns(item, ITUNES, "duration")))
    meta: dict[str, Any] = {"title": title[:255], "date": date, "guid": guid}
    season = _int(_text(_ns(item, ITUNES, "season")) or _text(_ns(item, PODCAST, "season")))
    number = _int(_text(_ns(item, ITUNES, "episode")) or _text(_ns(item, PODCAST, "episode")))
    if season:
        meta["season"] = season
    if number:
        meta["episode"] = number
    episode_type = _clean(_text(_ns(item, ITUNES, "episodeType"))).lower()
    if episode_type in ("full", "trailer", "bonus"):
        meta["episode_type"] = episode_type
    explicit = _yes(_text(_ns(item, ITUNES, "explicit")))
    if explicit is not None:
        meta["explicit"] = explicit
    link = _clean(_text(item.find("link")))
    if link.startswith(("http://", "https://")):
        meta["link"] = link
    notes = _text(item.find(f"{{{CONTENT}}}encoded")) or _text(item.find("description")) or \
        _text(_ns(item, ITUNES, "summary"))
    summary = _plain(_text(_ns(item, ITUNES, "summary")) or _text(_ns(item, ITUNES, "subtitle"))
                     or _text(item.find("description")))
    if summary:
        meta["summary"] = summary[:4000]
    if notes.strip():
        import nh3

        cleaned = nh3.clean(notes.strip())
        if cleaned.strip():
            meta["show_notes"] = cleaned
    persons = _persons(item, problems, where)
    if persons:
        meta["person"] = persons
    chapters = _ns(item, PODCAST, "chapters")
    if chapters is not None and (chapters.get("url") or "").startswith(("http://", "https://")):
        meta["chapters_url"] = chapters.get("url")
    transcripts = []
    for t in item.findall(f"{{{PODCAST}}}transcript") + item.findall(f"{{{PODCAST_OLD}}}transcript"):
        kind = (t.get("type") or "").strip().lower()
        if (t.get("url") or "").startswith(("http://", "https://")) and kind in p20.TRANSCRIPT_TYPES:
            entry = {"url": t.get("url"), "type": kind}
            if t.get("language"):
                entry["language"] = t.get("language").strip().lower()
            if t.get("rel") == "captions":
                entry["rel"] = "captions"
            transcripts.append(entry)
    if transcripts:
        meta["transcript_urls"] = transcripts
    meta.update({"audio_url": url, "audio_length": length, "audio_type": mime,
                 "duration": round(duration, 3) if duration is not None else 0})
    if duration is None:
        problems.append(warning(where, "duration", "has no itunes:duration; set duration in its STEM.toml"))
    stem = f"{date:%Y-%m-%d}-{slugify(title) or 'episode'}"
    base, k = stem, 1
    while stem in taken:
        k += 1
        stem = f"{base}-{k}"
    taken.add(stem)
    return Item(stem, meta, url, {"guid": guid, "enclosure": url, "length": raw_length,
                                  "pubDate": _text(item.find("pubDate"))})


# --- Writing the show ---------------------------------------------------------------


def read_source(feed: str, *, timeout: float | None = None) -> tuple[bytes, str]:
    """The feed's bytes and the name to call it by: a URL fetched, or a file."""
    if feed.startswith(("http://", "https://")):
        try:
            got = net.get(feed, timeout=timeout)
        except net.NetError as exc:
            raise ImportError_(str(exc)) from None
        return got.body, got.url
    path = Path(feed)
    if not path.is_file():
        raise ImportError_(f"{feed}: no such file, and not an http(s) URL")
    return path.read_bytes(), feed


@dataclass
class Report:
    root: Path
    items: list[Item]
    problems: list[Problem]
    downloaded: int = 0
    old_feed: str | None = None


def _toml_value(meta: dict[str, Any]) -> dict[str, Any]:
    out = dict(meta)
    if isinstance(out.get("duration"), float) and out["duration"].is_integer():
        out["duration"] = int(out["duration"])
    return out


def write(imported: Imported, root: Path, *, download: bool = False,
          progress: Callable[[str, int, int | None], None] | None = None) -> Report:
    """Make the show folder ROOT (it must not hold a show yet)."""
    if (root / config.SHOW_FILE).exists():
        raise ImportError_(f"{root / config.SHOW_FILE}: already exists; import into a new folder")
    episodes = root / "episodes"
    episodes.mkdir(parents=True, exist_ok=True)
    problems = list(imported.problems)
    show = dict(imported.show)
    cover = None
    if imported.cover_url:
        try:
            cover = net.get(imported.cover_url, limit=COVER_LIMIT)
        except net.NetError as exc:
            problems.append(warning("podcast.toml", "image", f"the old cover could not be fetched ({exc}); "
                                    "a plain one stands in: replace it"))
    if cover is not None:
        suffix = ".png" if cover.body[:8] == b"\x89PNG\r\n\x1a\n" else ".jpg"
        show["image"] = f"cover{suffix}"
        (root / show["image"]).write_bytes(cover.body)
    else:
        from feedtool.authoring.scaffold import cover_png

        show["image"] = "cover.png"
        (root / "cover.png").write_bytes(cover_png(show["title"], show["author"]))
    (root / config.SHOW_FILE).write_text(tomli_w.dumps(show), encoding="utf-8")
    done = 0
    for item in imported.items:
        meta = _toml_value(item.meta)
        if download:
            name = unquote(urlsplit(item.audio_url).path.rsplit("/", 1)[-1])
            suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
            if suffix not in SUPPORTED:
                problems.append(warning(f"episodes/{item.stem}", "audio_url", f"{name!r} is not an audio file "
                                        "feedtool reads; kept as a remote URL"))
            else:
                target = episodes / f"{item.stem}{suffix}"
                try:
                    net.download(item.audio_url, target, progress=_reporter(progress, item.stem))
                    for key in ("audio_url", "audio_length", "audio_type", "duration"):
                        meta.pop(key, None)
                    done += 1
                except net.NetError as exc:
                    problems.append(error(f"episodes/{item.stem}", "audio_url", str(exc)))
        (episodes / f"{item.stem}.toml").write_text(tomli_w.dumps(meta), encoding="utf-8")
    return Report(root, imported.items, problems, done, imported.feed_url)


def compare(items: list[Item], new_feed: bytes) -> list[str]:
    """Where the new feed differs from the old one in what apps key on: each
    imported item's GUID (exactly), enclosure URL and length, and date."""
    root = etree.fromstring(new_feed, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    new = {}
    for el in root.iter("item"):
        guid, enclosure = el.find("guid"), el.find("enclosure")
        new[guid.text if guid is not None else ""] = (
            enclosure.get("url") if enclosure is not None else None,
            enclosure.get("length") if enclosure is not None else None,
            parse_date(_text(el.find("pubDate"))))
    found = []
    for item in items:
        got = new.get(item.old["guid"])
        if got is None:
            found.append(f"{item.stem}: GUID {item.old['guid']!r} is not in the new feed")
            continue
        if "audio_url" in item.meta and got[0] != item.old["enclosure"]:
            found.append(f"{item.stem}: enclosure {got[0]} (was {item.old['enclosure']})")
        if "audio_url" in item.meta and item.old["length"].isdigit() and got[1] != item.old["length"]:
            found.append(f"{item.stem}: length {got[1]} (was {item.old['length']})")
        if got[2] != parse_date(item.old["pubDate"]):
            found.append(f"{item.stem}: date {got[2]} (was {item.old['pubDate'].strip()})")
    return found


def _reporter(progress: Callable[[str, int, int | None], None] | None, what: str) -> net.Progress | None:
    if progress is None:
        return None

    def report(done: int, total: int | None) -> None:
        progress(what, done, total)

    return report


def advice(report: Report, new_feed: str) -> list[str]:
    """What to do at the old host so subscribers follow the show."""
    old = report.old_feed or "the old feed's URL"
    return [
        f"Publish the new feed, {new_feed}, and check it: feedtool check {new_feed}",
        f"At the old host, redirect {old} to {new_feed} with a permanent (301) redirect; apps and "
        "directories follow it and update their subscriptions.",
        "If the old host cannot redirect, have it add <itunes:new-feed-url>" + new_feed + "</itunes:new-feed-url> "
        "to the old feed's channel (most hosts have a 'moving' or 'redirect' setting) and keep it online for "
        "a few weeks, until the directories have moved.",
        "Update the feed URL in Apple Podcasts Connect, Spotify for Creators and the Podcast Index if "
        "you manage the listing there.",
        "When you move on from here one day: new_feed_url in podcast.toml writes <itunes:new-feed-url>.",
    ]
