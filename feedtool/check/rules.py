"""The catalog of feed rules that `feedtool check` applies to any podcast feed.

Each rule has a stable id (the ids of shared/reference/podcast-standards.md where
that document names one), one level, and the source it comes from, so that a
report line can always be traced back to the spec or the client behaviour that
justifies it. docs/rules.md is generated from this module:

    python -m feedtool.rules > docs/rules.md

The value tables that the checks compare against (Apple's enclosure types, the
Podcasting 2.0 tag table and person taxonomy, …) live here too, so that the
generated documentation shows exactly what the checker accepts.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from feedtool.problems import Severity
from feedtool.standards import P20_LICENSES, P20_MEDIUMS, P20_PERSON_TAXONOMY

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True)
class Rule:
    id: str
    level: Severity
    summary: str
    rationale: str
    source: str


SOURCES: dict[str, str] = {
    "APPLE-RSS": "Apple, A Podcaster's Guide to RSS, https://help.apple.com/itc/podcasts_connect/#/itcb54353390",
    "APPLE-CAT": "Apple Podcasts categories, https://podcasters.apple.com/support/1691-apple-podcasts-categories",
    "PRX": "PRX feed requirements, https://help.prx.org/hc/en-us/articles/360023748473-Overview-of-feed-requirements",
    "RSS2": "RSS 2.0 specification, https://www.rssboard.org/rss-specification",
    "W3C-DOCS": "W3C Feed Validator documentation, https://github.com/w3c/feedvalidator (docs/error, docs/warning)",
    "W3C-SECURITY": ("W3C Feed Validator, docs/warning/SecurityRisk.html ('foo should not contain bar tag': script, "
                     "meta, embed, object), SecurityRiskAttr.html, DangerousStyleAttr.html, ContainsScript.html, "
                     "https://validator.w3.org/feed/docs/; with the WHATWG HTML and URL standards "
                     "(https://html.spec.whatwg.org/, https://url.spec.whatwg.org/) for what a browser runs"),
    "XML-NS": "Namespaces in XML 1.0, https://www.w3.org/TR/xml-names/",
    "P20": "Podcasting 2.0 namespace, https://github.com/Podcastindex-org/podcast-namespace (docs/1.0.md, docs/tags/)",
    "PP": "gPodder podcastparser 0.6.11 (PyPI podcastparser)",
    "AP": "AntennaPod feed parser, https://github.com/AntennaPod/AntennaPod",
    "PT": "podcast-partytime 5.0.0, the Podcast Index parser (npm)",
    "FP": "feedparser 6.0.14 (PyPI feedparser)",
    "FG": "python-feedgen 1.0.0 (PyPI feedgen)",
    "PRACTICE": "Common practice recorded in feedtool's reference notes; no single specification says it",
}

_RULES: tuple[Rule, ...] = (
    # --- the document itself -------------------------------------------------
    Rule("XML-UTF8", ERROR, "The feed is encoded as UTF-8.",
         "Apple reads feeds as UTF-8; other encodings garble non-ASCII titles.", "APPLE-RSS"),
    Rule("XML-NS", ERROR, "Every namespace prefix used in the feed is declared.",
         "An undeclared prefix makes the document not namespace-well-formed; strict parsers reject it.",
         "XML-NS"),
    Rule("FEED-SIZE", WARNING, "The feed is at most 5,000,000 bytes.",
         "The W3C validator refuses larger feeds and some clients cap downloads at 5 MB or less.", "W3C-DOCS"),
    # --- RSS 2.0 core --------------------------------------------------------
    Rule("RSS-ROOT", ERROR, '<rss version="2.0"> holds exactly one <channel>.',
         "Parsers read only the first channel and may refuse other versions.", "RSS2"),
    Rule("RSS-CHANNEL-REQ", ERROR, "<channel> has a non-empty <title>, <link> and <description>.",
         "RSS 2.0 requires all three; Apple requires title and description.", "RSS2"),
    Rule("RSS-UNDEFINED", ERROR, "Every child of <channel> and <item> without a namespace is one RSS 2.0 defines.",
         "Anything else is not RSS and apps ignore it, often a misspelling or a missing prefix (W3C: "
         "UndefinedElement).", "W3C-DOCS"),
    Rule("RSS-VALUE", ERROR, "<ttl> is a positive integer; <docs> and <comments> are absolute URLs; <source> has a url.",
         "RSS 2.0 defines these values so (W3C: InvalidPositiveInteger, InvalidFullLink, MissingAttribute).",
         "W3C-DOCS"),
    Rule("RSS-LINK", WARNING, "<link> is an absolute http(s) URL.",
         "Apps open it as the show's or episode's web page.", "RSS2"),
    Rule("RSS-LINK-SELF", WARNING, "The channel <link> is the website, not the feed URL.",
         "<link> is the show's web page; the feed URL belongs in atom:link rel=self (a feedgen pitfall).",
         "FG"),
    Rule("ATOM-SELF", WARNING, 'The channel has <atom:link rel="self" href=FEED-URL>.',
         "Lets clients and directories know the feed's canonical URL (RSS Best Practices Profile).",
         "W3C-DOCS"),
    Rule("RSS-IMAGE", ERROR, "An RSS <image> has <url> (an absolute URL), <title> and <link>; width ≤ 144, height ≤ 400.",
         "All three sub-elements are required by RSS 2.0, which also bounds the size (W3C: InvalidWidth, "
         "InvalidHeight).", "RSS2"),
    Rule("RSS-ITEM", ERROR, "Every <item> has a non-empty <title>.",
         "RSS 2.0 needs a title or a description; podcast apps and Apple need a title.", "RSS2"),
    Rule("RSS-DESC-HTML", ERROR, "HTML in <description> or <content:encoded> is escaped or in CDATA.",
         "Raw child elements are not RSS; parsers drop or mangle them.", "RSS2"),
    # --- HTML that apps render (description, content:encoded, itunes:summary/subtitle, podcast:*) ---
    Rule("HTML-SCRIPT", ERROR, "No <script> element in a field that apps render as HTML.",
         "Apps show these fields in a web view, where a script runs with the app's rights (W3C: SecurityRisk, "
         "ContainsScript).", "W3C-SECURITY"),
    Rule("HTML-EVENT-HANDLER", ERROR, "No event-handler attribute (onerror=, onload=, onclick=, …) in rendered HTML.",
         "An on*= attribute is script that runs when the element loads or is touched (W3C: SecurityRiskAttr).",
         "W3C-SECURITY"),
    Rule("HTML-URL-SCHEME", ERROR, "No javascript:, vbscript: or data: URL in href, src, action, srcset or the like.",
         "Following or loading such a URL runs script or shows attacker-made content; browsers ignore tabs, "
         "newlines and case in the scheme, so those are no escape (W3C: SecurityRiskAttr).", "W3C-SECURITY"),
    Rule("HTML-EMBED", ERROR, "No <iframe>, <frame>, <object>, <embed> or <applet> in rendered HTML.",
         "They load and run another document or plug-in inside the app (W3C: SecurityRisk, ContainsEmbed, "
         "ContainsObject).", "W3C-SECURITY"),
    Rule("HTML-FORM", ERROR, "No <form>, <input>, <button>, <textarea> or <select> in rendered HTML.",
         "A form in show notes can pose as the app and send what a listener types to anyone (phishing).",
         "W3C-SECURITY"),
    Rule("HTML-META", ERROR, "No <meta http-equiv>, <base> or <link> in rendered HTML.",
         "They redirect the view (refresh), change where every relative link points, or load outside "
         "stylesheets (W3C: SecurityRisk, ContainsMeta).", "W3C-SECURITY"),
    Rule("HTML-CSS", ERROR, "No expression(), script URL, behavior, -moz-binding or @import in style attributes or <style>.",
         "These CSS constructs run script or load outside code in some engines; comments and escapes do not hide "
         "them (W3C: DangerousStyleAttr).", "W3C-SECURITY"),
    Rule("RSS-ENCLOSURE", ERROR, "Every item has an <enclosure> with an absolute url, a byte length over 0 and a type.",
         "RSS 2.0 requires all three attributes; Apple requires an enclosure on every episode (W3C: "
         "MissingAttribute, InvalidIntegerAttribute, InvalidMIMEAttribute).", "RSS2"),
    Rule("RSS-ENCLOSURE-MULTI", WARNING, "An item has only one <enclosure>.",
         "podcastparser drops items with more than one; use podcast:alternateEnclosure for variants.", "PP"),
    Rule("RSS-GUID", ERROR, 'A <guid> that is not a URL has isPermaLink="false".',
         "isPermaLink defaults to true; gPodder then resolves the guid as a relative URL, so it changes.",
         "RSS2"),
    Rule("RSS-GUID-WEAK", WARNING, "A <guid> is not a short number (fewer than 9 digits).",
         "Such guids repeat across feeds, and apps that key episodes by guid may merge them (W3C: "
         "NotSufficientlyUnique).", "W3C-DOCS"),
    Rule("RSS-DATE", ERROR, "Dates are RFC 2822: 4-digit year, correct weekday, GMT or a numeric zone.",
         "ISO 8601 or malformed dates are misread or dropped, which reorders episodes.", "W3C-DOCS"),
    Rule("DATE-IMPLAUSIBLE", WARNING, "No date lies before 1970.",
         "An earlier date is a placeholder or a bug; apps sort it as the oldest episode (W3C: ImplausibleDate).",
         "W3C-DOCS"),
    Rule("DATE-FUTURE", WARNING, "No <pubDate> lies in the future.",
         "AntennaPod discards future dates and podcastparser sorts by date.", "AP"),
    Rule("RSS-AUTHOR", ERROR, "<author>, <managingEditor> and <webMaster> are an email, optionally 'email (Name)'.",
         "RSS 2.0 defines these as email addresses; use itunes:author for a plain name.", "RSS2"),
    Rule("DUP-ELEMENT", ERROR, "Single-occurrence elements (title, language, guid, itunes:explicit, …) appear once.",
         "Parsers disagree on which copy wins, so the feed is read differently by each app.", "W3C-DOCS"),
    # --- namespaces ------------------------------------------------------------
    Rule("NS-ITUNES", ERROR, "The itunes namespace is declared exactly as http://www.itunes.com/dtds/podcast-1.0.dtd.",
         "The URI is case-sensitive; with any other URI Apple ignores every itunes: tag.", "APPLE-RSS"),
    Rule("NS-PREFIX", WARNING, "The itunes and podcast namespaces use the prefixes itunes: and podcast:.",
         "partytime (Podcast Index) matches prefixes literally, not namespace URIs.", "PT"),
    # --- Apple Podcasts ----------------------------------------------------------
    Rule("APL-EPISODES", ERROR, "The feed has at least one <item>.",
         "Apple rejects a show with no episode.", "PRX"),
    Rule("APL-EXPLICIT", ERROR, "itunes:explicit is present on the channel and is 'true' or 'false'.",
         "Apple's guide allows only true/false; yes/no/clean are legacy values (feedgen's) that validators flag.",
         "APPLE-RSS"),
    Rule("APL-CATEGORY", ERROR, "The channel has an itunes:category whose text is one of Apple's categories.",
         "Apple requires a category from its list; unknown ones are dropped.", "APPLE-CAT"),
    Rule("APL-CATEGORY-OBSOLETE", ERROR, "No category from Apple's pre-2019 list is used.",
         "The 2019 list replaced it (e.g. 'News & Politics', 'Technology > Podcasting'); apps drop the old names.",
         "APPLE-CAT"),
    Rule("APL-SUBCATEGORY", ERROR, "A subcategory belongs to its parent, with at most one per category and no deeper nesting.",
         "Apple reads one subcategory under its own parent category.", "APPLE-CAT"),
    Rule("APL-IMAGE", ERROR, "The channel has itunes:image with an absolute href (and item images have an href).",
         "Apple requires show artwork and reads only the href attribute.", "APPLE-RSS"),
    Rule("APL-IMAGE-EXT", WARNING, "itunes:image href ends in .jpg or .png.",
         "Apple asks for JPEG or PNG artwork with a matching extension.", "APPLE-RSS"),
    Rule("APL-LANGUAGE", ERROR, "The channel has a <language> that is an ISO 639 code, optionally with a region.",
         "'Invalid language codes will cause your feed to fail Apple validation.'", "APPLE-RSS"),
    Rule("APL-DESC-LEN", ERROR, "<description> and itunes:summary are at most 4000 bytes.",
         "Apple limits descriptions to 4000 bytes.", "APPLE-RSS"),
    Rule("APL-LEN", WARNING, "Titles, itunes:author, itunes:name and itunes:subtitle are at most 255 characters.",
         "Apple limits tag values to 255 characters unless stated otherwise.", "APPLE-RSS"),
    Rule("APL-WHITESPACE", WARNING, "Values have no leading or trailing whitespace.",
         "Apple asks for values without surrounding spaces; strict parsers compare them verbatim.", "APPLE-RSS"),
    Rule("APL-ITEM-DESC", INFO, "Episode descriptions use only the HTML tags Apple shows (p, ol, ul, li, a).",
         "Apple strips other tags from show notes.", "APPLE-RSS"),
    Rule("APL-ENCLOSURE-EXT", ERROR, "The enclosure URL ends in .m4a, .mp3, .mov, .mp4, .m4v or .pdf.",
         "'The file extension … determines whether or not content appears' in Apple Podcasts.", "APPLE-RSS"),
    Rule("APL-ENCLOSURE-TYPE", WARNING, "The enclosure type is one Apple lists (audio/mpeg, audio/x-m4a, video/mp4, …).",
         "Other types such as audio/mp4 or audio/mp3 are tolerated by some apps but are not Apple's.", "APPLE-RSS"),
    Rule("ENCLOSURE-TYPE-MISMATCH", WARNING, "The enclosure type matches the file extension.",
         "Players pick a decoder from the type; a wrong type can stop playback.", "RSS2"),
    Rule("ENCLOSURE-DUP", ERROR, "No two items share an enclosure URL.",
         "Apple ignores an episode whose enclosure URL was already used.", "PRX"),
    Rule("FORMAT-PLAYBACK", WARNING, "The enclosure is not Ogg, Opus or FLAC.",
         "Apple Podcasts and many other apps cannot play them; offer them as podcast:alternateEnclosure.",
         "APPLE-RSS"),
    Rule("APL-GUID", WARNING, "Every item has a non-empty <guid>.",
         "Without one, apps key the episode on its enclosure URL and re-download it when the URL changes.",
         "APPLE-RSS"),
    Rule("APL-GUID-DUP", ERROR, "Item guids are unique.",
         "A repeated guid makes apps merge or hide episodes.", "APPLE-RSS"),
    Rule("APL-PUBDATE", WARNING, "Every item has a <pubDate>.",
         "Apps sort episodes by date; podcastparser orders by it.", "APPLE-RSS"),
    Rule("APL-DURATION", WARNING, "itunes:duration is whole seconds or [H:]MM:SS.",
         "Apple recommends seconds; fractions and other forms fail the W3C check and some parsers.", "APPLE-RSS"),
    Rule("APL-EPISODETYPE", ERROR, "itunes:episodeType is full, trailer or bonus (lower case).",
         "Apple accepts only these three values.", "APPLE-RSS"),
    Rule("APL-TYPE", ERROR, "itunes:type is episodic or serial.",
         "Apple accepts only these two values.", "APPLE-RSS"),
    Rule("APL-SERIAL-EPISODE", ERROR, "In a serial show every item has itunes:episode.",
         "Apple orders serial shows by episode number and requires it.", "APPLE-RSS"),
    Rule("APL-NUMBER", ERROR, "itunes:episode and itunes:season are positive integers.",
         "Apple requires non-zero integers.", "APPLE-RSS"),
    Rule("APL-ITEM-TITLE", WARNING, "An episode title does not repeat the show title.",
         "Apple asks not to repeat the show title; apps already show it.", "APPLE-RSS"),
    Rule("APL-TITLE-NUMBER", WARNING, "An episode title has no episode or season number in it.",
         "Apple asks for itunes:episode/itunes:season instead of numbers in titles.", "APPLE-RSS"),
    Rule("APL-NEW-FEED-URL", ERROR, "itunes:new-feed-url is an absolute http(s) URL.",
         "Apple moves subscribers to this URL; a bad one loses them.", "APPLE-RSS"),
    Rule("APL-YES", WARNING, "itunes:block and itunes:complete are 'Yes' or 'No'.",
         "Only 'Yes' has an effect; a value like 'true' silently does nothing.", "APPLE-RSS"),
    Rule("APL-BLOCKED", INFO, "The show or an episode is hidden from Apple Podcasts by itunes:block.",
         "Worth knowing: Apple will not list what is blocked.", "APPLE-RSS"),
    Rule("APL-UNDEFINED", ERROR, "Every itunes: tag is one Apple defines, in <channel> or <item> where it belongs.",
         "Apple ignores an unknown or misplaced tag, so its value is lost; usually a misspelling (W3C: "
         "UndefinedElement).", "W3C-DOCS"),
    Rule("APL-KEYWORDS", WARNING, "itunes:keywords is at most 255 characters, its keywords separated by commas.",
         "The limit and the commas are those of Apple's former spec (W3C: TooLong, InvalidKeywords).", "W3C-DOCS"),
    Rule("APL-DEPRECATED", INFO, "itunes:summary, itunes:subtitle and itunes:keywords are no longer read by Apple.",
         "They are harmless but dropped from Apple's guide (keywords since 2017).", "APPLE-RSS"),
    Rule("OWNER-EMAIL", WARNING, "The channel has itunes:owner with a valid itunes:email.",
         "The W3C validator warns without it, and directories reportedly use it to verify ownership.",
         "W3C-DOCS"),
    Rule("PLAIN-TEXT", WARNING, "Plain-text fields (titles, itunes:author, itunes:summary, itunes:subtitle) hold no HTML.",
         "Apps show these verbatim, so tags appear as literal '<b>' text.", "APPLE-RSS"),
    Rule("HTTPS", INFO, "Enclosure, artwork and feed URLs use https.",
         "Plain-http media and artwork can be blocked or flagged as insecure by apps and browsers.",
         "PRACTICE"),
    # --- Podcasting 2.0 ----------------------------------------------------------
    Rule("P20-LEGACY-NS", INFO, "The podcast namespace uses the canonical URI https://podcastindex.org/namespace/1.0.",
         "The feed uses the legacy GitHub URI; P20 asks for the canonical one (only gPodder needs the legacy one).",
         "P20"),
    Rule("P20-UNKNOWN", WARNING, "Every podcast: tag is one the namespace defines.",
         "Apps ignore unknown tags, often because of a misspelling.", "P20"),
    Rule("P20-DEPRECATED", WARNING, "No deprecated podcast: tag (podcast:images) is used.",
         "podcast:images was replaced by podcast:image.", "P20"),
    Rule("P20-PARENT", ERROR, "Each podcast: tag sits under a parent the namespace allows.",
         "Parsers look for each tag only under its documented parent.", "P20"),
    Rule("P20-COUNT", ERROR, "Single-count podcast: tags appear at most once per parent.",
         "Parsers keep only one; which one differs between apps.", "P20"),
    Rule("P20-ATTR", ERROR, "podcast: tags have their required attributes and node values.",
         "P20: all attributes are required unless marked optional; partytime drops incomplete tags.", "P20"),
    Rule("P20-LEN", WARNING, "podcast: values stay within their documented lengths (128, 32 or 4000 characters).",
         "Aggregators may truncate longer values.", "P20"),
    Rule("P20-HTTPS", WARNING, "URLs in podcast: tags use https.",
         "P20 requires https for hypertext resources.", "P20"),
    Rule("P20-GUID", ERROR, "podcast:guid is a UUID.",
         "It is the show's permanent identity at the Podcast Index.", "P20"),
    Rule("P20-GUID-SEED", INFO, "podcast:guid is the UUIDv5 of the feed URL (atom:link rel=self).",
         "Expected when the guid was derived from this URL; a guid kept from an older URL is fine.", "P20"),
    Rule("P20-LOCKED", ERROR, "podcast:locked is yes or no, and its owner attribute is an email.",
         "partytime drops any other value, so the lock is silently off.", "PT"),
    Rule("P20-TRANSCRIPT-TYPE", WARNING, "podcast:transcript type is one the spec lists (text/vtt, application/x-subrip, …).",
         "Apps pick a transcript by type and skip unknown ones.", "P20"),
    Rule("P20-CHAPTERS-TYPE", WARNING, "podcast:chapters type is application/json+chapters.",
         "The JSON chapters format is served and announced with this type.", "P20"),
    Rule("P20-PERSON-ROLE", WARNING, "podcast:person role and group come from the Podcast Taxonomy (case-insensitive).",
         "Apps translate and group credits by these names.", "P20"),
    Rule("P20-SEASON", ERROR, "podcast:season is an integer.", "The spec defines the value as an integer.", "P20"),
    Rule("P20-EPISODE", ERROR, "podcast:episode is a decimal number.", "The spec defines the value as a decimal.",
         "P20"),
    Rule("P20-SOUNDBITE", ERROR, "podcast:soundbite startTime and duration are non-negative numbers of seconds.",
         "Apps seek to these times.", "P20"),
    Rule("P20-MEDIUM", ERROR, "podcast:medium is one of the documented values.",
         "partytime drops unknown media.", "P20"),
    Rule("P20-LICENSE", WARNING, "podcast:license is non-empty and a custom license has a url.",
         "'Custom licenses must always include a url attribute.'", "P20"),
    Rule("P20-LOCATION", WARNING, "podcast:location attributes are well formed (rel, geo:, osm, country).",
         "Apps map these values; malformed ones are ignored.", "P20"),
    Rule("P20-TRAILER", ERROR, "podcast:trailer pubdate is RFC 2822, length and season are integers.",
         "Apps pick the newest trailer by pubdate.", "P20"),
    Rule("P20-ALTENC", ERROR, "podcast:alternateEnclosure has a podcast:source and well-formed attributes.",
         "An alternate enclosure without a source cannot be played.", "P20"),
    Rule("P20-BLOCK", ERROR, "podcast:block is yes or no.", "The spec allows only these two values.", "P20"),
    Rule("P20-PODROLL", ERROR, "podcast:podroll and podcast:publisher contain podcast:remoteItem.",
         "The spec requires at least one remoteItem inside them.", "P20"),
    Rule("P20-LIVEITEM", ERROR, "podcast:liveItem has a known status, ISO 8601 times and a podcast:contentLink.",
         "Apps schedule live streams from these values.", "P20"),
)

RULES: dict[str, Rule] = {r.id: r for r in _RULES}


def rule(rule_id: str) -> Rule:
    return RULES[rule_id]


# --- value tables the checks compare against ----------------------------------

PODCAST_NS_LEGACY = "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"

APPLE_ENCLOSURE_EXTENSIONS = (".m4a", ".mp3", ".mov", ".mp4", ".m4v", ".pdf")
APPLE_ENCLOSURE_TYPES = ("audio/x-m4a", "audio/mpeg", "video/quicktime", "video/mp4", "video/x-m4v",
                         "application/pdf")
# The types a player may legitimately announce for each extension; only
# extensions listed here are compared (ENCLOSURE-TYPE-MISMATCH).
EXTENSION_TYPES: dict[str, tuple[str, ...]] = {
    ".mp3": ("audio/mpeg", "audio/mp3", "audio/mpeg3", "audio/x-mpeg"),
    ".m4a": ("audio/x-m4a", "audio/mp4", "audio/m4a", "audio/aac"),
    ".mp4": ("video/mp4", "audio/mp4"),
    ".m4v": ("video/x-m4v", "video/mp4"),
    ".mov": ("video/quicktime",),
    ".pdf": ("application/pdf",),
    ".ogg": ("audio/ogg", "application/ogg", "audio/vorbis", "video/ogg"),
    ".oga": ("audio/ogg", "application/ogg"),
    ".opus": ("audio/opus", "audio/ogg"),
    ".flac": ("audio/flac", "audio/x-flac"),
    ".aac": ("audio/aac", "audio/x-aac"),
    ".wav": ("audio/wav", "audio/x-wav", "audio/wave"),
}
UNPLAYABLE_EXTENSIONS = (".ogg", ".oga", ".opus", ".flac")
UNPLAYABLE_TYPES = ("audio/ogg", "application/ogg", "audio/vorbis", "audio/opus", "audio/flac", "audio/x-flac")

P20_TRANSCRIPT_TYPES = ("text/vtt", "application/x-subrip", "text/html", "application/json", "text/plain")
P20_CHAPTERS_TYPE = "application/json+chapters"
@dataclass(frozen=True)
class P20Tag:
    """Where a podcast: tag may appear, whether it may repeat, what it requires.

    `parents` uses "channel" and "item" (an item-level tag is also allowed in
    podcast:liveItem, which takes item children) or another podcast: tag name.
    """

    parents: tuple[str, ...]
    single: bool
    attrs: tuple[str, ...] = ()
    value_required: bool = False


P20_TAGS: dict[str, P20Tag] = {
    "locked": P20Tag(("channel",), True, value_required=True),
    "transcript": P20Tag(("item",), False, ("url", "type")),
    "funding": P20Tag(("channel", "item"), False, ("url",)),
    "chapters": P20Tag(("item",), True, ("url", "type")),
    "soundbite": P20Tag(("item",), False, ("startTime", "duration")),
    "person": P20Tag(("channel", "item"), False, value_required=True),
    "location": P20Tag(("channel", "item"), False, value_required=True),
    "season": P20Tag(("item",), True, value_required=True),
    "episode": P20Tag(("item",), True, value_required=True),
    "trailer": P20Tag(("channel",), False, ("url", "pubdate"), value_required=True),
    "license": P20Tag(("channel", "item"), True),
    "alternateEnclosure": P20Tag(("item",), False, ("type",)),
    "source": P20Tag(("alternateEnclosure",), False, ("uri",)),
    "integrity": P20Tag(("alternateEnclosure",), True, ("type", "value")),
    "guid": P20Tag(("channel",), True, value_required=True),
    "value": P20Tag(("channel", "item"), False, ("type", "method")),
    "valueRecipient": P20Tag(("value",), False, ("type", "address", "split")),
    "valueTimeSplit": P20Tag(("value",), False, ("startTime", "duration")),
    "medium": P20Tag(("channel",), True, value_required=True),
    "images": P20Tag(("channel", "item"), True, ("srcset",)),
    "liveItem": P20Tag(("channel",), False, ("status", "start")),
    "contentLink": P20Tag(("item",), False, ("href",)),
    "socialInteract": P20Tag(("channel", "item"), False, ("protocol",)),
    "block": P20Tag(("channel",), False, value_required=True),
    "txt": P20Tag(("channel", "item"), False, value_required=True),
    "remoteItem": P20Tag(("channel", "podroll", "valueTimeSplit", "publisher"), False, ("feedGuid",)),
    "podroll": P20Tag(("channel",), True),
    "updateFrequency": P20Tag(("channel",), True, value_required=True),
    "podping": P20Tag(("channel",), True),
    "publisher": P20Tag(("channel",), True),
    "chat": P20Tag(("channel", "item"), True, ("server", "protocol")),
    "image": P20Tag(("channel", "item"), False, ("href",)),
}

# Node-value and attribute length limits from the tag pages ("please do not
# exceed N characters … or it may be truncated by aggregators").
P20_VALUE_LIMITS: dict[str, int] = {
    "funding": 128, "person": 128, "location": 128, "soundbite": 128, "trailer": 128, "license": 128,
    "txt": 4000, "updateFrequency": 128,
}
P20_ATTR_LIMITS: dict[tuple[str, str], int] = {
    ("season", "name"): 128, ("episode", "display"): 32, ("txt", "purpose"): 128,
    ("alternateEnclosure", "title"): 32, ("alternateEnclosure", "rel"): 32,
}


# --- documentation ---------------------------------------------------------------

def _cell(text: str) -> str:
    # Element names such as <rss> would vanish as raw HTML in rendered Markdown.
    return re.sub(r"(<[^<>]+>)", r"`\1`", text).replace("|", "\\|").replace("\n", " ")


def markdown() -> str:
    """docs/rules.md: every rule, then the sources and value tables."""
    lines = [
        "# Feed rules checked by `feedtool check`",
        "",
        "Generated from `feedtool/rules.py` by `python -m feedtool.rules > docs/rules.md`;",
        "a test fails when this file and the catalog drift apart.",
        "",
        "Levels: **error** makes `feedtool check` exit 1 (the feed is rejected or misread, or a spec",
        "\"must\" is broken); **warning** is a recommended rule or a known client pitfall; **info** is advice.",
        "",
        "| rule | level | checks | why | source |",
        "|---|---|---|---|---|",
    ]
    for r in _RULES:
        lines.append(f"| `{r.id}` | {r.level.value} | {_cell(r.summary)} | {_cell(r.rationale)} | {r.source} |")
    lines += ["", "## Sources", "", "| key | source |", "|---|---|"]
    lines += [f"| {key} | {_cell(text)} |" for key, text in SOURCES.items()]
    lines += [
        "",
        "## Accepted values",
        "",
        f"- Enclosure extensions (APL-ENCLOSURE-EXT): {', '.join(APPLE_ENCLOSURE_EXTENSIONS)}",
        f"- Enclosure types (APL-ENCLOSURE-TYPE): {', '.join(APPLE_ENCLOSURE_TYPES)}",
        (f"- Formats many apps cannot play (FORMAT-PLAYBACK): {', '.join(UNPLAYABLE_EXTENSIONS)}; "
         f"{', '.join(UNPLAYABLE_TYPES)}"),
        f"- Transcript types (P20-TRANSCRIPT-TYPE): {', '.join(P20_TRANSCRIPT_TYPES)}",
        f"- Chapters type (P20-CHAPTERS-TYPE): {P20_CHAPTERS_TYPE}",
        f"- Media (P20-MEDIUM): {', '.join(P20_MEDIUMS)}",
        f"- Well-known licenses (P20-LICENSE, case-insensitive): {', '.join(P20_LICENSES)}",
        "- Apple categories (APL-CATEGORY): `feedtool/data/apple_categories.json`, key `categories`;",
        "  the obsolete pre-2019 list (APL-CATEGORY-OBSOLETE) is under `deprecated_pre_2019`.",
        "",
        "### podcast:person taxonomy (P20-PERSON-ROLE)",
        "",
        "| group | roles |",
        "|---|---|",
    ]
    lines += [f"| {g} | {', '.join(roles)} |" for g, roles in P20_PERSON_TAXONOMY.items()]
    lines += [
        "",
        "### podcast: tags (P20-UNKNOWN, P20-PARENT, P20-COUNT, P20-ATTR)",
        "",
        "`item` also means `podcast:liveItem`.",
        "",
        "| tag | parents | count | required attributes |",
        "|---|---|---|---|",
    ]
    for name, tag in P20_TAGS.items():
        required = ", ".join(tag.attrs) + (" + value" if tag.value_required else "") if tag.attrs else (
            "value" if tag.value_required else "")
        lines.append(f"| `podcast:{name}` | {', '.join(tag.parents)} | {'single' if tag.single else 'many'} "
                     f"| {required or '—'} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    sys.stdout.write(markdown())


if __name__ == "__main__":
    main()
