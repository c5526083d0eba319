"""GUIDs never change and published episodes never vanish by accident."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from lxml import etree

from conftest import snapshot


def guids_by_title(root: Path) -> dict[str, str]:
    ch = etree.parse(str(root / "public" / "feed.xml")).getroot().find("channel")
    return {i.findtext("title"): i.findtext("guid") for i in ch.findall("item")}


def rename_episode(root: Path, old: str, new: str) -> None:
    for p in sorted((root / "episodes").glob(f"{old}.*")):
        p.rename(p.with_name(new + p.suffix))


def test_lock_records_each_guid(make_show, cli):
    root = make_show()
    assert cli("build", root).exit_code == 0
    lock = json.loads((root / "episodes" / "feedtool.lock").read_text())
    assert set(lock["episodes"]) == {"first", "second"}
    assert set(guids_by_title(root).values()) == {e["guid"] for e in lock["episodes"].values()}


def test_renamed_episode_keeps_its_guid(make_show, cli):
    root = make_show()
    assert cli("build", root).exit_code == 0
    before = guids_by_title(root)
    rename_episode(root, "first", "spike-jonze")
    result = cli("build", root)
    assert result.exit_code == 0, result.output
    assert guids_by_title(root) == before
    assert "renamed from 'first'" in result.output
    # ... and the enclosure URL change is reported with both URLs.
    assert "media/first.mp3 to https://example.com/show/media/spike-jonze.mp3" in result.output


def test_a_renamed_episodes_old_page_redirects_to_its_new_one(make_show, cli, tmp_path):
    """Issue 16: renaming leaves the old page behind as a redirect, the lock
    remembers the old stem (so a fresh clone makes the same redirect), the
    sitemap lists live pages only, and a chain of renames leads to the last."""
    import html5lib

    root = make_show()
    assert cli("build", root).exit_code == 0
    rename_episode(root, "first", "spike-jonze")
    assert cli("build", root).exit_code == 0
    rename_episode(root, "spike-jonze", "her")
    assert cli("build", root).exit_code == 0
    lock = json.loads((root / "episodes" / "feedtool.lock").read_text())
    assert lock["renamed"] == {"first": "spike-jonze", "spike-jonze": "her"}
    public = root / "public"
    for old in ("first", "spike-jonze"):
        doc = html5lib.parse((public / "episodes" / old / "index.html").read_text(), treebuilder="lxml",
                             namespaceHTMLElements=False)
        assert doc.xpath("//meta[@http-equiv='refresh']/@content") == ["0; url=../her/"]
        assert doc.xpath("//link[@rel='canonical']/@href") == ["https://example.com/show/episodes/her/"]
        assert doc.xpath("//a/@href") == ["../her/"]
    sitemap = (public / "sitemap.xml").read_text()
    assert "episodes/her/" in sitemap and "episodes/first/" not in sitemap and "spike-jonze" not in sitemap
    # The redirects come from the lock, not from what public/ held: a clone makes them too.
    clone = tmp_path / "clone"
    shutil.copytree(root, clone, ignore=shutil.ignore_patterns("public", ".feedtool-cache"))
    assert cli("build", clone).exit_code == 0
    assert snapshot(clone / "public") == snapshot(public)
    # A new episode that takes an old name gets its own page, not the redirect.
    shutil.copy(root / "episodes" / "her.mp3", root / "episodes" / "first.mp3")
    from conftest import copy_audio

    copy_audio(root / "episodes" / "her.mp3", root / "episodes" / "first.mp3", "first-again")
    (root / "episodes" / "first.toml").write_text('date = 2020-02-02\ntitle = "First, again"\n')
    result = cli("build", root)
    assert result.exit_code == 0, result.output
    assert "First, again" in (public / "episodes" / "first" / "index.html").read_text()
    assert "refresh" in (public / "episodes" / "spike-jonze" / "index.html").read_text()


def test_edited_title_date_and_text_keep_the_guid(make_show, cli):
    root = make_show()
    assert cli("build", root).exit_code == 0
    guid = guids_by_title(root)["Second Episode"]
    (root / "episodes" / "second.toml").write_text('date = 2015-05-05\ntitle = "Retitled"\n')
    (root / "episodes" / "second.txt").write_text("New Headline\n\nNew standfirst for this episode.\n")
    assert cli("build", root).exit_code == 0
    assert guids_by_title(root)["Retitled"] == guid


def test_vanished_episode_fails_the_build(make_show, cli):
    root = make_show()
    assert cli("build", root).exit_code == 0
    before = snapshot(root / "public")
    for p in (root / "episodes").glob("second.*"):
        p.unlink()
    result = cli("build", root)
    assert result.exit_code == 1
    assert "episodes/feedtool.lock: second:" in result.output
    assert "feedtool remove second" in result.output
    assert snapshot(root / "public") == before


def test_remove_command_unpublishes_on_purpose(make_show, cli):
    root = make_show()
    assert cli("build", root).exit_code == 0
    old_guid = guids_by_title(root)["Second Episode"]
    result = cli("remove", "second", root, "--delete-files", "--yes")
    assert result.exit_code == 0, result.output
    assert not (root / "episodes" / "second.m4a").exists()
    assert cli("build", root).exit_code == 0
    assert list(guids_by_title(root)) == ["Spike Jonze Opens His Heart For 'Her'"]
    lock = json.loads((root / "episodes" / "feedtool.lock").read_text())
    assert lock["removed"]["second"]["guid"] == old_guid
    assert cli("remove", "nope", "--show", root).exit_code == 2  # a stem never published: a usage error
    again = cli("remove", "second", root)  # a second remove: already done, said so, exit 0
    assert again.exit_code == 0 and "second was already removed" in again.output


def test_guid_in_toml_may_not_contradict_the_lock(make_show, cli):
    root = make_show()
    assert cli("build", root).exit_code == 0
    (root / "episodes" / "second.toml").write_text('date = 2014-01-08\nguid = "something-else"\n')
    result = cli("build", root)
    assert result.exit_code == 1
    assert "episodes/second.toml: guid:" in result.output and "published with guid" in result.output


def test_two_episodes_sharing_a_guid(make_show, cli):
    root = make_show({
        "a": {"audio": "tagged.mp3", "toml": 'date = 2020-01-01\nguid = "same"\n'},
        "b": {"audio": "tagged.ogg", "toml": 'date = 2020-01-02\nguid = "same"\n'},
    })
    result = cli("build", root)
    assert result.exit_code == 1
    assert "'same' is also the GUID of 'a'" in result.output
    assert not (root / "public").exists()


def test_guids_do_not_depend_on_build_order_or_machine(make_show, tmp_path, cli):
    a = make_show(root=tmp_path / "a")
    b = make_show(root=tmp_path / "b")
    assert cli("build", a).exit_code == 0
    assert cli("build", b).exit_code == 0
    assert guids_by_title(a) == guids_by_title(b)


def lock_of(root: Path) -> dict:
    return json.loads((root / "episodes" / "feedtool.lock").read_text())


def test_a_retired_guid_never_comes_back(make_show, cli, tmp_path):
    """The issue's case: `remove night-baker`, then `add other.mp3 --stem
    night-baker` and `build` published a different episode under the retired
    GUID and deleted the record of the retirement. Now add refuses the stem,
    a build refuses a new audio put there by hand, and the record stays."""
    from conftest import AUDIO

    root = make_show()
    assert cli("build", root).exit_code == 0
    old_guid = guids_by_title(root)["Second Episode"]
    assert cli("remove", "second", "--show", root, "--delete-files", "--yes").exit_code == 0
    assert cli("build", root).exit_code == 0
    retired = lock_of(root)["removed"]["second"]
    assert retired["guid"] == old_guid and retired["audio_sha256"]

    added = cli("add", AUDIO / "tagged.ogg", "--stem", "second", "--date", "2020-02-02", "--show", root)
    assert added.exit_code == 1
    assert "episodes/second.toml: the stem 'second' belonged to an episode removed" in added.output
    assert not (root / "episodes" / "second.ogg").exists()

    before = snapshot(root / "public")
    shutil.copy(AUDIO / "tagged.ogg", root / "episodes" / "second.ogg")  # by hand, past add
    (root / "episodes" / "second.toml").write_text('date = 2020-02-02\ntitle = "Another Show Entirely"\n')
    result = cli("build", root)
    assert result.exit_code == 1, result.output
    assert "episodes/second.ogg: the stem 'second' belonged to an episode removed" in result.output
    assert "such as second-2" in result.output
    assert snapshot(root / "public") == before
    assert lock_of(root)["removed"]["second"] == retired

    # The way out the message gives: a new stem, a new GUID.
    for p in (root / "episodes").glob("second.*"):
        p.rename(p.with_name("second-2" + p.suffix))
    assert cli("build", root).exit_code == 0
    new_guid = guids_by_title(root)["Another Show Entirely"]
    assert new_guid != old_guid
    assert old_guid not in {e["guid"] for e in lock_of(root)["episodes"].values()}
    assert lock_of(root)["removed"]["second"] == retired
    assert old_guid not in (root / "public" / "feed.xml").read_text()


def test_kept_files_of_a_removed_episode_stay_unpublished_with_a_note(make_show, cli):
    root = make_show()
    assert cli("build", root).exit_code == 0
    old_guid = guids_by_title(root)["Second Episode"]
    removed = cli("remove", "second", root)  # keeping the files is the default
    assert removed.exit_code == 0 and "stay unpublished" in removed.output
    assert (root / "episodes" / "second.m4a").exists()
    result = cli("build", root)
    assert result.exit_code == 0, result.output
    assert "episodes/second.m4a: was removed with `feedtool remove second`" in result.output
    assert "stays unpublished" in result.output
    assert list(guids_by_title(root)) == ["Spike Jonze Opens His Heart For 'Her'"]
    assert old_guid not in (root / "public" / "feed.xml").read_text()
    assert not (root / "public" / "media" / "second.m4a").exists()
    assert lock_of(root)["removed"]["second"]["guid"] == old_guid
    assert "second" not in lock_of(root)["episodes"]


def test_the_same_audio_under_a_new_stem_gets_a_new_guid(make_show, cli):
    """A removed episode's audio brought back under another stem is a new
    episode: it does not inherit the retired GUID as a renamed one would."""
    root = make_show()
    assert cli("build", root).exit_code == 0
    old_guid = guids_by_title(root)["Second Episode"]
    assert cli("remove", "second", "--show", root, "--keep-files").exit_code == 0
    for p in (root / "episodes").glob("second.*"):
        p.rename(p.with_name("second-again" + p.suffix))
    result = cli("build", root)
    assert result.exit_code == 0, result.output
    assert guids_by_title(root)["Second Episode"] != old_guid


def test_a_toml_may_not_claim_a_retired_guid(make_show, cli):
    root = make_show()
    assert cli("build", root).exit_code == 0
    old_guid = guids_by_title(root)["Second Episode"]
    assert cli("remove", "second", "--show", root, "--delete-files", "--yes").exit_code == 0
    (root / "episodes" / "first.toml").write_text(f'date = 2013-12-18\nguid = "{old_guid}"\n')
    result = cli("build", root)
    assert result.exit_code == 1
    assert "episodes/first.toml: guid:" in result.output and "retired GUID is never given again" in result.output
