"""The phrases of page chrome that feedtool knows by name.

They are one signal among several for the story reader (`story.py`): a line
they match whole is likely chrome, and an "end" phrase ("Leave a comment",
"Related stories") weighs against the story going on past it, but no single
line decides on its own.  A show adds its own with `clean_patterns` in
podcast.toml; those are obeyed as written (a show knows its own boilerplate).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Literal

from feedtool.config.patterns import compile_patterns

__all__ = ["DEFAULT_PATTERNS", "Role", "classify", "classify_own", "compile_patterns"]

# --- Building blocks for the patterns below --------------------------------
# They are matched case-insensitively, so a capitalised name needs an inline
# case-sensitive group; that is what keeps "By the end of the day" (body) apart
# from "By Tomas Reyes" (byline).
_NAME = r"(?-i:[A-Z][\w'’.-]*)"
_NAME_RUN = rf"{_NAME}(?:\s+(?:{_NAME}|de|da|del|der|van|von|la|le|bin|ibn)){{0,4}}"
# One sentence fragment: a period counts only when it ends a sentence, so
# "$4.99", "npr.org" and "J. Scott" do not stop it.
_FRAG = r"(?:[^.!?]|\.(?=\w))"
# The same, for a call to action, which is one clause: a comma means someone
# is talking ("Subscribe to nothing, she said, …").
_CLAUSE = r"(?:[^.!?,;]|\.(?=\w))"
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = (
    rf"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})"
)
_TIME = (
    r"(?:\d{1,2}:\d{2}(?:\s*[ap]\.?\s?m\.?)?|\d{1,2}\s*[ap]\.?\s?m\.?)"
    r"(?:\s*(?:[ecmp][sd]?t|gmt|utc|bst|cet|cest))?"
)
_SEP = r"\s*(?:at|on|,|·|•|\||-|–|—)?\s*"
_NETWORK = (
    r"(?:facebook|twitter|x|linkedin|reddit|e-?mail|whatsapp|pinterest|flipboard|buffer|pocket|pin|sms"
    r"|bluesky|threads|mastodon|tumblr|telegram)"
)
_SOCIAL_ITEM = rf"(?:{_NETWORK}|tweet|print|copy\s+link|pin\s+it|share)"
_PHOTO_AGENCY = r"(?:getty\s+images|ap\s+photos?|ap\s+images|reuters|afp|shutterstock|istock(?:photo)?|alamy)"

# All the chrome the cleaner knows, in one place.  Each pattern must match a
# whole line (or a whole paragraph), stripped and with its inner whitespace
# collapsed, case-insensitively; see `_classify`.  A line longer than
# `_CHROME_MAX` never matches them: a long paragraph is body, whatever it
# mentions.
#
# A pattern's role is told by a named group around the whole of it:
#   (no group)      plain chrome: the line is dropped;
#   (?P<box>…)      a "Related"/"Read more" box: the line and the few short
#                   lines glued to it (no blank line between) are dropped;
#   (?P<end>…)      an end marker: it and everything after it are dropped,
#                   once the story has begun (before that only the line goes);
#   (?P<credit>…)   the copyright line: it becomes `TextInfo.credit`, and what
#                   follows it is dropped like after an end marker.
# A show's own patterns (podcast.toml) may use the same groups.
DEFAULT_PATTERNS: tuple[str, ...] = (
    # Category labels above the headline ("Filed Under:", "Tags: …").
    r"filed\s+under\b.{0,200}",
    r"(?:tags?|topics?|categor(?:y|ies)|keywords|sections?)\s*:.{0,200}",
    # Which programme aired the piece: "Heard on All Things Considered".
    rf"heard\s+on\s+(?-i:[A-Z]){_FRAG}{{0,80}}",
    # The audio player: "Play associated audio", "Listen · 7:32", "Download",
    # "Embed <iframe …>", "Audio is not supported on your browser".
    r"(?:listen|play|download|stream)"
    r"(?:\s+(?:now|live|here|audio|associated\s+audio"
    r"|(?:to\s+)?(?:this|the)\s+(?:story|episode|segment|interview|podcast|article|audio)))*"
    r"(?:\s*[·•|:–—-]?\s*\d{1,2}:\d{2}(?::\d{2})?(?:\s+min(?:ute)?s?)?)?",
    r"embed(?:\s+code)?(?:\s*<iframe\b.*)?",
    r"<iframe\b.*",
    r".{0,80}\baudio\s+is\s+not\s+supported\b.{0,80}",
    # Advertising and the reading-flow interruptions around it.
    # The ad label in the languages of the pages feedtool is tried on.
    r"(?:advertisements?|advertising|adverts?|ads?|sponsor\s+message|paid\s+content|anzeige|werbung"
    r"|publicit[éeà]|publicidad|publicidade|pubblicit[àa]|reclame|advertentie|реклама|広告|광고|\[광고\]"
    r"|sponsored(?:\s+(?:content|message|links?))?"
    r"|story\s+continues\s+below(?:\s+(?:this\s+)?(?:advertisement|ad))?"
    r"|continue\s+reading(?:\s+(?:the\s+)?(?:main\s+)?(?:story|article|below))?"
    r"|(?:skip|close)\s+(?:this\s+)?(?:ad(?:vertisement)?|to\s+(?:main\s+)?content|navigation))",
    # Share buttons: "Share this", "Share on Facebook", a row of network
    # names, a count of shares ("258 Shares").
    r"[\d.,]+[km]?\s+(?:shares?|likes?)",
    rf"share(?:\s+(?:this|the))?(?:\s+(?:article|story|page|post|episode|interview|link))?"
    rf"(?:\s+(?:on|via|to|with)\s+{_NETWORK})?\s*:?",
    rf"{_SOCIAL_ITEM}(?:\s*[|·•,/]?\s*{_SOCIAL_ITEM})*",
    # Selling the site: "Subscribe…", newsletters, "Donate", log-in links.
    rf"subscribe(?:\s+(?:now|today|here))?(?:\s+(?:to|for|on|and)\b{_CLAUSE}{{0,80}})?[.!]?",
    rf"(?:sign\s*up|subscribe|register|get|join)\b{_CLAUSE}{{0,60}}\bnewsletters?\b{_CLAUSE}{{0,60}}[.!]?",
    rf"(?:become\s+a\s+(?:member|subscriber|supporter)|already\s+a\s+subscriber\??){_CLAUSE}{{0,60}}[.!]?",
    r"(?:donate|support\s+(?:us|our\s+journalism))(?:\s+(?:now|today))?",
    r"(?:log|sign)\s*(?:in|out|up)",
    # Navigation: "Skip to main content", "Menu", "Back to top", "Click here…",
    # "Print this page", "Next story: …".
    r"skip\s+to\s+(?:main\s+)?content|main\s+menu|menu|search|back\s+to\s+top|loading\.*",
    r"print(?:\s+this(?:\s+(?:page|article|story))?)?|e-?mail\s+this(?:\s+(?:page|article|story))?",
    r"(?:next|previous)\s+(?:story|article|post|episode)(?:\s*:.{0,120})?",
    rf"click\s+here\b{_CLAUSE}{{0,80}}[.!]?",
    # Bylines: "By Jane Doe", "By Jane Doe and John Roe | March 4", "Jane Doe,
    # Staff Writer", "Interview by Jane Doe".
    rf"(?:(?:written|reported|interview(?:ed)?|words|story|text)\s+)?by\s+{_NAME_RUN}"
    rf"(?:\s*(?:,|and|&)\s*{_NAME_RUN}){{0,3}}(?:\s*[,|·•—–-]\s*{_FRAG}{{0,60}})?",
    rf"{_NAME_RUN}\s*,\s*(?:(?:staff|senior|contributing|special|chief|guest|freelance)\s+)?"
    r"(?:writer|reporter|correspondent|editor|contributor|critic|columnist|producer)"
    rf"(?:\s+(?:at|for|of)\s+{_FRAG}{{0,40}})?",
    # Photo captions and credits: "Photo: …", "(Photo credit …)", "Jane
    # Doe/Getty Images", "AP Photo/J. Scott Applewhite", a caption ending in
    # "(Getty Images)", NPR's "hide caption" and "Enlarge this image".
    r"(?:photo(?:graph)?s?|image|illustration|video|caption)(?:\s+(?:credit|source|courtesy))?s?"
    r"\s*(?::|by\b|courtesy\b).{0,250}",
    r"image\s+(?:source|credit)s?",
    r"[(\[]\s*(?:photo(?:graph)?|image)?\s*(?:credit|courtesy)\b[^)\]]{0,150}[)\]]\.?",
    rf"[^!?]{{0,120}}\b{_PHOTO_AGENCY}\b[^!?]{{0,80}}(?<![.!?])",
    rf".{{0,300}}[(\[][^()\[\]]*\b(?:{_PHOTO_AGENCY}|photo(?:graph)?\s+(?:by|credit))\b[^()\[\]]*[)\]]\.?",
    r".{0,300}?\b(?:hide|toggle)\s+caption",
    r"(?:enlarge|expand)\s+this\s+image",
    # A photo caption tells who is where in the picture: "(left)", ", right,",
    # "(pictured)", "In this 2006 file photo", or starts with the gallery's
    # counter ("1of4Grass Valley's …").
    r"(?=.{0,300}$).{0,250}(?:\((?:left|right|center|centre|pictured|top|bottom|l|r|from\s+left)\)"
    r"|,\s(?:left|right|center|centre|from\s+left),|\bfile\s+(?:photo|image)\b).{0,250}",
    r"\d+\s*of\s*\d+(?=\S).{10,300}",
    # A caption credited to its agency in brackets at its end: "… in
    # Nogales, Ariz. (AP)", "(Reuters)", "(AFP/Getty Images)".
    r".{10,300}[(\[](?:ap|afp|reuters|getty(?:\s+images)?|epa|dpa|pa|ians|xinhua)(?:\s*/[^()\[\]]{0,60})?[)\]]\.?",
    # A gallery's controls: "Image 1 of 8", "Caption", "Close", "1 / 12".
    r"(?:image|photo|picture|slide|foto|bild)\s*\d*\s*(?:of|/|von|de|di)\s*/?\s*\d*|\d+\s*/\s*\d+"
    r"|caption|close|this\s+slideshow\s+requires\s+javascript\.?",
    # A caption that ends with its photographer: "… the morning show. / Lucía
    # Ferrandis", "… en novembre 2026. CLÉMENCE ANDRIEU / LE MONDE".
    r".{10,300}?[.!?]\s*/\s*(?-i:[A-ZÀ-Þ][\w'’.-]+(?:\s+[A-ZÀ-Þ][\w'’.-]+){0,3})",
    r".{10,300}?[.!?]\s+(?-i:[A-ZÀ-Þ][A-ZÀ-Þ'’.-]+(?:\s+[A-ZÀ-Þ][A-ZÀ-Þ'’.-]+){0,3}(?:\s*/\s*[A-ZÀ-Þ][A-ZÀ-Þ' .-]+)?)",
    # A newsletter plea, in the languages tried: a short paragraph that
    # names the newsletter (a story paragraph about one is longer).
    r"(?=.{0,200}$).{0,120}\b(?:newsletters?|bolet[íi]n|boletim|infolettre|rundbrief|рассылк\w*|뉴스레터|ニュースレター)\b.{0,120}",
    # Paywall labels: "Article réservé aux abonnés", "Subscriber exclusive".
    r"(?:article|contenu|conte[úu]do|contenido|artikel|story)?\s*(?:r[ée]serv[ée]e?|exclusiv[oea]|reserved|nur)"
    r"\s+(?:aux|para|to|for|für|a)\s+(?:abonn[ée]s|assinantes|suscriptores|subscribers|abonnenten|abbonati)"
    r"|subscriber\s+(?:exclusive|only)|for\s+subscribers",
    # Dates and times: "Updated 3:05 PM ET", "December 17, 2013 · 4:03 PM
    # ET", "Published March 4, 2024", "5 min read".
    rf"(?:(?:updated|published|posted|last\s+(?:updated|modified)|originally\s+(?:published|posted|aired)"
    rf"|aired|broadcast)\s*:?\s*(?:on\s+)?)?"
    rf"(?:{_DATE}(?:{_SEP}{_TIME})?|{_TIME}(?:{_SEP}{_DATE})?)",
    r"\d+\s*(?:-\s*)?min(?:ute)?s?\s+read",
    # A comment's author line ("Art Edwards says:") and its buttons.
    rf"{_NAME_RUN}\s+(?:says|said|wrote|schreibt|dit|dice|disse|пишет):?(?:\s+.{{0,60}})?",
    r"reply|antworten|répondre|responder|rispondi|ответить|like\s+this:?|like\s+loading\.*",
    # "Related"/"Read more"/"See also" boxes, with their links glued below.
    r"(?P<box>(?:related|see\s+also|more\s+on\s+this(?:\s+story)?|further\s+reading|read\s+(?:more|next|also)"
    # … and as other languages' sites say it: "Lire aussi", "Leia também",
    # "Lea también", "Leggi anche", "Lesen Sie auch", "Читайте также".
    r"|lire\s+aussi|(?:à|a)\s+lire\s+aussi|leia\s+tamb[ée]m|lea\s+tambi[ée]n|leggi\s+anche|vedi\s+anche"
    r"|lesen\s+sie\s+auch|mehr\s+zum\s+thema|auch\s+interessant|te\s+puede\s+interesar|sur\s+le\s+m[êe]me\s+sujet"
    r"|читайте\s+также|см\.\s+также|関連記事|관련\s*기사)"
    r"(?:\s+(?:links?|topics?|reading|posts?|podcasts?|episodes?|videos?))?(?:\s*:\s*.{0,150})?)",
    # End markers: comments, teaser lists, recommendation widgets.
    r"(?P<end>leave\s+a\s+(?:comment|reply)|(?:\d+\s+)?comments?\s*(?:\(\d+\))?"
    # A comment thread's heading: "14 thoughts on …", "11 responses to …",
    # "3 Kommentare", "Comentarios (4)", "Комментарии".
    r"|\d+\s+(?:thoughts?|responses?|repl(?:y|ies)|comments?)\s+(?:on|to)\b.{0,200}"
    r"|(?:\d+\s+)?(?:kommentare?|commentaires?|comentarios?|coment[áa]rios?|commenti|комментари[йияев]*|コメント|댓글)"
    r"\s*(?:\(\d+\)|\d+)?"
    r"|(?:show|view|read|load|see|hide|add)\s+(?:all\s+)?(?:\d+\s+)?comments?"
    r"|(?:join|start)\s+the\s+(?:conversation|discussion)|comments\s+are\s+closed\.?"
    r"|related\s+(?:stories|articles|coverage|content|news)"
    r"|more\s+(?:\S+\s+){0,3}?(?:stories|articles|news|headlines|podcasts|episodes|reads)(?:\s+(?:from|on|in|like\s+this)\b.{0,40})?"
    r"|more\s+(?:in|from)\s+[^.!?]{1,40}"
    r"|you\s+(?:may|might)\s+also\s+(?:like|enjoy)|what\s+to\s+read\s+next"
    r"|most\s+(?:popular|read|viewed|shared|emailed)|popular\s+(?:now|stories)|trending(?:\s+now)?"
    r"|recommended(?:\s+(?:for\s+you|stories|reading|articles))?"
    r"|(?:promoted|sponsored|partner)\s+(?:stories|content|links)|around\s+the\s+web)",
    # The copyright line: "Copyright 2013 NPR. To see more, visit", "© 2024
    # Lantern", "… All rights reserved."  A bare "Copyright" needs a year, so
    # that a sentence about copyright law is not mistaken for it.
    r"(?P<credit>©.{0,250}|(?:copyright|\(c\))\s*©?\s*(?:1[89]|20)\d{2}\b.{0,250}"
    r"|.{0,120}\ball\s+rights\s+reserved\b.{0,150})",
)

# Default patterns never match longer lines: a paragraph of this size is body
# even if it quotes a share button.
_CHROME_MAX = 300

Role = Literal["body", "chrome", "box", "end", "credit"]
_LONG_CAPTION = re.compile(rf"/\s*(?:{_PHOTO_AGENCY}|ap|epa|dpa|xinhua)\s*[)\]]?\.?$", re.IGNORECASE)
_LONG_CREDIT = re.compile(r"©|\(c\)\s*(?:1[89]|20)\d\d\b|copyright\s*©?\s*(?:(?:1[89]|20)\d\d\b|©)", re.IGNORECASE)
_ROLE_GROUPS: tuple[Literal["box", "end", "credit"], ...] = ("end", "credit", "box")


# The patterns as one alternation: fullmatch tries the alternatives in
# order, as a loop over them would, so the first pattern that matches
# decides the role; one call instead of thirty per short line.
@functools.cache
def _default_any() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in DEFAULT_PATTERNS), re.IGNORECASE)


# The patterns that look for a word anywhere in the line (a photo agency,
# "caption", "newsletter", a photographer's name after a slash) try it at
# every position, which is most of the time a line takes; most lines have
# none of those words.  Each such pattern needs one of these, so a line
# without any is matched against the other patterns only, in the same order:
# the same role, found about twice as fast.
_SCANNED_WORDS = ("audio", "getty", "ap", "reuters", "afp", "shutterstock", "istock", "alamy", "caption", "file",
                  "newsletter", "bolet", "infolettre", "rundbrief", "рассылк", "뉴스레터", "ニュースレター")
_SIDES = ("left", "right", "cent", "from")
_CAPITALS_AFTER_SENTENCE = re.compile(r"[.!?]\s+[A-ZÀ-Þ][A-ZÀ-Þ'’.-]")


def _may_scan(text: str) -> bool:
    """Whether TEXT has what one of the scanning patterns needs (plain
    substring tests: a regex search for them costs as much as the patterns)."""
    if "(" in text or "[" in text or "/" in text:
        return True
    low = text.lower()
    if any(map(low.__contains__, _SCANNED_WORDS)) or ("," in text and any(map(low.__contains__, _SIDES))):
        return True
    return _CAPITALS_AFTER_SENTENCE.search(text) is not None


def _scanning(pattern: str) -> bool:
    return pattern.startswith((".", "[^", "(?=."))


@functools.cache
def _default_anchored() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in DEFAULT_PATTERNS if not _scanning(p)), re.IGNORECASE)

def classify_own(text: str, extra: Sequence[re.Pattern[str]]) -> Role | None:
    """What the show's own patterns say of a line, or None.  They apply at
    any length and are obeyed as written: a show knows its boilerplate."""
    for rx in extra:
        m = rx.fullmatch(text)
        if m:
            return _role_of(m)
    return None


_TRAILING = (".", "…", ":", "!", "»", "›", ">")
_LABEL_MAX = 60


def classify(text: str, extra: Sequence[re.Pattern[str]]) -> Role:
    own = classify_own(text, extra)
    if own is not None:
        return own
    if len(text) > _CHROME_MAX:
        # A long paragraph is body, whatever it mentions; but one that opens
        # with the copyright sign or "Copyright 2024" is the site's legal
        # footer (its address, company number, terms), however long.
        # So is a caption that ends with its photographer and agency ("…
        # on November 19. Jane Roe / AFP"), however long it runs.
        if _LONG_CREDIT.match(text):
            return "credit"
        return "chrome" if _LONG_CAPTION.search(text) else "body"
    rx = _default_any() if _may_scan(text) else _default_anchored()
    m = rx.fullmatch(text)
    if m is None and len(text) <= _LABEL_MAX and text.endswith(_TRAILING):
        # "You may also like...", "Related:", "Comments…": the same label
        # with the punctuation a site put after it.
        bare = text.rstrip("".join(_TRAILING) + " ")
        m = rx.fullmatch(bare) if bare else None
    return _role_of(m) if m else "body"


def _role_of(m: re.Match[str]) -> Role:
    for name in _ROLE_GROUPS:
        if name in m.re.groupindex and m.group(name) is not None:
            return name
    return "chrome"
