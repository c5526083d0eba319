"""The show model → a small static web site: index.html, one page per
episode, one stylesheet and one small script.

The site is for a listener who follows a link rather than a podcast app:
it plays every episode, shows the notes, chapters and transcript, and helps
the listener subscribe. It works without JavaScript; site.js only seeks the
player when a chapter is clicked and copies the feed URL.

Templates are Jinja2 with autoescaping on. A show can override any of them
(and style.css or site.js) by putting a file of the same name in its own
templates/ folder: that folder is searched first.

Like the feed, the output is bytes in memory, made from the model alone:
no clock, everything in a fixed order, so a rebuild repeats byte for byte.
"""

from __future__ import annotations

import functools
import os
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import jinja2
import nh3
from jinja2.loaders import split_template_path
from markupsafe import Markup

from feedtool import __version__, safe_files
from feedtool.render import fingerprint
from feedtool.render import urls
from feedtool.render.feed import EpisodeLinks
from feedtool.model import Episode, Kept, Person, Show, load
from feedtool.render.paging import ranges
from feedtool.problems import FeedtoolError, Problem, ProblemFound, error
from feedtool.render.fingerprint import Content

TEMPLATES_DIR = "templates"
# An episode's player alone, for an <iframe> on another site: episodes/SLUG/embed.html.
EMBED_NAME = "embed.html"
SITEMAP = "sitemap.xml"
STYLESHEET = "style.css"
SCRIPT = "site.js"
# Open Graph and <meta name="description"> are shown as one or two lines in
# link previews; longer text is cut there anyway, mid-word.
PREVIEW_LIMIT = 300
MONTHS = ("January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December")
FILE_LABELS = {
    "text/html": "Transcript (web page)",
    "text/vtt": "Captions (WebVTT)",
    "application/x-subrip": "Captions (SubRip)",
    "text/plain": "Transcript (plain text)",
    "application/json": "Transcript (JSON)",
}


@dataclass(frozen=True)
class AppLink:
    name: str
    href: str


@dataclass(frozen=True)
class FileLink:
    label: str
    href: str
    type: str


@dataclass(frozen=True)
class ChapterView:
    start: float
    clock: str  # "1:05", what the listener reads
    seconds: str  # "65.173", for data-start and the media fragment
    title: str
    href: str  # the enclosure at this time: the link without JavaScript


@dataclass(frozen=True)
class PersonView:
    """A podcast:person as a page shows it: "Guest: Spike Jonze", linked when it has an href."""

    name: str
    role: str  # "Host", "Guest", "Cover art designer"
    href: str | None
    img: str | None


def people_view(persons: Sequence[Person]) -> tuple[PersonView, ...]:
    return tuple(PersonView(p.name, p.role[:1].upper() + p.role[1:], p.href, p.img) for p in persons)


@dataclass(frozen=True)
class TimedParagraph:
    """A paragraph of an aligned text (issue 18): AT is where it is spoken
    (None when the aligner did not find it); HEADING is the sub-head it
    opens, if it is the first of its section."""

    heading: str | None
    text: str
    at: ChapterView | None


@dataclass(frozen=True)
class EpisodeView:
    """One episode as the templates see it: every string ready to print.

    Paths (``page``, ``image``, ``files``, ``audio``) are relative to the
    page being rendered, so the site plays from disk, a staging host or a
    sub-folder (issue 15); URLs meant for other sites (``url``,
    ``enclosure``, ``og_image``) are absolute. ``audio`` is absolute only
    when the media are elsewhere (media_base_url, a download counter).
    """

    title: str
    slug: str
    page: str
    url: str
    date_iso: str
    date_text: str
    duration_iso: str
    duration_text: str
    label: str  # "Season 1, episode 1" or ""
    episode_type: str
    explicit: bool
    summary: tuple[str, ...]  # paragraphs
    summary_text: str  # one line, for <meta> previews
    enclosure: str
    audio: str  # the enclosure for this page's player and links
    embed: str  # the episode's embeddable player page, relative
    mime: str
    format: str
    size_text: str
    image: str | None
    og_image: str | None
    chapters: tuple[ChapterView, ...]
    files: tuple[FileLink, ...]
    people: tuple[PersonView, ...] = ()  # the episode's podcast:person, else the show's
    keywords: str = ""  # for <meta name="keywords"> and the JSON-LD, comma-separated
    number: int | None = None  # itunes:episode, for the JSON-LD
    has_transcript: bool = False  # without making the transcript's paragraphs
    timed: tuple[TimedParagraph, ...] = ()  # the text aligned to the audio, when it was
    # What `notes` and `transcript` are made by, when a template reads them:
    # the index of 10,000 episodes shows neither (issue 7).
    make_notes: Callable[[], Markup] = field(default=Markup, repr=False, compare=False)
    make_transcript: Callable[[], tuple[str, ...]] = field(default=tuple, repr=False, compare=False)

    @property
    def notes(self) -> Markup:
        return self.make_notes()

    @property
    def transcript(self) -> tuple[str, ...]:
        return self.make_transcript()


@dataclass(frozen=True)
class Nav:
    title: str
    page: str


# The index shows the newest episodes; older ones are on pages of this many,
# counted from the oldest (paging.ranges), so a new episode changes the index
# and the newest page only. One page of 10,000 episode cards is 20 MB of
# HTML that no browser wants and every change would remake (issue 7).
INDEX_PAGE_SIZE = 50


def index_name(number: int) -> str:
    """The file of index page NUMBER: 0 is index.html, k is page/k/."""
    return "index.html" if number == 0 else f"page/{number}/index.html"


def index_href(number: int, depth: int) -> str:
    return "../" * depth + ("" if number == 0 else f"page/{number}/")


# Output name → (what makes it, the positions of the episodes it is made from).
Uses = dict[str, tuple[str, tuple[int, ...]]]


@dataclass(frozen=True)
class Selection:
    """The part of the site an incremental build makes again (patch.py):
    the pages of the episodes at PAGES and the index pages numbered INDEX.
    Positions are in feed order; only those are read from EPISODES."""

    pages: frozenset[int]
    index: frozenset[int]


def render_site(show: Show, episodes: Sequence[Episode], links: Mapping[str, EpisodeLinks],
                cover_url: str | None, *, deferred: bool = False,
                selection: Selection | None = None, uses: Uses | None = None) -> dict[str, Content]:
    """Every file of the site, by path below public/, or those SELECTION names.

    EPISODES must be in feed order (newest first); LINKS are the URLs of the
    files written for each episode, by stem, as the feed got them. DEFERRED
    gives the pages as write.Deferred, made when written and only when what
    they show changed (issue 7: 10,000 pages are neither made nor held
    in memory on every build). USES, if given, gets each page's recipe: the
    part of SELECTION that makes it ("index:K", "page:I") and the positions
    of the episodes it shows (an incremental build works from these).
    """
    env = environment(show)
    css = raw_asset(env, show, STYLESHEET)
    js = raw_asset(env, show, SCRIPT)
    # A changed stylesheet gets a new URL, so browsers that cached the old
    # one for a long time still see the new design.
    assets = {"css": f"{STYLESHEET}?v={urls.fingerprint(css)}", "js": f"{SCRIPT}?v={urls.fingerprint(js)}"}
    common = {
        "show": show,
        "feed_url": show.feed_url,
        "description": paragraphs(show.description),
        "description_text": preview(show.description),
        "apps": subscribe_links(show),
        "generator": f"feedtool {__version__}",
    }
    files: dict[str, Content] = {STYLESHEET: css, SCRIPT: js}
    # What every page depends on besides its episode: the show, the assets,
    # and the show's own templates (feedtool's are in fingerprint.code()).
    site = ("site", show, cover_url, assets, fingerprint.folder(show.root / TEMPLATES_DIR))

    def make(render_page: functools.partial[bytes], *inputs: object, weight: int = 1) -> Content:
        return fingerprint.deferred(render_page, *site, *inputs, weight=weight) if deferred else render_page()

    if deferred:
        _compile(env, PAGE_TEMPLATES)

    spans = ranges(len(episodes), INDEX_PAGE_SIZE)
    last = len(spans) - 1
    for number, span in enumerate(spans):
        if selection is not None and number not in selection.index:
            continue
        shown = [episodes[i] for i in span]
        pager = Pager(
            number=number,
            pages=last,
            # Older is the next page down: the index leads to the newest page.
            older=None if number == 1 or last == 0 else index_href(last if number == 0 else number - 1,
                                                                   0 if number == 0 else 2),
            newer=None if number == 0 else index_href(0 if number == last else number + 1, 2),
        )
        files[index_name(number)] = make(
            functools.partial(_index, env, show, common, assets, shown, links, cover_url, pager),
            "index", pager, [(ep, links[ep.stem]) for ep in shown], weight=len(shown))
        if uses is not None:
            uses[index_name(number)] = (f"index:{number}", tuple(span))
    for i in range(len(episodes)) if selection is None else sorted(selection.pages):
        ep = episodes[i]
        newer = episodes[i - 1] if i > 0 else None
        older = episodes[i + 1] if i + 1 < len(episodes) else None
        older_nav = Nav(older.title, "../../" + page_href(older)) if older else None
        newer_nav = Nav(newer.title, "../../" + page_href(newer)) if newer else None
        files[urls.page_path(ep)] = make(
            functools.partial(_episode_page, env, show, common, assets, ep, links[ep.stem], cover_url,
                              older_nav, newer_nav),
            "page", ep, links[ep.stem], older_nav, newer_nav)
        files[urls.page_folder(ep) + EMBED_NAME] = make(
            functools.partial(_embed_page, env, show, common, assets, ep, links[ep.stem], cover_url),
            "embed", ep, links[ep.stem])
        if uses is not None:
            # A page names the episodes on either side of it (older_nav, newer_nav).
            uses[urls.page_path(ep)] = (f"page:{i}", tuple(j for j in (i - 1, i, i + 1) if 0 <= j < len(episodes)))
            uses[urls.page_folder(ep) + EMBED_NAME] = (f"page:{i}", (i,))
    if selection is None:
        # Page URLs only, no dates: it changes when an episode comes or goes (a full build).
        files[SITEMAP] = sitemap(show, episodes, len(spans))
    return dict(sorted(files.items()))


def sitemap(show: Show, episodes: Sequence[Episode], index_pages: int) -> bytes:
    """sitemap.xml (sitemaps.org protocol 0.9): the index pages and every episode's page."""
    from xml.sax.saxutils import escape

    pages = [show.base_url + index_href(n, 0) for n in range(max(index_pages, 1))]
    pages += [show.base_url + page_href(ep) for ep in episodes]
    body = "".join(f"<url><loc>{escape(url)}</loc></url>\n" for url in pages)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{body}</urlset>\n").encode("utf-8")


def json_ld(data: dict[str, object]) -> Markup:
    """DATA as the text of a <script type="application/ld+json">: '<' escaped
    so that no value can close the script element."""
    import json

    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def series_data(show: Show, cover_url: str | None) -> dict[str, object]:
    """schema.org PodcastSeries, which search engines read for a podcast's page."""
    data: dict[str, object] = {
        "@context": "https://schema.org", "@type": "PodcastSeries", "name": show.title,
        "description": show.description, "url": show.base_url, "webFeed": show.feed_url,
        "author": {"@type": "Person", "name": show.author}, "inLanguage": show.language,
    }
    if cover_url:
        data["image"] = cover_url
    return data


def episode_data(show: Show, view: EpisodeView) -> dict[str, object]:
    """schema.org PodcastEpisode: the episode, its audio and its series."""
    data: dict[str, object] = {
        "@context": "https://schema.org", "@type": "PodcastEpisode", "name": view.title, "url": view.url,
        "datePublished": view.date_iso, "description": view.summary_text, "timeRequired": view.duration_iso,
        "associatedMedia": {"@type": "MediaObject", "contentUrl": view.enclosure,
                            "encodingFormat": view.mime, "duration": view.duration_iso},
        "partOfSeries": {"@type": "PodcastSeries", "name": show.title, "url": show.base_url,
                         "webFeed": show.feed_url},
    }
    if view.og_image:
        data["image"] = view.og_image
    if view.number is not None:
        data["episodeNumber"] = view.number
    if view.keywords:
        data["keywords"] = view.keywords
    return data


@dataclass(frozen=True)
class Pager:
    number: int  # 0 for index.html
    pages: int  # how many older pages there are
    older: str | None  # relative links to the neighbouring index pages
    newer: str | None


def _index(env: jinja2.Environment, show: Show, common: dict[str, object], assets: dict[str, str],
           episodes: Sequence[Episode], links: Mapping[str, EpisodeLinks], cover_url: str | None,
           pager: Pager) -> bytes:
    depth = 0 if pager.number == 0 else 2
    root_views = [episode_view(show, ep, links[ep.stem], cover_url, depth=depth) for ep in episodes]
    return render(env, show, "index.html", {
        **common,
        "root": "../" * depth,
        "assets": assets,
        "cover": relative(show, cover_url, depth) if cover_url else None,
        "og_image": cover_url,
        "url": show.base_url + index_href(pager.number, 0),
        "episodes": root_views,
        "pager": pager,
        "people": people_view(show.extra.get("person") or ()),
        "json_ld": json_ld(series_data(show, cover_url)),
    })


def _episode_page(env: jinja2.Environment, show: Show, common: dict[str, object], assets: dict[str, str],
                  ep: Episode, links: EpisodeLinks, cover_url: str | None, older: Nav | None,
                  newer: Nav | None) -> bytes:
    view = episode_view(show, ep, links, cover_url, depth=2)
    return render(env, show, "episode.html", {
        **common,
        "root": "../../",
        "assets": assets,
        "cover": relative(show, cover_url, 2) if cover_url else None,
        "og_image": view.og_image,
        "url": view.url,
        "episode": view,
        "older": older,
        "newer": newer,
        "embed_name": EMBED_NAME,
        "json_ld": json_ld(episode_data(show, view)),
    })


def _embed_page(env: jinja2.Environment, show: Show, common: dict[str, object], assets: dict[str, str],
                ep: Episode, links: EpisodeLinks, cover_url: str | None) -> bytes:
    view = episode_view(show, ep, links, cover_url, depth=2)
    return render(env, show, "embed.html", {
        **common,
        "root": "../../",
        "assets": assets,
        "cover": relative(show, cover_url, 2) if cover_url else None,
        "og_image": view.og_image,
        "url": view.url + EMBED_NAME,
        "episode": view,
    })


# --- Templates ----------------------------------------------------------------


class ShowTemplates(jinja2.FileSystemLoader):
    """The show's own templates/, read through the guarded door
    (safe_files): a template that links out of the show, or is no regular
    file, stops the build with an error naming it."""

    def __init__(self, show: Show) -> None:
        super().__init__(str(show.root / TEMPLATES_DIR))
        self.show = show

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)
        path = self.show.root / TEMPLATES_DIR / Path(*pieces)
        if not path.exists() and not path.is_symlink():
            raise jinja2.TemplateNotFound(template)
        display = "/".join((TEMPLATES_DIR, *pieces))
        try:
            source = safe_files.read_bytes(path, display, scope=self.show.files).decode("utf-8")
        except ProblemFound as exc:
            raise FeedtoolError([exc.problem]) from None
        except UnicodeDecodeError:
            raise FeedtoolError([error(display, None, "is not UTF-8 text (templates must be UTF-8)")]) from None
        mtime = os.path.getmtime(path)
        return source, str(path), lambda: os.path.getmtime(path) == mtime


def environment(show: Show) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    own = show.root / TEMPLATES_DIR
    if own.is_dir():
        loaders.append(ShowTemplates(show))
    loaders.append(jinja2.PackageLoader("feedtool", TEMPLATES_DIR))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        # Every template is HTML: escape everything that is not Markup.
        autoescape=True,
        # A misspelt variable in a show's own template is a mistake to
        # report, not an empty string to publish.
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


# The templates a page is made from (episode.html and index.html extend
# base.html and include meta.html).
PAGE_TEMPLATES = ("base.html", "meta.html", "people.html", "index.html", "episode.html", "embed.html")


def _compile(env: jinja2.Environment, names: Sequence[str]) -> None:
    """Compile NAMES now, so that the forked copies that make the pages
    (write._stage_forked) share them instead of each compiling them again.
    A template that fails is left for `render`, which reports it."""
    for name in names:
        try:
            env.get_template(name)
        except jinja2.TemplateError:
            pass


def own_template(show: Show, name: str) -> Path | None:
    path = show.root / TEMPLATES_DIR / name
    return path if path.is_file() else None


def raw_asset(env: jinja2.Environment, show: Show, name: str) -> bytes:
    """The stylesheet and script are copied as they are, not rendered: CSS
    braces and Jinja's would only get in each other's way."""
    own = own_template(show, name)
    if own is not None:
        try:
            return safe_files.read_bytes(own, f"{TEMPLATES_DIR}/{name}", scope=show.files)
        except ProblemFound as exc:
            raise FeedtoolError([exc.problem]) from None
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, name)
    return source.encode("utf-8")


def render(env: jinja2.Environment, show: Show, name: str, context: dict[str, object]) -> bytes:
    """Render one page; a mistake in the show's own templates becomes a
    Problem naming the file and line, never a traceback."""
    try:
        return env.get_template(name).render(context).encode("utf-8")
    except jinja2.TemplateSyntaxError as exc:
        problem = template_problem(show, exc.name or name, exc.message or str(exc), exc.lineno)
        if problem is None:
            raise
        raise FeedtoolError([problem]) from None
    except jinja2.TemplateError as exc:
        # Runtime errors (an undefined variable, a bad filter) carry their
        # template line only in the traceback Jinja rewrote for them.
        where = template_frame(show, exc)
        if where is None:
            raise
        problem = template_problem(show, where[0], exc.message or str(exc), where[1])
        assert problem is not None
        raise FeedtoolError([problem]) from None


def template_problem(show: Show, name: str, message: str, line: int | None) -> Problem | None:
    if own_template(show, name) is None:
        return None  # feedtool's own template: a bug, let it show as one
    return error(f"{TEMPLATES_DIR}/{name}", None, message, line=line)


def template_frame(show: Show, exc: BaseException) -> tuple[str, int | None] | None:
    own = (show.root / TEMPLATES_DIR).resolve()
    found: tuple[str, int | None] | None = None
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename).resolve()
        if path.parent == own:
            found = (path.name, frame.lineno)
    return found


# --- The model as the templates see it -----------------------------------------------


def episode_view(show: Show, ep: Episode, links: EpisodeLinks, cover_url: str | None, depth: int) -> EpisodeView:
    image = links.image or cover_url
    files = tuple(
        FileLink(FILE_LABELS.get(t.type, f"Transcript ({t.type})"), relative(show, t.url, depth), t.type)
        for t in links.transcripts
    )
    if links.chapters:
        files += (FileLink("Chapters (JSON)", relative(show, links.chapters, depth), "application/json+chapters"),)
    audio = relative(show, links.enclosure, depth)
    # An episode without a text or summary has its title as both (sources/episodes.py):
    # a page shows it once, as the title, not again as the summary and the notes.
    title_only = " ".join(ep.summary.split()) == " ".join(ep.title.split())
    number = []
    if ep.season is not None:
        number.append(f"Season {ep.season}")
    if ep.number is not None:
        number.append(f"episode {ep.number}" if number else f"Episode {ep.number}")
    return EpisodeView(
        title=ep.title,
        slug=ep.slug,
        page="../" * depth + page_href(ep),
        url=show.base_url + page_href(ep),
        date_iso=ep.date.isoformat(),
        date_text=f"{MONTHS[ep.date.month - 1]} {ep.date.day}, {ep.date.year}",
        duration_iso=iso_duration(ep.audio.duration),
        duration_text=clock(ep.audio.duration),
        label=", ".join(number),
        episode_type=ep.episode_type,
        explicit=ep.explicit,
        summary=() if title_only else paragraphs(ep.summary),
        summary_text=preview(ep.summary),
        has_transcript=_has_transcript(ep),
        enclosure=links.enclosure,
        audio=audio,
        embed="../" * depth + page_href(ep) + EMBED_NAME,
        mime=ep.audio.mime,
        format=ep.audio.format.upper(),
        size_text=human_size(ep.audio.size),
        image=relative(show, links.image, depth) if links.image else None,
        og_image=image,
        chapters=tuple(chapter_view(audio, c.start, c.title) for c in ep.chapters),
        files=files,
        people=people_view(ep.extra.get("person") or show.extra.get("person") or ()),
        keywords=", ".join(ep.keywords),
        number=ep.number,
        timed=_timed(ep, audio),  # relative where the media are in public/, as the chapters
        make_notes=functools.partial(_notes_of, ep, title_only),
        make_transcript=functools.partial(_transcript_of, ep),
    )


def _timed(ep: Episode, enclosure: str) -> tuple[TimedParagraph, ...]:
    alignment = ep.extra.get("alignment")
    if alignment is None or ep.text is None:
        return ()
    from feedtool.sources.align import results

    out = []
    sections = load(ep.text.sections)
    for p in results.paragraphs(ep.text, alignment):
        heading = sections[p.section].heading if p.paragraph == 0 else None
        at = None if p.start is None else chapter_view(enclosure, p.start, "")
        out.append(TimedParagraph(heading, p.text, at))
    return tuple(out)


def chapter_view(enclosure: str, start: float, title: str) -> ChapterView:
    seconds = f"{start:.3f}".rstrip("0").rstrip(".") or "0"
    # W3C Media Fragments URI 1.0, §4.2.1 (temporal dimension, npt seconds):
    # browsers open a media URL ending in #t=65.2 playing from 65.2 s, so a
    # chapter still works as a link when the page's script does not run.
    return ChapterView(start, clock(start), seconds, title, f"{enclosure.split('#', 1)[0]}#t={seconds}")


def _has_transcript(ep: Episode) -> bool:
    """Whether `transcript` has a paragraph, without loading the text: the
    read cache keeps sections out of memory (a Kept) only when there are
    some, and text.py builds them from stripped, non-blank lines."""
    if ep.text is None or not ep.text.is_transcript:
        return False
    return isinstance(ep.text.sections, Kept) or bool(ep.text.transcript().strip())


def _notes_of(ep: Episode, title_only: bool = False) -> Markup:
    if title_only and ep.text is None:  # the notes would be the title again
        return Markup("")
    return sanitized(load(ep.notes_html))


def _transcript_of(ep: Episode) -> tuple[str, ...]:
    return paragraphs(ep.text.transcript()) if ep.text and ep.text.is_transcript else ()


def sanitized(notes_html: str) -> Markup:
    """The show notes are sanitized by text.py already; they are cleaned once
    more right here, where they are marked safe, so that nothing unsanitized
    can reach a page whichever way an Episode was made."""
    return Markup(nh3.clean(notes_html, link_rel="noopener noreferrer", strip_comments=True))


def subscribe_links(show: Show) -> tuple[AppLink, ...]:
    feed = show.feed_url
    bare = feed.split("://", 1)[1] if "://" in feed else feed
    return (
        # Apple Podcasts registers podcasts:// (pcast:// is the older alias,
        # kept for iTunes): the feed URL with its scheme swapped opens the show.
        AppLink("Apple Podcasts", "podcasts://" + bare),
        # Overcast's x-callback-url "add" action takes the whole feed URL,
        # percent-encoded, in its url parameter.
        AppLink("Overcast", "overcast://x-callback-url/add?url=" + quote(feed, safe="")),
        # Pocket Casts: pktc://subscribe/ followed by the feed URL without its
        # leading http(s)://.
        AppLink("Pocket Casts", "pktc://subscribe/" + bare),
        # AntennaPod's documented subscribe link (antennapod.org, "Add your
        # podcast on AntennaPod": deeplink/subscribe?url=…&title=…, both
        # percent-encoded). It opens the app where it is installed and a page
        # explaining it elsewhere; the antennapod-subscribe:// scheme breaks
        # on https feeds because browsers take "https" for its host.
        AppLink("AntennaPod", "https://antennapod.org/deeplink/subscribe?url=" + quote(feed, safe="")
                + "&title=" + quote(show.title, safe="")),
    )


# --- Small formatting helpers ---------------------------------------------------


def redirect_pages(show: Show, moved: Mapping[str, Episode]) -> dict[str, Content]:
    """The old page of each renamed episode (issue 16): episodes/OLD/index.html
    sends browsers on to the episode's page now, so a link or a search result
    to the old address still works. A static host cannot answer 301, so the
    page does what a static site can: a refresh at once, a canonical link
    for search engines (Google treats an instant meta refresh as a permanent
    redirect: developers.google.com/search/docs/crawling-indexing/301-redirects),
    and a plain link. Not in the sitemap, which lists live pages only."""
    from markupsafe import escape

    pages: dict[str, Content] = {}
    for old, ep in sorted(moved.items()):
        target = f"../{quote(ep.slug)}/"  # both pages are folders in episodes/
        title = escape(ep.title)
        pages[f"episodes/{old.replace('/', '-')}/index.html"] = (
            "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{title}</title>\n"
            f"<link rel=\"canonical\" href=\"{escape(show.base_url + page_href(ep))}\">\n"
            f"<meta http-equiv=\"refresh\" content=\"0; url={target}\">\n"
            "<meta name=\"robots\" content=\"noindex\">\n</head>\n<body>\n"
            f"<p>This episode has moved: <a href=\"{target}\">{title}</a>.</p>\n</body>\n</html>\n"
        ).encode("utf-8")
    return pages


def page_href(ep: Episode) -> str:
    """The episode page, relative to the site root."""
    return quote(urls.page_folder(ep))


def relative(show: Show, url: str, depth: int) -> str:
    """A URL of a file in the site, made relative to a page DEPTH folders
    below the root, so the site works wherever it is served; URLs of files
    hosted elsewhere stay absolute."""
    if url.startswith(show.base_url):
        return "../" * depth + url[len(show.base_url):]
    return url


def paragraphs(text: str) -> tuple[str, ...]:
    parts = (" ".join(p.split()) for p in text.replace("\r\n", "\n").split("\n\n"))
    return tuple(p for p in parts if p)


def preview(text: str, limit: int = PREVIEW_LIMIT) -> str:
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:.-–—") + "…"


def clock(seconds: float) -> str:
    s = round(seconds)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def iso_duration(seconds: float) -> str:
    """An HTML valid duration string (HTML §2.3.5.10), for <time datetime>."""
    s = max(0, round(seconds))
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return "PT" + (f"{h}H" if h else "") + (f"{m}M" if m else "") + f"{sec}S"


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{n} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{n} bytes"
