"""podcast.toml and STEM.toml → model values, every key checked.

The schemas below are the one place where a key is declared; docs/config.md
lists them and a test keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from feedtool.config import podcast20 as p20
from feedtool import safe_files
from feedtool.config import schema as s
from feedtool.config import stats
from feedtool.model import Category, Mastering, Show
from feedtool.problems import Problem, ProblemFound, error
from feedtool.config.schema import Key
# Re-exported: authoring/ and the CLI ask config for the categories it checks against.
from feedtool.standards import apple_categories as apple_categories

SHOW_FILE = "podcast.toml"


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
    from feedtool.config.patterns import compile_patterns

    items = s.string_list(value)
    compile_patterns(items)  # raises ValueError naming the bad pattern
    return items


def verbatim(value: Any) -> str:
    """A string kept exactly as written (a GUID: some apps compare it
    byte for byte); empty, blank or holding a control character refused."""
    s.text(value)  # the checks; its stripped result is not kept
    return str(value)


def non_negative_int(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value == 0:
        return 0
    return s.positive_int(value)


def notes(value: Any) -> str:
    import nh3

    return nh3.clean(s.text(value))


# What sources/remote.py accepts as a remote audio's type (kept here: config
# may not import sources).
REMOTE_TYPES = ("audio/mpeg", "audio/x-m4a", "audio/mp4", "audio/aac", "audio/ogg", "audio/opus", "audio/flac",
                "video/mp4", "video/quicktime")


def sha256(value: Any) -> str:
    raw = s.text(value).strip().lower()
    if len(raw) != 64 or any(c not in "0123456789abcdef" for c in raw):
        raise ValueError(f"expected 64 hexadecimal digits, got {value!r}")
    return raw
def number_between(low: float, high: float) -> s.Converter:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"expected a number, got {s.describe(value)}")
        if not low <= value <= high:
            raise ValueError(f"expected a number from {low:g} to {high:g}, got {value:g}")
        return float(value)
    return check


def bitrate(value: Any) -> int:
    kbps = s.positive_int(value)
    if not 32 <= kbps <= 320:
        raise ValueError(f"expected a bitrate in kbps from 32 to 320, got {kbps}")
    return kbps


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
    Key("media_base_url", s.base_url, False, "where the audio is served from when you upload it yourself (a CDN, "
        "object storage): each enclosure is this URL + the file's path below episodes/, and nothing is copied "
        "to public/media/. Not for download counting: see stats_prefix"),
    Key("stats_prefix", stats.stats_prefix, False, "a download-measurement prefix put before every enclosure "
        "URL, such as 'https://op3.dev/e/' or 'https://dts.podtrac.com/redirect.mp3/' (the URL follows "
        "without its https://, as these services document); GUIDs and public/media/ are unchanged"),
    Key("feed_name", s.one_of("feed.xml", "rss.xml", "podcast.xml", "index.xml"), False, "the feed's file name"),
    Key("clean_patterns", patterns, False, "extra regexes for lines to drop from interview texts"),
    Key("new_feed_url", s.url, False, "itunes:new-feed-url: the show moved; apps follow it to the new feed "
        "(keep serving this feed, with a 301 redirect where the host allows one, until they have)"),
    Key("feed_limit", s.positive_int, False, "put only the newest N episodes in the feed, and the older ones in "
        "archive feeds it links to (RFC 5005), to keep the feed small"),
    # Masters and loudness (docs/audio.md).
    Key("audio_format", s.one_of("mp3", "m4a", "flac"), False, "what WAV, AIFF and FLAC masters in episodes/ "
        "are encoded to: 'mp3' (default), 'm4a' (AAC) or 'flac' (FLAC files are then published as they are)"),
    Key("audio_bitrate", bitrate, False, "the encoder's bitrate in kbps (default 96 for mono, 128 for stereo; "
        "not for FLAC)"),
    Key("loudness", number_between(-70, -5), False, "the integrated loudness episodes should have, in LUFS "
        "(-16 is Apple's advice): every episode is measured and one outside it is warned about; masters are "
        "levelled to it (to -16 when unset)"),
    Key("loudness_tolerance", number_between(0.1, 10), False, "how far from `loudness` an episode may be, in LU "
        "(default 1)"),
    Key("true_peak", number_between(-9, 0), False, "the highest true peak an episode may have, in dBTP "
        "(default -1)"),
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
    Key("update_frequency", p20.update_frequency, False, "podcast:updateFrequency: a text such as 'Weekly', or "
        "{text, rrule (RFC 5545, e.g. 'FREQ=WEEKLY;BYDAY=MO'), complete, dtstart}"),
    Key("podroll", p20.podroll, False, "podcast:podroll: [[podroll]] tables with feed_guid (the other show's "
        "podcast:guid), feed_url, title, medium: the shows you recommend"),
    Key("value", p20.value_block, False, "podcast:value: {type = 'lightning', method = 'keysend', suggested, "
        "[[value.recipients]] with type (node, lnaddress, wallet), address, split (shares), name, "
        "custom_key, custom_value, fee}"),
    Key("season_names", p20.season_names, False, "podcast:season names: a table such as "
        "{ 1 = \"The First Year\" }, by season number"),
    # Apple's itunes: tags (https://podcasters.apple.com/support/823-podcast-requirements).
    Key("block", s.boolean, False, "itunes:block: true hides the show from Apple Podcasts (the feed stays "
        "public)"),
    Key("complete", s.boolean, False, "itunes:complete: true says the show has ended and no episode will follow"),
]}

# The keys kept in Show.extra, for podcast20.py.
P20_SHOW_KEYS = ("guid", "locked", "funding", "person", "medium", "txt", "license", "location", "trailer",
                 "update_frequency", "podroll", "value", "season_names", "block", "complete")

EPISODE_KEYS: dict[str, Key] = {k.name: k for k in [
    Key("title", s.bounded(255), False, "the episode title"),
    Key("date", s.timestamp, False, "publication date, e.g. 2024-01-31 or 2024-01-31T09:00:00Z; a date "
        "after the build's now (`--now`, SOURCE_DATE_EPOCH or the clock) schedules the episode: it is "
        "left out until a build runs after then"),
    Key("draft", s.boolean, False, "true keeps the episode out of the feed and the site, whatever its date"),
    Key("guid", s.bounded(255, verbatim), False, "a permanent unique id; set once, never change it (kept "
        "exactly as written, spaces included: an imported episode keeps its old feed's GUID)"),
    Key("season", s.positive_int, False, "season number"),
    Key("episode", s.positive_int, False, "episode number"),
    Key("episode_type", s.one_of("full", "trailer", "bonus"), False, "full, trailer or bonus"),
    Key("explicit", s.boolean, False, "true when the episode is explicit"),
    Key("summary", s.bounded(4000), False, "plain-text summary, up to 4,000 characters"),
    Key("image", s.text, False, "episode artwork file, relative to this toml"),
    Key("link", s.url, False, "the episode's web page"),
    Key("keywords", s.string_list, False, "a list of keywords: the episode page's <meta name=\"keywords\"> and "
        "its structured data (schema.org PodcastEpisode); not itunes:keywords, which Apple deprecated in 2017"),
    Key("block", s.boolean, False, "itunes:block: true hides this episode from Apple Podcasts"),
    # The audio hosted elsewhere, no file beside the toml (sources/remote.py).
    Key("audio_url", s.url, False, "the audio's URL when it is hosted elsewhere (object storage, a CDN, an "
        "imported show's old host); then audio_length, audio_type and duration are needed too"),
    Key("audio_length", non_negative_int, False, "the remote audio's size in bytes (<enclosure length>; 0 "
        "only when the old feed said so)"),
    Key("show_notes", notes, False, "the show notes as HTML (sanitised: scripts, styles and unknown tags are "
        "dropped), used when the episode has no interview text; `feedtool import` writes the old feed's"),
    Key("chapters_url", s.url, False, "podcast:chapters: a JSON chapters file hosted elsewhere, used when the "
        "episode has no chapters of its own"),
    Key("transcript_urls", p20.transcript_urls, False, "podcast:transcript: [[transcript_urls]] tables with url, "
        "type (text/vtt, application/x-subrip, text/html, text/plain, application/json), language, rel"),
    Key("audio_type", s.one_of(*REMOTE_TYPES), False, "the remote audio's MIME type (<enclosure type>)"),
    Key("duration", p20.seconds, False, "the remote audio's duration: seconds or 'HH:MM:SS'"),
    Key("audio_sha256", sha256, False, "the remote audio's SHA-256 (64 hex digits), which "
        "`feedtool media verify` checks"),
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
        stats_prefix=values.get("stats_prefix"),
        feed_name=values.get("feed_name", "feed.xml"),
        clean_patterns=values.get("clean_patterns", ()),
        feed_limit=values.get("feed_limit"),
        new_feed_url=values.get("new_feed_url"),
        align=values.get("align", False),
        extra={k: values[k] for k in P20_SHOW_KEYS if k in values},
        allowed=tuple(Path(a).resolve() for a in allowed),
        mastering=Mastering(
            audio_format=values.get("audio_format", "mp3"),
            bitrate=values.get("audio_bitrate"),
            loudness=values.get("loudness"),
            tolerance=values.get("loudness_tolerance", 1.0),
            true_peak=values.get("true_peak", -1.0),
        ),
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
