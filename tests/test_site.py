"""The static site `feedtool build` writes beside the feed: its pages parsed
with lxml.html and html5lib (strict), checked against the feed it was
built with, and for sanitized notes, working links and reproducibility."""

from __future__ import annotations

import json

import dataclasses
import io
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import html5lib
import lxml.html
import pytest
from conftest import NS, REPO, snapshot
from lxml import etree
from mutagen.id3 import APIC, ID3, PictureType
from PIL import Image
from test_audio import CHAPTER_STARTS, CHAPTER_TITLES

from feedtool.render import site
from feedtool.engine import run as build
from feedtool.render.feed import EpisodeLinks

FEED_URL = "https://example.com/show/feed.xml"


def page(public: Path, rel: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((public / rel).read_bytes())


def pages(public: Path) -> list[str]:
    """The site's pages (other HTML in public/, such as transcripts, is not)."""
    found = [public / "index.html", *public.glob("episodes/*/index.html")]
    return sorted(p.relative_to(public).as_posix() for p in found if p.is_file())


def feed_items(public: Path) -> dict[str, etree._Element]:
    channel = etree.parse(str(public / "feed.xml")).getroot().find("channel")
    return {item.findtext("title"): item for item in channel.findall("item")}


def meta(doc: lxml.html.HtmlElement, prop: str) -> str | None:
    found = doc.xpath(f"//meta[@property='{prop}']/@content")
    return found[0] if found else None


def built(make_show, cli, episodes=None, **kwargs) -> Path:
    root = make_show(episodes, **kwargs) if episodes is not None else make_show(**kwargs)
    result = cli("build", root)
    assert result.exit_code == 0, result.output
    return root / "public"


def test_index_lists_every_episode_newest_first_with_the_enclosure_as_player(make_show, cli):
    public = built(make_show, cli)
    doc = page(public, "index.html")
    assert doc.get("lang") == "en"
    assert doc.findtext(".//h1") == "Test Show"
    cards = doc.xpath("//ol[@class='episodes']/li/article")
    titles = [c.findtext(".//h3/a") for c in cards]
    items = feed_items(public)
    # The feed's own order is newest first; the page must list the same.
    assert titles == list(items) == ["Second Episode", "Spike Jonze Opens His Heart For 'Her'"]
    for card, title in zip(cards, titles):
        enclosure = items[title].find("enclosure").get("url")
        audio = card.find(".//audio")
        # Relative, so public/ plays from disk and from any host it is copied to (issue 15).
        assert audio.get("src") == enclosure.removeprefix("https://example.com/show/")
        assert audio.get("preload") == "none" and audio.get("controls") is not None
        assert audio.get("aria-label") == f"Play {title}"
        date, duration = card.xpath(".//p[@class='meta']/time")
        assert date.get("datetime")[:10] in ("2014-01-08", "2013-12-18")
        assert duration.get("datetime").startswith("PT") and duration.text == "0:03"
        assert card.xpath(".//p[not(@class)]"), "the summary is shown"
    first = cards[1]
    assert first.xpath(".//p[@class='meta']/time")[0].text == "December 18, 2013"
    assert "Season 1, episode 1" in first.find(".//p[@class='meta']").text_content()
    assert first.xpath(".//p[not(@class)]")[0].text.startswith("Writer-director Spike Jonze's latest movie")


def test_subscribe_links_are_built_from_the_feed_url(make_show, cli):
    doc = page(built(make_show, cli), "index.html")
    links = {a.text: a.get("href") for a in doc.xpath("//ul[@class='apps']//a")}
    assert links["Apple Podcasts"] == "podcasts://example.com/show/feed.xml"
    assert links["Overcast"] == "overcast://x-callback-url/add?url=https%3A%2F%2Fexample.com%2Fshow%2Ffeed.xml"
    assert links["Pocket Casts"] == "pktc://subscribe/example.com/show/feed.xml"
    antennapod = urlsplit(links["AntennaPod"])
    assert (antennapod.scheme, antennapod.netloc, antennapod.path) == ("https", "antennapod.org", "/deeplink/subscribe")
    assert parse_qs(antennapod.query) == {"url": [FEED_URL], "title": ["Test Show"]}
    assert links["RSS"] == FEED_URL
    # Without JavaScript the URL is in a labelled field; the copy button
    # only appears when the script runs.
    field = doc.get_element_by_id("feed-url")
    assert field.get("value") == FEED_URL and field.get("readonly") is not None
    assert doc.xpath("//label[@for='feed-url']")
    button = doc.xpath("//button[@data-copy='feed-url']")[0]
    assert button.get("hidden") is not None and button.text == "Copy feed URL"


def test_every_page_links_the_feed_and_has_open_graph_tags(make_show, cli):
    public = built(make_show, cli)
    items = feed_items(public)
    assert pages(public) == ["episodes/first/index.html", "episodes/second/index.html", "index.html"]
    for rel in pages(public):
        doc = page(public, rel)
        alternate = doc.xpath("//link[@rel='alternate']")
        assert len(alternate) == 1
        assert alternate[0].get("type") == "application/rss+xml"
        assert alternate[0].get("href") == FEED_URL and alternate[0].get("title") == "Test Show"
        assert doc.get("lang") == "en"
        for prop in ("og:title", "og:description", "og:image", "og:type", "og:url"):
            assert meta(doc, prop), f"{rel}: {prop}"
        assert meta(doc, "og:image").startswith("https://example.com/show/")
        assert meta(doc, "og:url").startswith("https://example.com/show/")
        assert doc.xpath("//link[@rel='canonical']/@href") == [meta(doc, "og:url")]
        assert doc.xpath("//meta[@name='viewport']")
    index = page(public, "index.html")
    assert meta(index, "og:type") == "website" and meta(index, "og:url") == "https://example.com/show/"
    assert meta(index, "og:title") == "Test Show" and meta(index, "og:description") == "A show for tests."
    ep = page(public, "episodes/first/index.html")
    item = items["Spike Jonze Opens His Heart For 'Her'"]
    assert meta(ep, "og:type") == "article"
    assert meta(ep, "og:audio") == item.find("enclosure").get("url")
    assert meta(ep, "og:audio:type") == "audio/mpeg"
    # Without art of its own (the fixture's 32 px art is refused), an
    # episode's preview image is the show's cover.
    channel_image = etree.parse(str(public / "feed.xml")).find("channel/itunes:image", NS).get("href")
    assert item.find("itunes:image", NS) is None
    assert meta(ep, "og:image") == channel_image
    # The feed's item <link> is the episode's page.
    assert item.findtext("link") == meta(ep, "og:url") == "https://example.com/show/episodes/first/"


def test_episode_page_has_player_chapters_notes_transcript_files_and_neighbours(make_show, cli):
    public = built(make_show, cli)
    enclosure = "../../media/first.mp3"  # relative: the media are in public/
    doc = page(public, "episodes/first/index.html")
    assert doc.findtext(".//h1") == "Spike Jonze Opens His Heart For 'Her'"
    player = doc.get_element_by_id("player")
    assert player.tag == "audio" and player.get("src") == enclosure and player.get("preload") == "none"

    chapters = doc.xpath("//section[@class='chapters']//li/a")
    assert [a.findtext("span[@class='chapter-title']") for a in chapters] == CHAPTER_TITLES
    assert [float(a.get("data-start")) for a in chapters] == pytest.approx(CHAPTER_STARTS)
    assert [a.findtext("span[@class='at']") for a in chapters] == ["0:00", "0:01", "0:02"]
    # Without JavaScript each chapter is a media-fragment link into the audio.
    assert [a.get("href") for a in chapters] == [f"{enclosure}#t={s:g}" for s in CHAPTER_STARTS]
    assert {a.get("data-player") for a in chapters} == {"player"}

    notes = doc.xpath("//section[@class='notes']")[0]
    assert notes.xpath(".//h3/text()")[0] == "On filming the interactions between Theodore and Samantha"
    assert "Filed Under" not in notes.text_content()
    transcript = doc.xpath("//section[@class='transcript']//details")[0]
    assert "Originally, on set, we'd cast Samantha Morton" in transcript.text_content()

    files = {a.text: a.get("href") for a in doc.xpath("//section[@class='files']//a")}
    assert files["Audio (MP3, 11.0 KB)"] == enclosure
    assert files["Transcript (plain text)"] == "../../transcripts/first.txt"
    # Every transcript and chapters file the feed announces is linked, relatively.
    item = feed_items(public)["Spike Jonze Opens His Heart For 'Her'"]
    announced = [t.get("url") for t in item.findall("podcast:transcript", NS)]
    announced += [c.get("url") for c in item.findall("podcast:chapters", NS)]
    assert len(announced) >= 2
    assert files["Player to embed"] == "../../episodes/first/embed.html"
    assert sorted(h for h in files.values() if h.startswith("../../") and not h.endswith("embed.html") and h != enclosure) == sorted(
        u.replace("https://example.com/show/", "../../") for u in announced)

    # Newest first in the feed: "second" is the next (newer) episode.
    assert [(a.get("rel"), a.get("href")) for a in doc.xpath("//nav[@class='pager']/a")] == [
        ("next", "../../episodes/second/")]
    other = page(public, "episodes/second/index.html")
    assert [(a.get("rel"), a.get("href")) for a in other.xpath("//nav[@class='pager']/a")] == [
        ("prev", "../../episodes/first/")]
    # An episode without a text has no transcript section and no chapters list
    # other than its audio's.
    assert not other.xpath("//section[@class='transcript']")
    summary = feed_items(public)["Second Episode"].findtext("description")
    assert other.xpath("//section[@class='notes']/p/text()") == [summary]


def test_every_relative_link_and_image_resolves_to_a_built_file(make_show, cli):
    public = built(make_show, cli)
    base = "http://site.invalid/"
    checked = 0
    for rel in pages(public):
        doc = page(public, rel)
        refs = doc.xpath("//a/@href | //link/@href | //img/@src | //script/@src | //audio/@src")
        for ref in refs:
            target = urlsplit(urljoin(base + rel, ref))
            if target.netloc != "site.invalid":
                continue  # absolute: the feed, the enclosure, app links
            path = target.path.lstrip("/")
            if path == "" or path.endswith("/"):
                path += "index.html"
            assert (public / path).is_file(), f"{rel}: {ref} -> {path}"
            checked += 1
    assert checked > 20


def test_images_have_alt_text_and_controls_are_labelled(make_show, cli):
    public = built(make_show, cli)
    index = page(public, "index.html")
    cover = index.xpath("//img[@class='cover']")[0]
    assert cover.get("alt") == "Cover art of Test Show"
    assert cover.get("src").startswith("cover-") and (public / cover.get("src")).is_file()
    for rel in pages(public):
        doc = page(public, rel)
        for img in doc.iter("img"):
            assert img.get("alt") is not None, f"{rel}: {lxml.html.tostring(img)!r}"
        for audio in doc.iter("audio"):
            assert audio.get("aria-label")
        # A skip link to the main content, which exists.
        assert doc.xpath("//a[@class='skip']/@href") == ["#main"]
        assert doc.get_element_by_id("main").tag == "main"
        for section in doc.xpath("//section[@aria-labelledby]"):
            assert doc.get_element_by_id(section.get("aria-labelledby")) is not None
    art = page(public, "episodes/first/index.html").xpath("//img[@class='episode-art']")[0]
    assert art.get("alt") == "Cover art of Test Show" and art.get("src") == "../../" + cover.get("src")


def test_an_episodes_own_art_is_shown_and_previewed(make_show, cli):
    root = make_show({"first": {"audio": "tagged.mp3", "toml": "date = 2020-01-01\ntitle = \"Own Art\"\n"}})
    art = io.BytesIO()
    Image.new("RGB", (1400, 1400), (200, 30, 30)).save(art, "PNG")
    tags = ID3(root / "episodes" / "first.mp3")
    tags.delall("APIC")
    tags.add(APIC(encoding=3, mime="image/png", type=PictureType.COVER_FRONT, desc="cover", data=art.getvalue()))
    tags.save()
    public = built(lambda: root, cli)
    item = feed_items(public)["Own Art"]
    doc = page(public, "episodes/first/index.html")
    img = doc.xpath("//img[@class='episode-art']")[0]
    assert img.get("alt") == "Artwork of Own Art"
    assert img.get("src").startswith("../../images/first-")
    assert (public / "episodes" / "first" / img.get("src")).resolve().read_bytes() == art.getvalue()
    assert meta(doc, "og:image") == item.find("itunes:image", NS).get("href")


def test_pages_are_valid_html5(make_show, cli):
    public = built(make_show, cli)
    for rel in pages(public):
        parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
        parser.parse((public / rel).read_bytes())  # raises ParseError on any error
        assert parser.errors == []


@pytest.mark.parametrize("rel", ["index.html", "episodes/spike-jonze-her/index.html"])
def test_the_demos_committed_pages_are_valid_html5(rel):
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    parser.parse((REPO / "public" / rel).read_bytes())
    assert parser.errors == []


HOSTILE_MD = """\
# A Hostile Episode

An ordinary first paragraph.

<script>alert("notes")</script>

<img src="x" onerror="alert('img')">

A [link](javascript:alert('href')) and <a href="https://example.org/" onclick="alert('click')">another</a>.
"""


def test_no_script_from_show_notes_reaches_a_page(make_show, cli):
    root = make_show({"bad": {"audio": "tagged.mp3", "toml": "date = 2020-01-01\n"}})
    (root / "episodes" / "bad.md").write_text(HOSTILE_MD)
    result = cli("build", root)
    assert result.exit_code == 0, result.output
    for rel in pages(root / "public"):
        doc = page(root / "public", rel)
        # Besides site.js, only search engines' data (JSON-LD, which no browser runs).
        assert all(s.get("type") == "application/ld+json" and not s.get("src")
                   for s in doc.iter("script") if not s.get("src"))
        assert [s.get("src").split("?")[0] for s in doc.iter("script") if s.get("src")] == [
            "../../site.js" if rel.startswith("episodes/") else "site.js"]
        assert not [a for el in doc.iter() for a in el.attrib if a.lower().startswith("on")]
        assert not [h for h in doc.xpath("//@href | //@src") if h.strip().lower().startswith("javascript:")]
        for data in doc.xpath('//script[@type="application/ld+json"]'):  # data, never code (issue 16)
            assert "<" not in data.text
            assert json.loads(data.text)["@type"] == ("PodcastEpisode" if rel.startswith("episodes/") else "PodcastSeries")
    assert "An ordinary first paragraph." in page(root / "public", "episodes/bad/index.html").text_content()


def test_render_site_sanitizes_notes_however_the_episode_was_made(make_show):
    root = make_show()
    plan = build.plan(root)
    ep = dataclasses.replace(plan.episodes[1], notes_html=(
        '<p>fine</p><script>alert(1)</script><a href="javascript:alert(2)" onclick="alert(3)">x</a>'
        '<iframe src="https://evil.example/"></iframe>'))
    links = {ep.stem: EpisodeLinks(enclosure="https://example.com/show/media/first.mp3")}
    files = site.render_site(plan.show, [ep], links, None)
    html = files["episodes/first/index.html"]
    doc = lxml.html.fromstring(html)
    notes = doc.xpath("//section[@class='notes']")[0]
    assert notes.xpath("p/text()") == ["fine"]
    assert not notes.xpath(".//script | .//iframe | .//@onclick")
    assert b"alert(1)" not in html and b"javascript:" not in html and b"evil.example" not in html
    # No cover: no image, and no og:image pointing nowhere.
    assert not doc.xpath("//img") and meta(doc, "og:image") is None


def test_a_show_can_override_templates_and_the_stylesheet(make_show, cli):
    root = make_show()
    (root / "templates").mkdir()
    (root / "templates" / "episode.html").write_text(
        '{% extends "base.html" %}\n'
        '{% block body %}<main id="main"><h1 class="custom">{{ episode.title }} by {{ show.author }}</h1>'
        "{{ episode.notes }}</main>{% endblock %}\n")
    css = b"body { color: rebeccapurple; }\n"
    (root / "templates" / "style.css").write_bytes(css)
    public = built(lambda: root, cli)
    doc = page(public, "episodes/second/index.html")
    assert doc.xpath("//h1[@class='custom']/text()") == ["Second Episode by Tess Ting"]
    assert not doc.xpath("//section[@class='chapters']")
    assert doc.xpath("//link[@rel='alternate']/@href") == [FEED_URL]  # base.html still feedtool's
    # Templates not overridden are feedtool's own.
    assert page(public, "index.html").xpath("//ol[@class='episodes']/li")
    assert (public / "style.css").read_bytes() == css
    href = page(public, "index.html").xpath("//link[@rel='stylesheet']/@href")[0]
    assert href == "style.css?v=" + site.urls.fingerprint(css)


@pytest.mark.parametrize(("template", "line", "message"), [
    ('{% extends "base.html" %}\n{% block body %}\n{% for x in %}{% endfor %}\n{% endblock %}\n', 3,
     "Expected an expression"),
    ('{% extends "base.html" %}\n{% block body %}\n<p>{{ show.titel }}</p>\n{% endblock %}\n', 3,
     "has no attribute 'titel'"),
])
def test_a_broken_show_template_is_a_problem_naming_file_and_line(make_show, cli, template, line, message):
    root = make_show()
    (root / "templates").mkdir()
    (root / "templates" / "index.html").write_text(template)
    result = cli("build", root)
    assert result.exit_code == 1
    assert f"error: templates/index.html:{line}:" in result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (root / "public").exists()


def test_the_site_is_byte_reproducible_wherever_the_show_lives(make_show, cli, tmp_path):
    public = built(make_show, cli)
    first = snapshot(public)
    assert cli("build", public.parent).exit_code == 0
    assert snapshot(public) == first
    moved = tmp_path / "elsewhere" / "show"
    shutil.copytree(public.parent, moved, ignore=shutil.ignore_patterns("public"))
    assert cli("build", moved).exit_code == 0
    assert snapshot(moved / "public") == first


def test_a_large_show_is_paged_newest_on_the_index_older_pages_counted_from_the_oldest(make_show, cli, monkeypatch):
    monkeypatch.setattr(site, "INDEX_PAGE_SIZE", 3)
    episodes = {f"ep{n}": {"audio": "tagged.mp3", "toml": f'date = 2024-01-{n:02d}\ntitle = "Episode {n}"\n'}
                for n in range(1, 8)}
    public = built(make_show, cli, episodes)

    def titles(rel: str) -> list[str]:
        return [t.strip() for t in page(public, rel).xpath("//ol[@class='episodes']//h3/a/text()")]

    # 7 episodes, 3 a page: the newest 3 on the index; page 1 the oldest 3,
    # page 2 the one left (only the newest page can be short).
    assert titles("index.html") == ["Episode 7", "Episode 6", "Episode 5"]
    assert titles("page/2/index.html") == ["Episode 4"]
    assert titles("page/1/index.html") == ["Episode 3", "Episode 2", "Episode 1"]
    assert not (public / "page/3").exists()

    # Following "older" from the index walks every page once, and "newer" back.
    base = "http://site.invalid/"
    rel, seen, walk = "index.html", [], []
    while True:
        walk.append(rel)
        seen += titles(rel)
        older = page(public, rel).xpath("//nav[@class='pager']/a[@class='older']/@href")
        if not older:
            break
        rel = urlsplit(urljoin(base + rel, older[0])).path.lstrip("/") + "index.html"
    assert walk == ["index.html", "page/2/index.html", "page/1/index.html"]
    assert seen == [f"Episode {n}" for n in range(7, 0, -1)]
    newer = page(public, "page/2/index.html").xpath("//nav[@class='pager']/a[@class='newer']/@href")
    assert newer == ["../../"]
    doc = page(public, "page/1/index.html")
    assert doc.findtext(".//title") == "Older episodes, page 1 · Test Show"
    assert meta(doc, "og:url") == "https://example.com/show/page/1/"
    # Links from a page two folders down still reach the episode pages and the stylesheet.
    for ref in doc.xpath("//a/@href | //link/@href | //img/@src | //script/@src"):
        target = urlsplit(urljoin(base + "page/1/index.html", ref))
        if target.netloc == "site.invalid":
            path = target.path.lstrip("/")
            assert (public / (path + "index.html" if path.endswith("/") or not path else path)).is_file(), ref
    html5lib.HTMLParser(strict=True).parse((public / "page/1/index.html").read_bytes())


# --- issue 15: links that work anywhere, people, the feed everywhere, search data, embeds -----------


def test_media_elsewhere_are_linked_absolutely(make_show, cli):
    from conftest import SHOW_TOML

    public = built(make_show, cli, show_toml=SHOW_TOML + 'media_base_url = "https://cdn.example.net/audio/"\n')
    doc = page(public, "episodes/first/index.html")
    assert doc.get_element_by_id("player").get("src") == "https://cdn.example.net/audio/first.mp3"
    card = page(public, "index.html").xpath("//ol[@class='episodes']//audio")[0]
    assert card.get("src").startswith("https://cdn.example.net/audio/")


EPISODES_WITH_PEOPLE = {
    "told": {"audio": "tagged.mp3", "text": "A Told Story\n\nThe first paragraph of a story that is told here.\n",
             "toml": 'date = 2020-01-02\ntranscript = true\n[[person]]\nname = "Ann & Guest"\nrole = "guest"\n'
                     'href = "https://ann.example/"\n'},
    "bare": {"audio": "untagged.mp3", "toml": 'date = 2020-01-01\ntitle = "Only A Title"\n'},
}
SHOW_WITH_HOST = '\n[[person]]\nname = "Hal Host"\nrole = "host"\n'


def test_people_are_shown_with_their_roles_and_links(make_show, cli):
    from conftest import SHOW_TOML

    public = built(make_show, cli, EPISODES_WITH_PEOPLE, show_toml=SHOW_TOML + SHOW_WITH_HOST)
    told = page(public, "episodes/told/index.html")
    [person] = told.xpath("//header//p[@class='people']/span")
    assert person.text_content() == "Guest: Ann & Guest"
    assert person.find("a").get("href") == "https://ann.example/"
    # An episode without people of its own has the show's (podcast:person at the channel).
    bare = page(public, "episodes/bare/index.html")
    assert [s.text_content() for s in bare.xpath("//header//p[@class='people']/span")] == ["Host: Hal Host"]
    index = page(public, "index.html")
    assert [s.text_content() for s in index.xpath("//header[@class='hero']//p[@class='people']/span")] == [
        "Host: Hal Host"]


def test_an_episode_without_text_shows_its_title_once(make_show, cli):
    public = built(make_show, cli, EPISODES_WITH_PEOPLE)
    [card] = [c for c in page(public, "index.html").xpath("//ol[@class='episodes']/li/article")
              if c.findtext(".//h3/a") == "Only A Title"]
    assert card.text_content().count("Only A Title") == 1 + 1  # the title and the hidden "of TITLE" of its link
    assert not card.xpath("p[not(@class)]")
    bare = page(public, "episodes/bare/index.html")
    assert not bare.xpath("//section[@class='notes']")
    assert "Only A Title" not in bare.xpath("string(//main//article/*[position() > 1])")


def test_every_page_links_the_feed_and_has_search_data(make_show, cli):
    import json

    public = built(make_show, cli, EPISODES_WITH_PEOPLE)
    feed_url = "https://example.com/show/feed.xml"
    html_files = [*pages(public), "episodes/told/embed.html", "episodes/bare/embed.html", "transcripts/told.html"]
    for rel in html_files:
        doc = page(public, rel)
        assert doc.xpath("//link[@rel='alternate'][@type='application/rss+xml']/@href") == [feed_url], rel
    episode = page(public, "episodes/told/index.html")
    [ld] = episode.xpath("//script[@type='application/ld+json']")
    data = json.loads(ld.text)
    assert data["@type"] == "PodcastEpisode" and data["url"] == "https://example.com/show/episodes/told/"
    assert data["associatedMedia"]["contentUrl"] == "https://example.com/show/media/told.mp3"
    assert data["partOfSeries"]["webFeed"] == feed_url
    series = json.loads(page(public, "index.html").xpath("//script[@type='application/ld+json']")[0].text)
    assert series["@type"] == "PodcastSeries" and series["webFeed"] == feed_url


def test_json_ld_cannot_close_its_script():
    import json

    hostile = "</script><script>alert(1)</script> & <!--"
    text = str(site.json_ld({"name": hostile}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"name": hostile}


def test_sitemap_lists_every_page(make_show, cli):
    public = built(make_show, cli, EPISODES_WITH_PEOPLE)
    sitemap = etree.parse(str(public / "sitemap.xml")).getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    assert sitemap.xpath("//s:loc/text()", namespaces=ns) == [
        "https://example.com/show/", "https://example.com/show/episodes/told/",
        "https://example.com/show/episodes/bare/"]
    for rel in pages(public):
        html5lib.HTMLParser(strict=True).parse((public / rel).read_bytes())
    html5lib.HTMLParser(strict=True).parse((public / "episodes" / "told" / "embed.html").read_bytes())
