"""The XML namespaces of a podcast feed, in one place for the feed's writers
(render/) and its checker (check/); which files are media; the limits and
vocabularies of the standards that config, sources, render and check share.

Sources: RSS 2.0 (https://www.rssboard.org/rss-specification) has no
namespace of its own; Apple's podcast tags
(https://help.apple.com/itc/podcasts_connect/#/itcb54353390); the Podcasting
2.0 namespace (https://github.com/Podcastindex-org/podcast-namespace,
docs/1.0.md); RSS 1.0's content module
(https://web.resource.org/rss/1.0/modules/content/); Atom (RFC 4287) for the
self and paging links (RFC 5005); Podlove Simple Chapters
(https://podlove.org/simple-chapters/).
"""

from __future__ import annotations

import functools
import json
from importlib import resources

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
ATOM_NS = "http://www.w3.org/2005/Atom"
PSC_NS = "http://podlove.org/simple-chapters"

# Files a build keys by their size and the parts that carry their tags
# (engine/cache.py's content_key), not by all their bytes: audio and video,
# masters included, which may be hundreds of megabytes each.
MEDIA_SUFFIXES = frozenset({".mp3", ".m4a", ".m4b", ".aac", ".mp4", ".m4v", ".mov", ".ogg", ".oga", ".opus",
                            ".flac", ".wav", ".aif", ".aiff", ".webm", ".mkv"})

# A feed over 5 MB (5,000,000 bytes) is refused by the W3C feed validator's
# web form and given up on by some apps; feedtool splits a long feed into
# archive feeds rather than publish one (render/paging.py).
FEED_SIZE_LIMIT = 5_000_000

# --- Vocabularies: what config accepts and check expects -----------------------
# The podcast:medium values (P20 docs/tags/medium.md), each with its list form.
_MEDIA = ("podcast", "music", "video", "film", "audiobook", "newsletter", "blog", "publisher", "course")
P20_MEDIUMS = _MEDIA + tuple(m + "L" for m in _MEDIA) + ("mixed",)
# License identifiers from the namespace's license/licenses.json companion
# list, plus the other Creative Commons 4.0 licences and CC0, which are as
# well known; anything else is a custom licence and needs a url.
P20_LICENSES = ("arr", "none", "cc-by-4.0", "cc-by-sa-4.0", "cc-by-nd-4.0", "cc-by-nc-4.0", "cc-by-nc-sa-4.0",
                "cc-by-nc-nd-4.0", "cc0-1.0", "pod-v4v-1.0")

# The Podcast Taxonomy Project list that podcast:person role/group refer to
# (podcast-namespace taxonomy.json). Compared case-insensitively.
P20_PERSON_TAXONOMY: dict[str, tuple[str, ...]] = {
    "Creative Direction": ("Director", "Assistant Director", "Executive Producer", "Senior Producer", "Producer",
                           "Associate Producer", "Development Producer", "Creative Director"),
    "Cast": ("Host", "Co-Host", "Guest Host", "Guest", "Voice Actor", "Narrator", "Announcer", "Reporter"),
    "Writing": ("Author", "Editorial Director", "Co-Writer", "Writer", "Songwriter", "Guest Writer", "Story Editor",
                "Managing Editor", "Script Editor", "Script Coordinator", "Researcher", "Editor", "Fact Checker",
                "Translator", "Transcriber", "Logger"),
    "Audio Production": ("Studio Coordinator", "Technical Director", "Technical Manager", "Audio Engineer",
                         "Remote Recording Engineer", "Post Production Engineer"),
    "Audio Post-Production": ("Audio Editor", "Sound Designer", "Foley Artist", "Composer", "Theme Music",
                              "Music Production", "Music Contributor"),
    "Administration": ("Production Coordinator", "Booking Coordinator", "Production Assistant", "Content Manager",
                       "Marketing Manager", "Sales Representative", "Sales Manager"),
    "Visuals": ("Graphic Designer", "Cover Art Designer"),
    "Community": ("Social Media Manager",),
    "Misc.": ("Consultant", "Intern"),
    "Video Production": ("Camera Operator", "Lighting Designer", "Camera Grip", "Assistant Camera"),
    "Video Post-Production": ("Editor", "Assistant Editor"),
}


@functools.cache
def apple_categories() -> dict[str, tuple[str, ...]]:
    """Apple's 2019 category list, shipped as data (source inside the file)."""
    raw = resources.files("feedtool").joinpath("data/apple_categories.json").read_text("utf-8")
    return {name: tuple(subs) for name, subs in json.loads(raw)["categories"].items()}


def npt(seconds: float) -> str:
    """HH:MM:SS.mmm, the normal play time that psc:chapter start uses
    (Podlove Simple Chapters; RFC 2326 §3.6)."""
    ms = round(seconds * 1000)
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{ms:03d}"
