"""GUIDs never change and published episodes never vanish by accident."""

from __future__ import annotations

import json
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
    result = cli("remove", "second", "--show", root)
    assert result.exit_code == 0, result.output
    assert not (root / "episodes" / "second.m4a").exists()
    assert cli("build", root).exit_code == 0
    assert list(guids_by_title(root)) == ["Spike Jonze Opens His Heart For 'Her'"]
    lock = json.loads((root / "episodes" / "feedtool.lock").read_text())
    assert lock["removed"]["second"]["guid"] == old_guid
    assert cli("remove", "nope", "--show", root).exit_code == 1


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
