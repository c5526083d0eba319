"""The command line: wiring, help, JSON output, quiet mode, colour, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import AUDIO, REPO


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "feedtool", *args], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})})


def test_python_dash_m_and_help_list_the_commands():
    result = run("--help")
    assert result.returncode == 0
    for command in ("build", "inspect", "check", "remove"):
        assert command in result.stdout
    assert run("--version").stdout.startswith("feedtool ")


def test_every_command_has_help_with_an_example_and_is_in_the_readme(cli):
    from feedtool.cli import app

    readme = (REPO / "README.md").read_text()
    import typer.main

    group = typer.main.get_command(app)
    for name in group.commands:  # type: ignore[attr-defined]
        result = cli(name, "--help")
        assert result.exit_code == 0
        assert "Example" in result.output, f"`feedtool {name} --help` shows no example"
        assert f"feedtool {name}" in readme, f"README.md does not show `feedtool {name}`"


def test_build_json_report(make_show, cli):
    root = make_show()
    result = cli("build", root, "--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert [e["title"] for e in report["episodes"]] == ["Second Episode", "Spike Jonze Opens His Heart For 'Her'"]
    assert "feed.xml" in report["added"]
    assert report["episodes"][0]["size"] == (root / "episodes" / "second.m4a").stat().st_size


def test_build_json_on_errors(make_show, cli):
    root = make_show()
    (root / "episodes" / "second.toml").write_text('date = "soon"\n')
    result = cli("build", root, "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["problems"][0]["path"] == "episodes/second.toml"
    assert report["problems"][0]["field"] == "date"


def test_quiet_prints_nothing_on_success(make_show):
    root = make_show()
    result = run("build", str(root), "--quiet")
    assert result.returncode == 0
    assert result.stdout == "" and result.stderr == ""


def test_strict_makes_warnings_fatal(make_show, cli):
    root = make_show()
    (root / "episodes" / "notes.rtf").write_text("stray file")
    assert cli("build", root).exit_code == 0
    result = cli("build", root, "--strict")
    assert result.exit_code == 1
    assert "episodes/notes.rtf" in result.output


def test_no_colour_when_piped_or_with_no_color(make_show):
    root = make_show()
    (root / "episodes" / "second.toml").write_text('date = "soon"\n')
    piped = run("build", str(root))
    assert piped.returncode == 1 and "\x1b[" not in piped.stderr
    forced = run("build", str(root), env={"FORCE_COLOR": "1"})
    assert "\x1b[" in forced.stderr  # colour is on for a terminal...
    no_color = run("build", str(root), env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in no_color.stderr  # ...and NO_COLOR wins


def test_inspect_an_audio_file(tmp_path):
    result = run("inspect", str(AUDIO / "tagged.mp3"), "--json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["mime"] == "audio/mpeg"
    assert info["size"] == (AUDIO / "tagged.mp3").stat().st_size
    assert info["tags"]["track"] == 7
    assert [c["title"] for c in info["chapters"]][:1] == ["Intro"]
    assert info["artwork"]["mime"] in ("image/png", "image/jpeg")
    text = run("inspect", str(AUDIO / "tagged.mp3")).stdout
    assert "audio/mpeg" in text and "chapter" in text


def test_inspect_an_episode_shows_each_fields_source(make_show):
    root = make_show()
    result = run("inspect", str(root / "episodes" / "first.toml"), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    fields = report["fields"]
    assert fields["title"] == {"value": "Spike Jonze Opens His Heart For 'Her'", "source": "text"}
    assert fields["date"]["source"] == "toml"
    assert fields["summary"]["source"] == "text"
    assert fields["image"]["source"] == "tags"
    assert report["text"]["credit"] == "Copyright 2013 NPR."
    second = json.loads(run("inspect", str(root / "episodes" / "second.m4a"), "--json").stdout)
    assert second["fields"]["summary"]["source"] == "tags"
    assert second["fields"]["title"]["source"] == "toml"


def test_inspect_bad_files(tmp_path):
    # A file that cannot be read at all is an unreadable input: exit 2, as `check` does for a non-feed.
    bad = run("inspect", str(AUDIO / "corrupt.mp3"))
    assert bad.returncode == 2 and "corrupt.mp3" in bad.stderr and "Traceback" not in bad.stderr
    missing = run("inspect", str(tmp_path / "nope.mp3"))
    assert missing.returncode == 2 and "file not found" in missing.stderr
    # Every file is reported, the good one too, before the exit code says the worst.
    both = run("inspect", str(tmp_path / "nope.mp3"), str(AUDIO / "tagged.mp3"))
    assert both.returncode == 2 and "file not found" in both.stderr and "tagged.mp3" in both.stdout


def test_unknown_option_is_a_usage_error():
    result = run("build", "--no-such-option")
    assert result.returncode == 2


def test_readme_shows_the_workflow_that_init_writes():
    from feedtool.authoring.scaffold import workflow_yaml

    assert workflow_yaml() in (REPO / "README.md").read_text()


# --- Repeated problems summarised (issue 14, item 4) ------------------------------------------


def _stray_files(root, n: int) -> None:
    for i in range(n):
        (root / "episodes" / f"notes-{i:02d}.rtf").write_text("stray file")  # one INPUT warning each


def _lines(text: str, prefix: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(prefix)]


def test_thirty_warnings_of_one_rule_print_five_and_a_summary(make_show):
    root = make_show()
    _stray_files(root, 30)
    result = run("build", str(root))
    assert result.returncode == 0
    warnings = _lines(result.stderr, "warning: ")
    stray = [w for w in warnings if "not an episode file" in w]
    assert len(stray) == 5
    assert warnings[-1] == "warning: … and 25 more like this (INPUT); `--verbose` lists them all"
    assert sum("more like this" in w for w in warnings) == 1
    assert f"{len(warnings) - 1 + 25} warnings." in result.stderr  # the build's own count is of them all


def test_verbose_prints_every_warning(make_show):
    root = make_show()
    _stray_files(root, 30)
    result = run("build", str(root), "--verbose")
    warnings = _lines(result.stderr, "warning: ")
    assert len([w for w in warnings if "not an episode file" in w]) == 30
    assert not any("more like this" in w for w in warnings)


def test_json_lists_every_warning(make_show):
    root = make_show()
    _stray_files(root, 30)
    result = run("build", str(root), "--json")
    report = json.loads(result.stdout)
    assert len([p for p in report["problems"] if p["message"] == "not an episode file; ignored"]) == 30
    assert "more like this" not in result.stderr


def test_errors_are_never_summarised(make_show):
    root = make_show()
    _stray_files(root, 8)
    for i in range(8):
        (root / "episodes" / f"bad-{i}.toml").write_text('date = "soon"\n')
    result = run("build", str(root))
    assert result.returncode == 1
    errors = _lines(result.stderr, "error: ")
    assert len([e for e in errors if "bad-" in e]) >= 8
    assert not any("more like this" in e for e in errors)


def test_problems_are_printed_as_they_are_written():
    """No rich markup in a message: brackets are the user's text."""
    import io

    from rich.console import Console

    from feedtool import cli as cli_mod
    from feedtool.problems import warning

    saved = cli_mod.err
    buf = io.StringIO()
    cli_mod.err = Console(file=buf, color_system=None)
    try:
        cli_mod.print_problems([warning("episodes/a.toml", "title", "[b]bold[/b] and [/oops]", rule="X")] * 7,
                               limit=5)
    finally:
        cli_mod.err = saved
    lines = buf.getvalue().splitlines()
    assert lines[0] == "warning: episodes/a.toml: title: [b]bold[/b] and [/oops]"
    assert lines[5] == "warning: … and 2 more like this (X); `--verbose` lists them all"
    assert len(lines) == 6


def test_an_option_value_it_cannot_read_is_a_usage_error_naming_the_option(recorded_show, tmp_path):
    """--now and import's --base-url: exit 2, the flag and why, no traceback, nothing written."""
    before = (recorded_show / "public" / "feed.xml").read_bytes()
    result = run("build", str(recorded_show), "--now", "next tuesday")
    assert result.returncode == 2
    assert "error: --now:" in result.stderr and "Traceback" not in result.stderr
    assert (recorded_show / "public" / "feed.xml").read_bytes() == before
    feed = tmp_path / "old.xml"
    feed.write_text("<rss version='2.0'><channel><title>Old</title></channel></rss>")
    result = run("import", str(feed), str(tmp_path / "new-show"), "--base-url", "ftp://example.org/")
    assert result.returncode == 2
    assert "error: --base-url:" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "new-show").exists()
