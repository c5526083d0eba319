"""Converters for the Podcasting 2.0 keys of podcast.toml and STEM.toml.

Each converter takes the raw TOML value and returns model values or raises
ValueError saying what was expected, as schema.py's converters do. Lists of
tables name the item ("item 2: role: …") so a user finds the entry at once.
The rules come from the namespace's tag pages
(https://github.com/Podcastindex-org/podcast-namespace, docs/tags/*.md).
"""

from __future__ import annotations

import difflib
import math
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from feedtool.config import schema as s
from feedtool.model import (
    Chapter,
    Funding,
    License,
    Location,
    Person,
    RemoteItem,
    Soundbite,
    Trailer,
    TranscriptLink,
    Txt,
    UpdateFrequency,
    Value,
    ValueRecipient,
)
from feedtool.standards import P20_LICENSES, P20_MEDIUMS, P20_PERSON_TAXONOMY

T = TypeVar("T")

# P20 "all URLs must be https" for hypertext resources (docs/1.0.md, "Rules").
_HTTPS = re.compile(r"^https://[^\s/?#]+[^\s]*$")
_MIME = re.compile(r"^[\w.+-]+/[\w.+-]+$")


def https_url(value: Any) -> str:
    text = s.text(value)
    if not _HTTPS.match(text):
        raise ValueError(f"expected an absolute https URL (Podcasting 2.0 requires https), got {text!r}")
    return text


def mime_type(value: Any) -> str:
    text = s.text(value)
    if not _MIME.match(text):
        raise ValueError(f"expected a MIME type such as 'audio/mpeg', got {text!r}")
    return text.lower()


def seconds(value: Any) -> float:
    """A time offset: a number of seconds, or 'HH:MM:SS(.mmm)' / 'MM:SS'."""
    if isinstance(value, bool):
        raise ValueError(f"expected seconds or 'HH:MM:SS', got {s.describe(value)}")
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        match = re.fullmatch(r"\s*(?:(\d+):)?([0-5]?\d):([0-5]\d(?:\.\d+)?)\s*", value)
        if match is None:
            try:
                number = float(value)
            except ValueError:
                raise ValueError(f"expected seconds or 'HH:MM:SS', got {value!r}") from None
        else:
            hours, minutes, secs = match.groups()
            number = int(hours or 0) * 3600 + int(minutes) * 60 + float(secs)
    else:
        raise ValueError(f"expected seconds or 'HH:MM:SS', got {s.describe(value)}")
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"expected a time of 0 seconds or more, got {value!r}")
    return number


def _table(value: Any, fields: Mapping[str, Callable[[Any], Any]], required: tuple[str, ...]) -> dict[str, Any]:
    """Check one TOML table against FIELDS; the first problem raises."""
    if not isinstance(value, dict):
        raise ValueError(f"expected a table, got {s.describe(value)}")
    out: dict[str, Any] = {}
    for name, raw in value.items():
        convert = fields.get(name)
        if convert is None:
            hint = difflib.get_close_matches(name, list(fields), n=1)
            more = f"; did you mean {hint[0]!r}?" if hint else f"; known keys: {', '.join(sorted(fields))}"
            raise ValueError(f"{name}: unknown key{more}")
        try:
            out[name] = convert(raw)
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None
    missing = [name for name in required if name not in value]
    if missing:
        raise ValueError(f"{missing[0]}: is required")
    return out


def list_of(item: Callable[[Any], T], *, single_ok: bool = True) -> Callable[[Any], tuple[T, ...]]:
    """A TOML array of tables (`[[person]]`); a single table counts as one."""

    def convert(value: Any) -> tuple[T, ...]:
        if single_ok and not isinstance(value, list):
            value = [value]
        if not isinstance(value, list):
            raise ValueError(f"expected a list, got {s.describe(value)}")
        out = []
        for i, raw in enumerate(value, start=1):
            try:
                out.append(item(raw))
            except ValueError as exc:
                raise ValueError(f"item {i}: {exc}") from None
        return tuple(out)

    return convert


def integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a whole number of 0 or more, got {s.describe(value)}")
    return int(value)


# --- the keys ------------------------------------------------------------------


def podcast_guid(value: Any) -> str:
    text = s.text(value)
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise ValueError(f"expected a UUID such as 9b024349-ccf0-5f69-a609-6b82873eab3c, got {text!r}") from None


def medium(value: Any) -> str:
    text = s.text(value)
    if text not in P20_MEDIUMS:
        hint = difflib.get_close_matches(text, P20_MEDIUMS, n=1)
        more = f" (did you mean {hint[0]!r}?)" if hint else ""
        raise ValueError(f"expected one of {', '.join(P20_MEDIUMS)}, got {text!r}{more}")
    return text


def _funding(value: Any) -> Funding:
    t = _table(value, {"url": https_url, "text": s.bounded(128)}, ("url", "text"))
    return Funding(t["url"], t["text"])


funding = list_of(_funding)

# Lower-cased role and group names of the Podcast Taxonomy, and each role's groups.
_GROUPS = {g.lower(): g for g in P20_PERSON_TAXONOMY}
_ROLE_GROUPS: dict[str, list[str]] = {}
for _group, _roles in P20_PERSON_TAXONOMY.items():
    for _role in _roles:
        _ROLE_GROUPS.setdefault(_role.lower(), []).append(_group.lower())


def _choice(kind: str, value: Any, known: list[str]) -> str:
    text = s.text(value).lower()
    if text not in known:
        hint = difflib.get_close_matches(text, known, n=1)
        more = f"; did you mean {hint[0]!r}?" if hint else ""
        raise ValueError(f"{text!r} is not a {kind} of the Podcasting 2.0 person taxonomy{more}")
    return text


def _person(value: Any) -> Person:
    t = _table(value, {
        "name": s.bounded(128), "role": lambda v: _choice("role", v, sorted(_ROLE_GROUPS)),
        "group": lambda v: _choice("group", v, sorted(_GROUPS)), "img": https_url, "href": https_url,
    }, ("name",))
    role = t.get("role", "host")
    # P20 docs/tags/person.md: role defaults to host and group to cast; a role
    # given without its group gets the group the taxonomy puts it in.
    group = t.get("group") or _ROLE_GROUPS[role][0]
    if group not in _ROLE_GROUPS[role]:
        raise ValueError(f"role: {role!r} is not in the group {group!r} "
                         f"(the taxonomy lists it under {', '.join(repr(g) for g in _ROLE_GROUPS[role])})")
    return Person(t["name"], role, group, t.get("img"), t.get("href"))


person = list_of(_person)


def _txt(value: Any) -> Txt:
    if isinstance(value, str):
        return Txt(s.bounded(4000)(value))
    t = _table(value, {"text": s.bounded(4000), "purpose": s.bounded(128)}, ("text",))
    return Txt(t["text"], t.get("purpose"))


txt = list_of(_txt)


def license_(value: Any) -> License:
    """'cc-by-4.0', or {identifier, url}: P20 docs/tags/license.md asks for a
    url with any identifier that is not on its well-known list."""
    if isinstance(value, str):
        t = {"identifier": s.bounded(128)(value)}
    else:
        t = _table(value, {"identifier": s.bounded(128), "url": https_url}, ("identifier",))
    identifier = t["identifier"]
    if identifier.lower() in P20_LICENSES:
        identifier = identifier.lower()
    elif "url" not in t:
        raise ValueError(f"{identifier!r} is not a well-known license identifier ({', '.join(P20_LICENSES)}); "
                         "a custom license needs a table with identifier and url")
    return License(identifier, t.get("url"))


_GEO = re.compile(r"^(?:geo:)?(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)(?:,(-?\d+(?:\.\d+)?))?(;.*)?$")
_OSM = re.compile(r"^[NWR]\d+(#\d+)?$")


def geo(value: Any) -> str:
    """A geo: URI (RFC 5870), 'geo:lat,lon[,alt]'; the prefix may be left out."""
    text = s.text(value)
    match = _GEO.match(text)
    if match is None:
        raise ValueError(f"expected a geo URI such as 'geo:39.7837304,-100.4458825', got {text!r}")
    lat, lon = float(match.group(1)), float(match.group(2))
    if not -90 <= lat <= 90 or not -180 <= lon <= 180:
        raise ValueError(f"latitude must be within ±90 and longitude within ±180, got {text!r}")
    return text if text.startswith("geo:") else "geo:" + text


def osm(value: Any) -> str:
    text = s.text(value)
    if not _OSM.match(text):
        raise ValueError(f"expected an OpenStreetMap type and id such as 'R113314' or 'W43678282', got {text!r}")
    return text


def country(value: Any) -> str:
    import pycountry

    text = s.text(value)
    if len(text) != 2 or pycountry.countries.get(alpha_2=text.upper()) is None:
        raise ValueError(f"expected an ISO 3166-1 alpha-2 country code such as 'US' or 'DE', got {text!r}")
    return text.upper()


def _location(value: Any) -> Location:
    t = _table(value, {"name": s.bounded(128), "geo": geo, "osm": osm, "country": country,
                       "rel": s.one_of("subject", "creator")}, ("name",))
    return Location(t["name"], t.get("geo"), t.get("osm"), t.get("country"), t.get("rel"))


location = list_of(_location)


def _trailer(value: Any) -> Trailer:
    t = _table(value, {"url": https_url, "title": s.bounded(128), "pubdate": s.timestamp, "length": integer,
                       "type": mime_type, "season": s.positive_int}, ("url", "title", "pubdate"))
    return Trailer(t["url"], t["title"], t["pubdate"], t.get("length"), t.get("type"), t.get("season"))


trailer = list_of(_trailer)


def _soundbite(value: Any) -> Soundbite:
    t = _table(value, {"start": seconds, "duration": seconds, "title": s.bounded(128)}, ("start", "duration"))
    if t["duration"] <= 0:
        raise ValueError("duration: must be more than 0 seconds")
    return Soundbite(t["start"], t["duration"], t.get("title"))


soundbite = list_of(_soundbite)


def _chapter(value: Any) -> Chapter:
    t = _table(value, {"start": seconds, "title": s.bounded(255), "url": https_url, "img": https_url},
               ("start", "title"))
    return Chapter(t["start"], t["title"], url=t.get("url"), image=t.get("img"))


chapters = list_of(_chapter, single_ok=False)


def _alternate(value: Any) -> dict[str, Any]:
    """Kept as a checked table: the episode loader resolves `file` (which
    needs the episode's folder) into a model.AlternateEnclosure."""
    t = _table(value, {"file": s.text, "url": https_url, "length": integer, "type": mime_type,
                       "title": s.bounded(32), "bitrate": integer, "default": s.boolean}, ())
    if ("file" in t) == ("url" in t):
        raise ValueError("give either file (a file in the show) or url (with length and type)")
    if "url" in t:
        for name in ("length", "type"):
            if name not in t:
                raise ValueError(f"{name}: is required with url")
    return t


alternate_enclosure = list_of(_alternate)


# --- Links to files hosted elsewhere (an imported show's old host) -------------

TRANSCRIPT_TYPES = ("text/vtt", "application/x-subrip", "application/srt", "text/html", "text/plain",
                    "application/json")


def _transcript_link(value: Any) -> TranscriptLink:
    t = _table(value, {"url": s.url, "type": s.one_of(*TRANSCRIPT_TYPES), "language": s.language,
                       "rel": s.one_of("captions")}, ("url", "type"))
    return TranscriptLink(t["url"], t["type"], t.get("language"), t.get("rel"))


transcript_urls = list_of(_transcript_link)


# --- Phase 6 and value tags (docs/tags/update-frequency.md, podroll.md, value.md) ----------


def _rrule(value: Any) -> str:
    text = s.text(value)
    # RFC 5545 §3.3.10: FREQ is required; the parts are NAME=VALUE joined by ';'.
    parts = dict(part.partition("=")[::2] for part in text.split(";"))
    if parts.get("FREQ") not in ("SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"):
        raise ValueError(f"expected an RFC 5545 rule such as 'FREQ=WEEKLY;BYDAY=MO', got {text!r}")
    return text


def update_frequency(value: Any) -> UpdateFrequency:
    """A string, or {text, rrule, complete, dtstart}."""
    if isinstance(value, str):
        value = {"text": value}
    t = _table(value, {"text": s.bounded(128), "rrule": _rrule, "complete": s.boolean, "dtstart": s.timestamp},
               ("text",))
    return UpdateFrequency(t["text"], t.get("rrule"), t.get("complete", False), t.get("dtstart"))


def _remote_item(value: Any) -> RemoteItem:
    t = _table(value, {"feed_guid": podcast_guid, "feed_url": s.url, "title": s.bounded(128),
                       "medium": medium}, ("feed_guid",))
    return RemoteItem(t["feed_guid"], t.get("feed_url"), t.get("title"), t.get("medium"))


podroll = list_of(_remote_item)


def _recipient(value: Any) -> ValueRecipient:
    t = _table(value, {"name": s.bounded(128), "type": s.one_of("node", "lnaddress", "wallet"), "address": s.text,
                       "split": s.positive_int, "custom_key": s.text, "custom_value": s.text, "fee": s.boolean},
               ("type", "address", "split"))
    return ValueRecipient(t["type"], t["address"], t["split"], t.get("name"), t.get("custom_key"),
                          t.get("custom_value"), t.get("fee", False))


def value_block(value: Any) -> Value:
    """podcast:value: who is paid, and in what shares, when a listener streams sats."""
    t = _table(value, {"type": s.one_of("lightning", "hive", "webmonetization"), "method": s.one_of(
        "keysend", "amp", "lnaddress", "ILP"), "suggested": s.text, "recipients": list_of(_recipient)},
        ("type", "method", "recipients"))
    if not t["recipients"]:
        raise ValueError("recipients: list at least one [[value.recipients]] table")
    if "suggested" in t:
        try:
            float(t["suggested"])
        except ValueError:
            raise ValueError(f"suggested: expected a number such as '0.00000005000', got {t['suggested']!r}") from None
    return Value(t["type"], t["method"], t.get("suggested"), t["recipients"])


def season_names(value: Any) -> dict[int, str]:
    """{"1" = "The First Year"}: podcast:season's name for each season number."""
    if not isinstance(value, dict):
        raise ValueError(f"expected a table such as {{ 1 = \"The First Year\" }}, got {s.describe(value)}")
    out = {}
    for key, name in value.items():
        if not str(key).isdigit() or int(key) < 1:
            raise ValueError(f"{key}: expected a season number of 1 or more")
        try:
            out[int(key)] = s.bounded(128)(name)
        except ValueError as exc:
            raise ValueError(f"{key}: {exc}") from None
    return dict(sorted(out.items()))
