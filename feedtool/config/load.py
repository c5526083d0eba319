"""podcast.toml and STEM.toml → model values, every key checked.

The schemas below are the one place where a key is declared; docs/config.md
lists them and a test keeps the two in step.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from feedtool.config import podcast20 as p20
from feedtool import safe_files
from feedtool.config import schema as s
from feedtool.model import Category, Show
from feedtool.problems import Problem, ProblemFound, error
from feedtool.config.schema import Key

SHOW_FILE = "podcast.toml"


@functools.cache
def apple_categories() -> dict[str, tuple[str, ...]]:
    """Apple's 2019 category list, shipped as data (source inside the file)."""
    raw = resources.files("feedtool").joinpath("data/apple_categories.json").read_text("utf-8")
    return {name: tuple(subs) for name, subs in json.loads(raw)["categories"].items()}


def category(value: Any) -> Category:
    """'Arts' or 'Arts > Books', checked against Apple's current list."""
    raw = s.text(value)
    parts = [p.strip() for p in raw.split(">")]
    if len(parts) > 2 or not all(parts):
        raise ValueError(f"expected 'Category' or 'Category > Subcategory', got {raw!r}")
    known = apple_categories()
    top = parts[0]
    if top not in known:
        import difflib

        hint = difflib.get_close_matches(top, list(known), n=1)
        more = f"; did you mean {hint[0]!r}?" if hint else ""
        raise ValueError(f"{top!r} is not one of Apple's podcast categories{more}")
    sub = parts[1] if len(parts) == 2 else None
    if sub is not None and sub not in known[top]:
        choices = ", ".join(known[top]) or "none"
        raise ValueError(f"{sub!r} is not a subcategory of {top!r} (Apple lists: {choices})")
    return Category(top, sub)


def categories(value: Any) -> tuple[Category, ...]:
    items = s.string_list(value)
    if not items:
        raise ValueError("list at least one Apple category")
    return tuple(category(item) for item in items)


def patterns(value: Any) -> tuple[str, ...]:
    from feedtool.sources.text import compile_patterns

    items = s.string_list(value)
    compile_patterns(items)  # raises ValueError naming the bad pattern
    return items


SHOW_KEYS: dict[str, Key] = {k.name: k for k in [
    Key("title", s.bounded(255), True, "the show's name"),
    Key("description", s.bounded(4000, s.text), True, "what the show is about, up to 4,000 characters"),
    Key("base_url", s.base_url, True, "the public URL where public/ is served, e.g. https://example.com/podcast/"),
    Key("language", s.language, True, "ISO 639 code such as 'en'"),
    Key("author", s.bounded(255), True, "who makes the show"),
    Key("owner_name", s.bounded(255), False, "the owner's name (defaults to author)"),
    Key("owner_email", s.email, True, "the owner's email, which directories use to verify the show"),
    Key("image", s.text, True, "the cover art file, 1400-3000 px square JPEG or PNG"),
    Key("categories", categories, True, "Apple categories, e.g. ['Society & Culture > Documentary']"),
    Key("explicit", s.boolean, False, "true when the show has explicit content (default false)"),
    Key("type", s.one_of("episodic", "serial"), False, "'episodic' (default) or 'serial'"),
    Key("copyright", s.bounded(255), False, "a copyright line"),
    Key("link", s.url, False, "the show's website (defaults to base_url)"),
    Key("media_base_url", s.base_url, False, "where the audio is hosted, when not in public/media/"),
    Key("feed_name", s.one_of("feed.xml", "rss.xml", "podcast.xml", "index.xml"), False, "the feed's file name"),
    Key("clean_patterns", patterns, False, "extra regexes for lines to drop from interview texts"),
    Key("feed_limit", s.positive_int, False, "put only the newest N episodes in the feed, and the older ones in "
        "archive feeds it links to (RFC 5005), to keep the feed small"),
    Key("align", s.boolean, False, "true: find where each paragraph and sub-head of every episode's text is "
        "spoken, for chapters and a timed transcript (needs feedtool[align], espeak-ng and ffmpeg)"),
    # Podcasting 2.0 (podcast: namespace); converters in p20keys.py.
    Key("guid", p20.podcast_guid, False, "podcast:guid, the show's permanent id; derived from the feed URL "
        "once and kept in episodes/feedtool.lock (set it only to keep an id the show already has)"),
    Key("locked", s.boolean, False, "podcast:locked: true asks other platforms not to import the show "
        "(owner = owner_email)"),
    Key("funding", p20.funding, False, "podcast:funding: [[funding]] tables with url (https) and text"),
    Key("person", p20.person, False, "podcast:person: [[person]] tables with name, role, group, img, href "
        "(roles and groups from the Podcast Taxonomy; default host, cast)"),
    Key("medium", p20.medium, False, "podcast:medium: podcast (default), music, video, film, audiobook, ..."),
    Key("txt", p20.txt, False, "podcast:txt: strings or [[txt]] tables with text and purpose "
        "(e.g. applepodcastsverify)"),
    Key("license", p20.license_, False, "podcast:license: an identifier such as 'cc-by-4.0', "
        "or {identifier, url} for a custom license"),
    Key("location", p20.location, False, "podcast:location: {name, geo, osm, country, rel} "
        "(geo 'geo:lat,lon', ISO 3166 country code, rel subject or creator)"),
    Key("trailer", p20.trailer, False, "podcast:trailer: [[trailer]] tables with url, title, pubdate, "
        "length, type, season"),
]}

# The keys kept in Show.extra, for podcast20.py.
P20_SHOW_KEYS = ("guid", "locked", "funding", "person", "medium", "txt", "license", "location", "trailer")

EPISODE_KEYS: dict[str, Key] = {k.name: k for k in [
    Key("title", s.bounded(255), False, "the episode title"),
    Key("date", s.timestamp, False, "publication date, e.g. 2024-01-31 or 2024-01-31T09:00:00Z"),
    Key("guid", s.bounded(255, s.text), False, "a permanent unique id; set once, never change it"),
    Key("season", s.positive_int, False, "season number"),
    Key("episode", s.positive_int, False, "episode number"),
    Key("episode_type", s.one_of("full", "trailer", "bonus"), False, "full, trailer or bonus"),
    Key("explicit", s.boolean, False, "true when the episode is explicit"),
    Key("summary", s.bounded(4000), False, "plain-text summary, up to 4,000 characters"),
    Key("image", s.text, False, "episode artwork file, relative to this toml"),
    Key("link", s.url, False, "the episode's web page"),
    Key("keywords", s.string_list, False, "a list of keywords"),
    # The interview text, read by hand where the reader went wrong (text.py).
    Key("text_start", s.bounded(500, s.text), False, "words from the story's first paragraph in the text: "
        "the story starts there"),
    Key("text_end", s.bounded(500, s.text), False, "words from the story's last paragraph in the text: "
        "the story ends there"),
    Key("transcript", s.boolean, False, "true when the text is a transcript of the episode (published as "
        "podcast:transcript); by default only a text with speaker turns is one"),
    Key("align", s.boolean, False, "true or false: align this episode's text to its audio (chapters from its "
        "sub-heads, a timed transcript), overriding podcast.toml's align"),
    # Podcasting 2.0 (podcast: namespace); converters in p20keys.py.
    Key("person", p20.person, False, "podcast:person: [[person]] tables (name, role, group, img, href); "
        "they replace the show's list for this episode"),
    Key("soundbite", p20.soundbite, False, "podcast:soundbite: [[soundbite]] tables with start, duration "
        "(seconds or 'HH:MM:SS') and title"),
    Key("location", p20.location, False, "podcast:location: {name, geo, osm, country, rel}"),
    Key("license", p20.license_, False, "podcast:license: an identifier or {identifier, url}"),
    Key("funding", p20.funding, False, "podcast:funding: [[funding]] tables with url (https) and text"),
    Key("chapters", p20.chapters, False, "[[chapters]] tables with start (seconds or 'HH:MM:SS'), title, "
        "url, img; win over STEM.chapters.json and the audio's own chapters"),
    Key("alternate_enclosure", p20.alternate_enclosure, False, "podcast:alternateEnclosure: "
        "[[alternate_enclosure]] tables with file (beside the episode) or url + length + type, "
        "and title, bitrate, default"),
]}


def resolve_inside(root: Path, base: Path, value: str, display: str, field: str,
                   allowed: Sequence[Path] = ()) -> Path:
    """A path named in a config file, which must be a regular file inside
    the show folder (symlinks followed; or in a folder ALLOWED from the
    command line), so a build never reads or publishes a stranger's file."""
    return safe_files.Scope.of(root, allowed).check(base / value, display, field, named=value)


def load_show(root: Path, allowed: Sequence[Path] = ()) -> tuple[Show | None, list[Problem]]:
    """Read ROOT/podcast.toml. Returns the Show (None when it has errors)
    and every problem found. ALLOWED are the folders outside the show that
    the command line (`--allow-outside`) lets its files point into."""
    path = root / SHOW_FILE
    display = SHOW_FILE
    if not path.is_file() and not path.is_symlink():
        return None, [error(display, None, f"not found in {root}: is this a show folder? (`feedtool init` makes one)")]
    try:
        data, source = s.load_toml(path, display, safe_files.Scope.of(root, allowed))
    except ProblemFound as exc:
        return None, [exc.problem]
    values, problems = s.check_table(data, SHOW_KEYS, display, source)
    image: Path | None = None
    if "image" in values:
        try:
            image = resolve_inside(root, root, values["image"], display, "image", allowed)
        except ProblemFound as exc:
            problems.append(exc.problem)
    if any(p.is_error for p in problems):
        return None, problems
    bidi = s.direction_warning(display, "title", values["title"])
    if bidi is not None:
        problems.append(bidi)
    show = Show(
        root=root.resolve(),
        title=values["title"],
        description=values["description"],
        base_url=values["base_url"],
        language=values["language"],
        author=values["author"],
        owner_name=values.get("owner_name", values["author"]),
        owner_email=values["owner_email"],
        image=image,
        categories=values["categories"],
        explicit=values.get("explicit", False),
        type=values.get("type", "episodic"),
        link=values.get("link", values["base_url"]),
        copyright=values.get("copyright"),
        media_base_url=values.get("media_base_url"),
        feed_name=values.get("feed_name", "feed.xml"),
        clean_patterns=values.get("clean_patterns", ()),
        feed_limit=values.get("feed_limit"),
        align=values.get("align", False),
        extra={k: values[k] for k in P20_SHOW_KEYS if k in values},
        allowed=tuple(Path(a).resolve() for a in allowed),
    )
    return show, problems


def load_episode_meta(path: Path, display: str, scope: safe_files.Scope | None = None,
                      ) -> tuple[dict[str, Any], list[Problem]]:
    """Read one STEM.toml; unknown keys and bad values become problems."""
    try:
        data, source = s.load_toml(path, display, scope)
    except ProblemFound as exc:
        return {}, [exc.problem]
    return s.check_table(data, EPISODE_KEYS, display, source)


def describe_keys(keys: Mapping[str, Key]) -> list[tuple[str, bool, str]]:
    return [(k.name, k.required, k.doc) for k in keys.values()]
