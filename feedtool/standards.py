"""The XML namespaces of a podcast feed, in one place for the feed's writers
(render/) and its checker (check/); which files are media.

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
