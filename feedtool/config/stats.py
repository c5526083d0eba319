"""`stats_prefix`: a download-measurement service's redirect prefix.

Measurement services count a download when the app's request passes through
them: the enclosure URL is the service's prefix followed by the real URL,
and the service answers with a redirect to it. Each documents the same shape,
the prefix then the media URL *without* its https:// scheme:

* OP3 (https://op3.dev/setup): https://op3.dev/e/ + example.com/ep.mp3;
  OP3 also takes the scheme written out (https://op3.dev/e/http://...),
  which is how a media URL served over plain http keeps its scheme.
* Podtrac (https://analytics.podtrac.com/how-to-measure):
  https://dts.podtrac.com/redirect.mp3/ + example.com/ep.mp3.
* Blubrry, Chartable-style trackers (https://chtbl.com/track/ID/), Podscribe
  and Spotify's pdst.fm (https://pdst.fm/e/) use the same shape.

Prefixes chain: "https://op3.dev/e/dts.podtrac.com/redirect.mp3/" counts
with both. Only the URL in the feed and on the site changes; the GUIDs and
the files in public/media/ do not.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from feedtool.config import schema as s


def stats_prefix(value: Any) -> str:
    """A prefix such as https://op3.dev/e/ : https, a host and a path ending in /."""
    raw = s.url(value)
    parts = urlsplit(raw)
    if parts.scheme != "https":
        raise ValueError(f"must be an https URL (apps refuse a redirect from https to http), got {raw!r}")
    if parts.query or parts.fragment or "?" in raw or "#" in raw:
        raise ValueError(f"must not have a query or fragment: the media URL is appended to it, got {raw!r}")
    if parts.username is not None or parts.password is not None:
        raise ValueError("must not hold a user name or password (user:pass@): the feed would publish them")
    if not raw.endswith("/"):
        raise ValueError(f"must end with '/', as every service documents its prefix (e.g. https://op3.dev/e/), "
                         f"got {raw!r}")
    return raw


def prefixed(prefix: str | None, url: str) -> str:
    """URL as it goes through PREFIX: https:// dropped (the services add it
    back), http:// kept written out (OP3's rule for plain-http media)."""
    if not prefix:
        return url
    if url.startswith("https://"):
        return prefix + url[len("https://"):]
    return prefix + url
