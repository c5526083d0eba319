"""One grammar for every command (issue 15): the show folder as the last,
optional argument or --show; help without type placeholders; the same exit
codes everywhere; remove, init, renumber and docs as a podcaster expects."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from conftest import AUDIO, REPO
from feedtool.cli import app

# Every command that works on an existing show, with the arguments it needs before SHOW.
SHOW_COMMANDS = {
    "build": ["--check"],
    "episodes": [],
    "list": [],
    "tag": ["all", "--dry-run"],
    "renumber": [],
    "remove": ["nope"],
    "add": [str(AUDIO / "tagged.mp3")],
    "serve": ["--port", "-1"],  # a usage error after the show is found: nothing is served
    "media": ["verify"],
    "master": ["all"],
    "align": ["all"],
}


def commands() -> dict[str, object]:
    return typer.main.get_command(app).commands  # type: ignore[attr-defined,no-any-return]


def test_every_show_command_takes_show_last_or_as_show(tmp_path: Path, cli) -> None:
    """The same folder, named either way, and a folder without podcast.toml named either
    way, give the same answer; the error says how to name the show."""
    # init and import make a new show folder (the same SHOW argument, which must not be one yet).
    assert set(SHOW_COMMANDS) | {"init", "import", "inspect", "check", "docs"} >= set(commands())
    for name, args in SHOW_COMMANDS.items():
        for how in ([str(tmp_path)], ["--show", str(tmp_path)]):
            result = cli(name, *args, *how)
            assert result.exit_code == 2, (name, how, result.output)
            if name != "serve":  # serve's --port is checked by the parser first
                assert "podcast.toml: not found" in result.output, (name, result.output)
                assert "as the last argument" in result.output and "--show SHOW" in result.output
                assert f"feedtool {name}" in result.output  # its own usage line


def test_show_argument_and_show_option_name_the_same_folder(make_show, cli, tmp_path: Path) -> None:
    root = make_show()
    positional = cli("episodes", root, "--json")
    option = cli("episodes", "--show", root, "--json")
    assert positional.exit_code == option.exit_code == 0
    assert positional.stdout == option.stdout
    assert cli("episodes", root, "--show", root).exit_code == 0  # the same one twice is fine
    twice = cli("episodes", root, "--show", tmp_path)
    assert twice.exit_code == 2 and "named twice" in twice.output
    # add AUDIO SHOW: the show after the command's own argument.
    added = cli("add", AUDIO / "tagged.ogg", root, "--date", "2015-01-01", "--stem", "third")
    assert added.exit_code == 0, added.output
    assert (root / "episodes" / "third.ogg").is_file()


def test_the_show_defaults_to_the_current_folder(make_show) -> None:
    root = make_show()
    result = subprocess.run([sys.executable, "-m", "feedtool", "episodes", "--json"], cwd=root,
                            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr
    assert '"stem": "first"' in result.stdout


PLACEHOLDER = re.compile(r"<(bool|path|int|str|text|list\[[^\]]*\])>|\{[A-Za-z_]+\}|list\[")


@pytest.mark.parametrize("name", sorted(commands()))
def test_help_has_real_metavars_and_an_example(name: str, cli) -> None:
    result = cli(name, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output, f"`feedtool {name} --help` shows no example"
    found = PLACEHOLDER.search(result.output)
    assert found is None, f"`feedtool {name} --help` shows the placeholder {found.group(0)!r}"
    usage = next(line for line in result.output.splitlines() if "Usage:" in line)
    # Metavars in capitals, as the README writes them: FEED, FILE..., STEM, [SHOW].
    assert re.fullmatch(r"\s*Usage: feedtool [a-z]+ \[OPTIONS\]( [A-Z\[][A-Z.|a-z\]]*)*\s*", usage), usage


# --- exit codes: 0 good, 1 problems in the show or feed, 2 usage or unreadable input --------------


def test_exit_codes_are_the_same_for_every_command(make_show, cli, tmp_path: Path) -> None:
    root = make_show()
    assert cli("build", root).exit_code == 0
    good = {
        "build": ["--check", root], "episodes": [root], "tag": ["all", root, "--dry-run"],
        "renumber": [root], "check": [root / "public" / "feed.xml"], "inspect": [AUDIO / "tagged.mp3"],
        "docs": ["config"],
    }
    for name, args in good.items():
        result = cli(name, *args)
        assert result.exit_code == 0, (name, result.output)
    usage = {
        "build": ["--no-such-flag"], "check": [tmp_path / "nope.xml"], "inspect": [tmp_path / "nope.mp3"],
        "docs": ["nothing"], "tag": ["all", tmp_path], "remove": ["nope", root], "serve": ["--port", "-1", root],
        "add": [tmp_path / "nope.mp3", root], "renumber": [tmp_path], "episodes": [tmp_path],
        "tag ": ["nope", root], "master": ["nope", root], "align": ["nope", root],  # a STEM that names no episode
        "media": ["verify", tmp_path], "import": [tmp_path / "nope.xml"],
    }
    for name, args in usage.items():
        result = cli(name.strip(), *args)
        assert result.exit_code == 2, (name, result.output)
    (root / "episodes" / "second.toml").write_text('date = "soon"\n')
    not_feed = tmp_path / "bad.xml"
    not_feed.write_text("<rss version='2.0'><channel><title>x</title></channel></rss>")
    problems = {"build": [root], "episodes": [root], "tag": ["all", root], "renumber": [root],
                "check": [not_feed]}
    for name, args in problems.items():
        result = cli(name, *args)
        assert result.exit_code == 1, (name, result.output)


def test_every_problem_is_reported_in_one_run(make_show, cli) -> None:
    """A broken podcast.toml does not hide the episode files' mistakes."""
    root = make_show()
    toml = (root / "podcast.toml").read_text().replace('language = "en"\n', 'langauge = "en"\n')
    (root / "podcast.toml").write_text(toml)
    (root / "episodes" / "second.toml").write_text('date = 2014-01-08\nseason = "one"\n')
    result = cli("build", root)
    assert result.exit_code == 1
    assert "podcast.toml:4: langauge: unknown key; did you mean 'language'?" in result.output
    assert "episodes/second.toml:2: season: expected a whole number" in result.output


# --- remove ----------------------------------------------------------------------------------------


def test_remove_keeps_files_asks_before_deleting_and_can_run_twice(make_show, cli) -> None:
    root = make_show()
    assert cli("build", root).exit_code == 0
    # No terminal to ask on: --delete-files needs --yes, and nothing changes without it.
    lock = (root / "episodes" / "feedtool.lock").read_text()
    refused = cli("remove", "second", root, "--delete-files")
    assert refused.exit_code == 2 and "pass --yes" in refused.output
    assert (root / "episodes" / "feedtool.lock").read_text() == lock
    kept = cli("remove", "second", root)
    assert kept.exit_code == 0 and "kept and stay unpublished" in kept.output
    assert (root / "episodes" / "second.m4a").is_file()
    again = cli("remove", "episodes/second", root)
    assert again.exit_code == 0 and "already removed" in again.output
    deleted = cli("remove", "second", root, "--delete-files", "--yes")
    assert deleted.exit_code == 0 and "deleted second.m4a, second.toml" in deleted.output
    assert not list((root / "episodes").glob("second.*"))
    assert (root / "episodes" / "first.mp3").is_file()
    assert cli("build", root).exit_code == 0


# --- init without a terminal -----------------------------------------------------------------------


def test_init_without_a_terminal_says_to_pass_yes(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "feedtool", "init", str(tmp_path / "s")],
                            stdin=subprocess.DEVNULL, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 2
    assert "--yes" in result.stderr and "--title" in result.stderr and "Aborted" not in result.stderr
    assert not (tmp_path / "s").exists()


def test_what_init_and_add_write_points_at_docs_the_user_has(tmp_path: Path, cli) -> None:
    from test_authoring import INIT_FLAGS

    assert cli("init", tmp_path / "s", *INIT_FLAGS).exit_code == 0
    assert "`feedtool docs config`" in (tmp_path / "s" / "podcast.toml").read_text()
    assert cli("add", AUDIO / "tagged.mp3", tmp_path / "s", "--date", "2020-01-01").exit_code == 0
    written = next((tmp_path / "s" / "episodes").glob("*.toml")).read_text()
    assert "docs/config.md" not in written and "`feedtool docs config`" in written


def test_docs_prints_the_packaged_reference(cli) -> None:
    config = cli("docs", "config")
    assert config.exit_code == 0
    assert config.stdout == (REPO / "docs" / "config.md").read_text()
    rules = cli("docs", "rules")
    assert rules.exit_code == 0 and rules.stdout == (REPO / "docs" / "rules.md").read_text()


# --- numbers follow dates ---------------------------------------------------------------------------


def numbered(root: Path) -> dict[str, int | None]:
    from feedtool.authoring.numbering import episodes_of

    return {e.stem: e.number for e in episodes_of(root)}


def test_add_numbers_by_date_and_renumber_puts_a_show_in_order(make_show, cli) -> None:
    root = make_show({
        "a": {"audio": "tagged.mp3", "toml": "date = 2020-01-01\nepisode = 1\n"},
        "c": {"audio": "tagged.mp3", "toml": "date = 2020-03-01\nepisode = 2\n"},
    })
    # An older interview added last gets the number after the episode dated just before it.
    added = cli("add", AUDIO / "tagged.ogg", root, "--date", "2020-02-01", "--stem", "b")
    assert added.exit_code == 0, added.output
    assert "episode    2" in added.output and "feedtool renumber" in added.output
    newest = cli("add", AUDIO / "tagged.m4a", root, "--date", "2020-04-01", "--stem", "d")
    assert "episode    3" in newest.output
    assert numbered(root) == {"a": 1, "b": 2, "c": 2, "d": 3}

    dry = cli("renumber", root)
    assert dry.exit_code == 0
    assert dry.stdout.splitlines() == ["c: #2 → #3", "d: #3 → #4"]
    assert numbered(root)["c"] == 2  # a dry run writes nothing
    toml_before = (root / "episodes" / "c.toml").read_text()
    assert cli("renumber", root, "--write").exit_code == 0
    assert numbered(root) == {"a": 1, "b": 2, "c": 3, "d": 4}
    assert (root / "episodes" / "c.toml").read_text() == toml_before.replace("episode = 2", "episode = 3")
    again = cli("renumber", root)
    assert again.exit_code == 0 and again.stdout == "" and "already follows" in again.output
    assert cli("build", root).exit_code == 0


def test_toml_with_number_keeps_every_other_line() -> None:
    from feedtool.authoring.numbering import toml_with_number

    text = '# mine\ntitle = "X"\nepisode = 7  # old\n\n[[person]]\nname = "A"\nepisode = 9\n'
    assert toml_with_number(text, 2) == text.replace("episode = 7  # old", "episode = 2")
    assert toml_with_number('title = "X"\n\n[[person]]\nname = "A"\n', 3) == \
        'title = "X"\n\nepisode = 3\n\n[[person]]\nname = "A"\n'
    assert toml_with_number("", 1) == "episode = 1\n"


# --- check agrees with build ------------------------------------------------------------------------


def test_check_has_nothing_to_say_about_a_feed_feedtool_built(make_show, cli) -> None:
    """No warning and no note about feedtool's own choices: no itunes:summary (Apple reads
    <description>), show notes in the tags Apple shows; the site keeps the full notes."""
    from lxml import etree

    from conftest import NS

    root = make_show()
    assert cli("build", root).exit_code == 0
    result = cli("check", root / "public" / "feed.xml", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []
    feed = etree.parse(str(root / "public" / "feed.xml"))
    notes = "".join(feed.xpath("//item/content:encoded/text()", namespaces=NS))
    tags = set(re.findall(r"<([a-z0-9]+)", notes))
    assert tags and tags <= {"p", "ol", "ul", "li", "a"}
    page = (root / "public" / "episodes" / "first" / "index.html").read_text()
    assert "<h3>On filming the interactions between Theodore and Samantha</h3>" in page


def test_apple_notes_keeps_every_word() -> None:
    from feedtool.render.apple_html import apple_notes

    notes = ('<p>Hi <em>there</em></p><h2>Head</h2><blockquote><p>q1</p><p>q2</p></blockquote>'
             '<blockquote>short</blockquote><p>a<br>b</p><p><small>© X &amp; Y</small></p>'
             '<ul><li><strong>x</strong> <a href="https://e.org/">link</a></li></ul>')
    assert apple_notes(notes) == ('<p>Hi there</p><p>Head</p><p>q1</p><p>q2</p><p>short</p><p>a b</p>'
                                  '<p>© X &amp; Y</p><ul><li>x <a href="https://e.org/">link</a></li></ul>')
    assert apple_notes("") == ""
