"""The incremental ("patched") build: when only some episodes' own files
changed since the last build, the build reads those episodes again (their
neighbours' audio stays in the cache), makes again only the outputs they
appear in and leaves the rest of public/ as it was. Whatever it does, the
result must be the one a full build from scratch gives: the same files, byte
for byte, and the same problems. Anything unusual (podcast.toml, a file added
or removed, a date that moves an episode, a hand-edited public/) is a full
build.

The show: 130 episodes, the newest 20 in feed.xml and the rest in six
archive feeds (feed_limit = 20); the newest 25 on index.html and the rest on
page/1 (the oldest) ... page/5 (site.INDEX_PAGE_SIZE = 25)."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
import shutil
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from conftest import AUDIO, SHOW_TOML, TEXTS, age, copy_audio, snapshot

import feedtool.sources.audio
from feedtool.engine import cache, guids
from feedtool.render import site
from feedtool.engine.run import Result, build
from feedtool.cli import episode_json
from feedtool.problems import FeedtoolError
from feedtool.engine.write import MANIFEST

N = 130
FEED_LIMIT = 20
INDEX_PAGE_SIZE = 25
FIRST_DATE = dt.datetime(2015, 1, 1, 9, 0, tzinfo=dt.UTC)
NOT_SHOW = shutil.ignore_patterns("public", cache.CACHE_DIR)
SITE_LISTING = re.compile(r"episodes/(ep\d{3})/")


def stem(i: int) -> str:
    return f"ep{i:03d}"


def date_of(i: int) -> dt.datetime:
    return FIRST_DATE + dt.timedelta(days=3 * i)


def toml_of(i: int, *, date: dt.datetime | None = None) -> str:
    """Title and date; the summary too, unless the interview text gives it."""
    text = (f'title = "Episode {i}"\n'
            f"date = {(date or date_of(i)):%Y-%m-%dT%H:%M:%SZ}\n")
    return text if has_text(i) else text + f'summary = "What happens in episode {i}."\n'


def audio_of(i: int) -> str:
    """Mostly MP3 (three different files), every tenth M4A."""
    return "tagged.m4a" if i % 10 == 0 else ("tagged.mp3", "untagged.mp3", "vbr_xing.mp3")[i % 3]


def has_text(i: int) -> bool:
    return i % 4 == 0


TEXT_NAMES = ("seed_her.txt", "magazine_qa.txt", "radio_transcript.txt")


def text_of(i: int) -> str:
    return TEXT_NAMES[i % 3]


def settle(path: Path) -> None:
    """An edit made a while ago (so that the build after it may be recorded)."""
    when = time.time() - 30
    os.utime(path, (when, when))


# --- The show ------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def small_index_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site, "INDEX_PAGE_SIZE", INDEX_PAGE_SIZE)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, cover_png: Path) -> Path:
    """The show, built once so that it has its GUID lock (a build that
    writes the lock is not recorded, and the next one would not be patched)."""
    root = tmp_path_factory.mktemp("incremental") / "show"
    episodes = root / "episodes"
    episodes.mkdir(parents=True)
    (root / "podcast.toml").write_text(SHOW_TOML + f"feed_limit = {FEED_LIMIT}\n")
    shutil.copy(cover_png, root / "cover.png")
    for i in range(1, N + 1):
        audio = audio_of(i)
        copy_audio(AUDIO / audio, episodes / f"{stem(i)}{Path(audio).suffix}", stem(i))
        (episodes / f"{stem(i)}.toml").write_text(toml_of(i))
        if has_text(i):
            shutil.copy(TEXTS / text_of(i), episodes / f"{stem(i)}.txt")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(site, "INDEX_PAGE_SIZE", INDEX_PAGE_SIZE)
        build(root, use_cache=False)
    assert (root / guids.LOCK_NAME).is_file()
    return root


@pytest.fixture
def show(template: Path, tmp_path: Path) -> Path:
    """A copy of the show, built in full and recorded."""
    root = tmp_path / "show"
    shutil.copytree(template, root, ignore=NOT_SHOW)
    age(root)
    assert build(root).mode == "full"
    assert build(root).mode == "reused"  # the full build was recorded: the next one may patch it
    return root


class AudioReads:
    """Every audio file read in this process, whoever reads it (the one
    place where an open file is handed to mutagen)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.names: list[str] = []
        real = feedtool.sources.audio._read_open_file

        def counting(fh: object, path: Path, *args: object) -> object:
            self.names.append(Path(path).name)
            return real(fh, path, *args)  # type: ignore[arg-type]

        monkeypatch.setattr(feedtool.sources.audio, "_read_open_file", counting)
        # Keep every read in this process, where it is counted.
        monkeypatch.setattr(cache, "POOL_THRESHOLD", 10**9)


@pytest.fixture
def audio_reads(monkeypatch: pytest.MonkeyPatch) -> AudioReads:
    return AudioReads(monkeypatch)


# --- Checks ----------------------------------------------------------------------------


def page(i: int) -> str:
    return f"episodes/{stem(i)}/index.html"


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


def retitle(show: Path, i: int, title: str) -> None:
    rewrite(show / "episodes" / f"{stem(i)}.toml", f'title = "Episode {i}"', f'title = "{title}"')


def listed(public: Path, name: str) -> set[str]:
    """The episodes a site index page lists."""
    return set(SITE_LISTING.findall((public / name).read_text()))


def site_listings(public: Path) -> Iterator[str]:
    yield "index.html"
    yield from sorted(p.relative_to(public).as_posix() for p in public.glob("page/*/index.html"))


def holders(public: Path, i: int) -> tuple[str, str]:
    """The archive feed and the site index page that hold episode I."""
    enclosure = f"/media/{stem(i)}.".encode()
    feeds = [p.name for p in sorted(public.glob("feed*.xml")) if enclosure in p.read_bytes()]
    pages = [name for name in site_listings(public) if stem(i) in listed(public, name)]
    assert len(feeds) == 1 and len(pages) == 1, (feeds, pages)
    return feeds[0], pages[0]


def assert_report_matches_public(result: Result, before: dict[str, str], after: dict[str, str]) -> None:
    """The build's changes are what really changed in public/."""
    added = sorted(after.keys() - before.keys() - {MANIFEST})
    removed = sorted(before.keys() - after.keys() - {MANIFEST})
    changed = sorted(k for k in before.keys() & after.keys() if before[k] != after[k] and k != MANIFEST)
    c = result.changes
    assert (sorted(c.added), sorted(c.changed), sorted(c.removed)) == (added, changed, removed)
    assert c.unchanged == len(after) - 1 - len(added) - len(changed)  # all but the manifest


def first_difference(a: Path, b: Path) -> str:
    try:
        left, right = a.read_text().splitlines(), b.read_text().splitlines()
    except UnicodeDecodeError:
        return f"{a.stat().st_size} bytes vs {b.stat().st_size} bytes (binary)"
    lines = list(difflib.unified_diff(left, right, "incremental", "full", n=1, lineterm=""))
    return "\n".join(line[:200] for line in lines[:30])


def problem_keys(problems: Sequence[dict[str, object]], root: Path) -> list[str]:
    return sorted(json.dumps(p, sort_keys=True).replace(str(root), "<show>") for p in problems)


def assert_same_as_full(show: Path, problems: Sequence[dict[str, object]] | None = None,
                        episodes: Sequence[dict[str, object]] | None = None,
                        result: Result | None = None) -> Result:
    """public/ as left by the last (incremental) build is what a full
    build from scratch of the same show makes, and the build reported the
    same problems and episodes. Returns the full build's result."""
    if result is not None:
        problems = [p.as_dict() for p in result.plan.problems]
    assert problems is not None
    here = show.parent
    ref_root, ref_out = here / "reference" / "show", here / "reference" / "public"
    shutil.rmtree(here / "reference", ignore_errors=True)
    shutil.copytree(show, ref_root, ignore=NOT_SHOW)
    ref = build(ref_root, ref_out, use_cache=False)
    assert ref.mode == "full"

    mine, full = snapshot(show / "public"), snapshot(ref_out)
    only_mine, only_full = sorted(mine.keys() - full.keys()), sorted(full.keys() - mine.keys())
    assert not only_mine and not only_full, (f"files only in the incremental build: {only_mine[:10]}; "
                                             f"only in the full build: {only_full[:10]}")
    differ = sorted(name for name in mine if mine[name] != full[name])
    assert not differ, (f"{len(differ)} files differ from a full build: {differ[:10]}\n"
                        + first_difference(show / "public" / differ[0], ref_out / differ[0]))

    assert problem_keys(problems, show) == problem_keys([p.as_dict() for p in ref.plan.problems], ref_root)
    if episodes is not None:
        full_list = [episode_json(e) for e in ref.plan.episodes]
        assert json.loads(json.dumps(episodes)) == json.loads(json.dumps(full_list))
    if result is not None:
        assert len(result.plan.episodes) == len(ref.plan.episodes)
        assert result.plan.archives == ref.plan.archives
        assert result.plan.feed_bytes == ref.plan.feed_bytes
    assert (show / guids.LOCK_NAME).read_bytes() == (ref_root / guids.LOCK_NAME).read_bytes()
    return ref


def patched(show: Path) -> Result:
    """An incremental build, checked against what it did to public/."""
    before = snapshot(show / "public")
    result = build(show)
    assert result.mode == "patched", f"expected a patched build, got {result.mode!r}"
    assert_report_matches_public(result, before, snapshot(show / "public"))
    return result


# --- The show is what the tests think it is ---------------------------------------


def test_the_show_has_archive_feeds_and_site_pages(show):
    public = show / "public"
    archives = sorted(p.name for p in public.glob("feed-archive-*.xml"))
    assert archives == [f"feed-archive-{k}.xml" for k in range(1, 7)]
    assert listed(public, "index.html") == {stem(i) for i in range(N - INDEX_PAGE_SIZE + 1, N + 1)}
    assert listed(public, "page/1/index.html") == {stem(i) for i in range(1, INDEX_PAGE_SIZE + 1)}
    names = list(site_listings(public))
    assert names == ["index.html", *(f"page/{k}/index.html" for k in range(1, 6))]
    seen = [s for name in names for s in listed(public, name)]
    assert sorted(seen) == [stem(i) for i in range(1, N + 1)]  # each episode on one page


# --- Patched builds --------------------------------------------------------------------


@pytest.mark.parametrize("i", [125, 111], ids=["mid-feed", "oldest-in-feed"])
def test_retitling_an_episode_in_the_feed_is_patched(show, audio_reads, i):
    retitle(show, i, "A Quite Different Title")
    result = patched(show)
    assert audio_reads.names == []  # the episode's and its neighbours' audio came from the cache
    changed = set(result.changes.changed)
    assert {page(i), page(i - 1), page(i + 1), "feed.xml", "index.html"} <= changed
    assert not any(name.startswith(("feed-archive-", "page/")) for name in changed)
    for name in (page(i - 1), page(i + 1), "feed.xml"):
        assert b"A Quite Different Title" in (show / "public" / name).read_bytes(), name
    assert_same_as_full(show, result=result)
    assert len(set(audio_reads.names)) == N  # the counter counts: the full build read every file


# Episode 101 is the oldest both in archive 6 and on page/5: the page of
# its older neighbour names episode 99, which neither of those holds;
# episode 100, the newest in archive 5 and on page/4, the other way round.
@pytest.mark.parametrize("i", [63, 106, 101, 100],
                         ids=["mid-archive", "oldest-on-index", "oldest-on-both", "newest-on-both"])
def test_retitling_an_episode_in_the_archive_is_patched(show, i):
    archive, listing = holders(show / "public", i)
    assert archive != "feed.xml"
    retitle(show, i, "Retitled From The Archive")
    result = patched(show)
    changed = set(result.changes.changed)
    assert {page(i), archive, listing} <= changed
    assert "feed.xml" not in changed
    assert b"Retitled From The Archive" in (show / "public" / archive).read_bytes()
    assert b"Retitled From The Archive" in (show / "public" / page(i + 1)).read_bytes()
    assert_same_as_full(show, result=result)


# STEM.toml refuses HTML in a title or summary (schema.plain_text: an error,
# below); a summary taken from the interview text is only warned about.
SUMMARY_LINE = "Writer-director Spike Jonze's latest movie"


@pytest.mark.parametrize("i", [120, 48], ids=["in-feed", "in-archive"])
def test_an_html_tag_in_a_summary_warns_and_the_warning_goes_with_it(show, i):
    assert has_text(i) and text_of(i) == "seed_her.txt"
    text = f"episodes/{stem(i)}.txt"

    def plain_text_warnings(result: Result) -> list[object]:
        return [p for p in result.plan.problems if p.rule == "PLAIN-TEXT" and p.path == text]

    assert not plain_text_warnings(build(show))
    rewrite(show / text, SUMMARY_LINE, "Writer-director Spike Jonze's <b>bold</b> movie")
    settle(show / text)  # else this build is not recorded, and the next is a full one (memo.Inputs.settled)
    result = patched(show)
    assert [p.field for p in plain_text_warnings(result)] == ["summary"]
    assert_same_as_full(show, result=result)

    rewrite(show / text, "Spike Jonze's <b>bold</b> movie", "Spike Jonze's new movie")
    result = patched(show)
    assert not plain_text_warnings(result)
    assert b"s new movie" in (show / "public" / page(i)).read_bytes()
    assert_same_as_full(show, result=result)


def test_an_edited_interview_text_is_patched_and_reported_so(show, cli):
    i = 60
    assert has_text(i) and text_of(i) == "seed_her.txt"
    text = show / "episodes" / f"{stem(i)}.txt"
    # Not at the end: what follows "Leave a Comment" is the news site's, and dropped.
    rewrite(text, "Like Jonze's earlier", "A paragraph added to the interview.\n\nLike Jonze's earlier")
    before = snapshot(show / "public")
    report = json.loads(cli("build", show, "--json").stdout)
    assert report["build"] == "patched"
    after = snapshot(show / "public")
    changed = sorted(k for k in before.keys() & after.keys() if before[k] != after[k] and k != MANIFEST)
    assert sorted(report["changed"]) == changed
    assert page(i) in changed
    # An article is show notes (on the page and in the feed), not a transcript.
    assert f"transcripts/{stem(i)}.txt" not in after
    assert b"A paragraph added to the interview." in (show / "public" / page(i)).read_bytes()
    assert_same_as_full(show, problems=report["problems"], episodes=report["episodes"])
    assert report["archives"] == [f"feed-archive-{k}.xml" for k in range(6, 0, -1)]


def test_a_patched_build_is_recorded_and_can_be_patched_again(show, cli):
    retitle(show, 90, "Ninety, Renamed")
    settle(show / "episodes" / "ep090.toml")
    first = patched(show)
    public = snapshot(show / "public")
    again = build(show)
    assert again.mode == "reused"
    assert not again.changes.any
    assert snapshot(show / "public") == public
    assert problem_keys([p.as_dict() for p in again.plan.problems], show) == \
        problem_keys([p.as_dict() for p in first.plan.problems], show)
    assert json.loads(cli("build", show, "--json").stdout)["build"] == "reused"

    retitle(show, 30, "Thirty, Renamed")
    result = patched(show)
    assert b"Ninety, Renamed" in (show / "public" / page(90)).read_bytes()
    assert_same_as_full(show, result=result)


def test_two_episodes_far_apart_are_patched_together(show):
    retitle(show, 5, "Early One, Renamed")
    rewrite(show / "episodes" / "ep127.toml", "What happens in episode 127.", "A new summary.")
    result = patched(show)
    changed = set(result.changes.changed)
    assert {page(5), page(4), page(6), page(127), "feed.xml", "index.html", "page/1/index.html"} <= changed
    assert_same_as_full(show, result=result)


# --- Full builds -------------------------------------------------------------------------


def change_date(show: Path) -> None:
    # Episode 63 (archive 4, page/3) becomes the newest but ten: into feed.xml and index.html.
    path = show / "episodes" / "ep063.toml"
    path.write_text(toml_of(63, date=date_of(120) + dt.timedelta(days=1)))


def add_episode(show: Path) -> None:
    episodes = show / "episodes"
    copy_audio(AUDIO / "tagged.mp3", episodes / "ep131.mp3", "ep131")
    (episodes / "ep131.toml").write_text(toml_of(131))


def delete_text(show: Path) -> None:
    (show / "episodes" / "ep072.txt").unlink()


def edit_show(show: Path) -> None:
    rewrite(show / "podcast.toml", "A show for tests.", "A show for tests, renamed.")


def delete_page(show: Path) -> None:
    (show / "public" / page(50)).unlink()


@pytest.mark.parametrize("change", [change_date, add_episode, delete_text, edit_show, delete_page],
                         ids=lambda f: f.__name__)
def test_other_changes_build_everything(show, change):
    before = snapshot(show / "public")
    change(show)
    changed_by_hand = snapshot(show / "public")
    result = build(show)
    assert result.mode == "full"
    assert_report_matches_public(result, changed_by_hand, snapshot(show / "public"))
    assert result.changes.any
    ref = assert_same_as_full(show, result=result)
    if change is delete_page:
        assert (show / "public" / page(50)).is_file()
        assert snapshot(show / "public") == before
    if change is change_date:
        assert "ep063" in listed(show / "public", "index.html")
        assert [e.stem for e in ref.plan.episodes].index("ep063") == 10


def test_an_error_stops_the_build_as_a_full_build_would(show):
    toml = show / "episodes" / "ep097.toml"
    before = snapshot(show / "public")
    rewrite(toml, 'summary = "What happens in episode 97."', 'summary = "Has <b>bold</b>"')
    with pytest.raises(FeedtoolError) as mine:
        build(show)
    assert snapshot(show / "public") == before
    reference = show.parent / "reference"
    shutil.copytree(show, reference, ignore=NOT_SHOW)
    with pytest.raises(FeedtoolError) as full:
        build(reference, use_cache=False)
    assert problem_keys([p.as_dict() for p in mine.value.problems], show) == \
        problem_keys([p.as_dict() for p in full.value.problems], reference)
    assert any(p.path == "episodes/ep097.toml" and p.is_error for p in mine.value.problems)

    # Mended: the last good build is patched.
    rewrite(toml, 'summary = "Has <b>bold</b>"', 'summary = "Has no tag now"')
    result = patched(show)
    assert_same_as_full(show, result=result)


def test_a_new_show_cover_that_an_episode_also_names_builds_everything(show):
    # An episode may name the show's own cover as its art; the cover is still
    # every page's and feed's, so a new one is not that episode's change alone.
    toml = show / "episodes" / "ep070.toml"
    toml.write_text(toml.read_text() + 'image = "../cover.png"\n')
    settle(toml)
    first = patched(show)  # the show's files are not the episode's: still its own change only
    assert_same_as_full(show, result=first)
    from PIL import Image

    cover = show / "cover.png"
    with Image.open(cover) as img:
        img.convert("RGB").point(lambda v: 255 - v).save(cover)
    settle(cover)
    result = build(show)
    assert result.mode == "full"
    assert_same_as_full(show, result=result)
    new_name = next(p.name for p in (show / "public").glob("cover-*.png"))
    assert new_name in (show / "public" / page(3)).read_text()  # a page the episode is nowhere near


def test_every_output_names_in_its_recipe_each_episode_it_shows(show: Path) -> None:
    """The incremental build remakes an output when an episode its recorded
    recipe names changes (run.Plan.uses): a page or feed that shows an
    episode its recipe leaves out would go stale. Only the sitemap, which
    lists every page's address (a change to those is a full build), names
    episodes without a recipe."""
    from feedtool.engine import memo

    public = show / "public"
    last = memo.last_build(show, public)
    assert last is not None
    position = {stem(i): N - i for i in range(1, N + 1)}  # feed order: the newest first
    mentions = re.compile(r"ep\d{3}")
    checked = 0
    for name, row in last.outputs.items():
        path = public / name
        if path.suffix not in (".html", ".xml", ".json", ".vtt", ".srt"):
            continue
        shown = {position[s] for s in mentions.findall(path.read_text("utf-8")) if s in position}
        if not row.made:
            assert name in ("sitemap.xml", MANIFEST) or not shown, f"{name} shows {sorted(shown)[:5]} with no recipe"
            continue
        maker, positions = memo.recipe(row.made)
        assert shown <= set(positions), f"{name} ({maker}) shows {sorted(shown - set(positions))}"
        checked += 1
    assert checked >= 2 * N + 7 + 6  # every page and embed, the 7 feeds, the 6 index pages, and more
