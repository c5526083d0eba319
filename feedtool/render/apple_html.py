"""Show notes in the feed, in the HTML that Apple Podcasts shows.

Apple's RSS guide allows only <p>, <ol>, <ul>, <li> and <a> in an
episode's description and content:encoded ("A Podcaster's Guide to RSS",
content:encoded; /work/shared/reference/podcast-standards.md, APPLE-RSS) and
strips the rest, and `feedtool check` notes any other tag (APL-ITEM-DESC).
So the feed carries the notes in those tags only, and the site (render/site.py)
keeps the full notes: a sub-head becomes a paragraph of its own, a quote's
paragraphs stay paragraphs, emphasis and the small print keep their text.
"""

from __future__ import annotations

import lxml.html
from lxml import etree

APPLE_TAGS = frozenset(("p", "ol", "ul", "li", "a"))
# Blocks that become a <p> of their own when they hold only text and inline tags.
BLOCKS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "div", "figure", "figcaption"))


def apple_notes(notes_html: str) -> str:
    """NOTES_HTML with every tag outside APPLE_TAGS turned into a paragraph
    (a block) or its bare text (an inline tag). Same input, same bytes."""
    if not notes_html.strip():
        return notes_html
    root = lxml.html.fragment_fromstring(notes_html, create_parent="div")
    for el in list(root.iter()):
        if el is root or not isinstance(el.tag, str) or el.tag in APPLE_TAGS:
            continue
        if el.tag == "br":
            el.tail = " " + (el.tail or "")
            el.drop_tree()
        elif el.tag in BLOCKS and not any(isinstance(c.tag, str) and c.tag in BLOCKS | {"p", "ul", "ol"}
                                          for c in el.iterdescendants()):
            el.tag = "p"
            el.attrib.clear()
        else:
            el.drop_tag()
    text = (root.text or "").strip()
    body = "".join(etree.tostring(c, encoding="unicode", method="html") for c in root)
    return (f"<p>{text}</p>" if text else "") + body
