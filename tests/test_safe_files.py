"""Nothing outside the show is ever read or published (issue 13, item 1):
every file feedtool reads for a show is a regular file inside the show
folder, once symlinks are followed, or in a folder `--allow-outside` names
on the command line; anything else stops the build with an error naming the
file and where it points."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import AUDIO, REPO, snapshot
from feedtool import safe_files
from feedtool.config import schema
from feedtool.problems import ProblemFound


def public_bytes(root: Path) -> bytes:
    """Every byte below public/, to search for a leaked secret."""
    return b"".join(p.read_bytes() for p in sorted((root / "public").rglob("*")) if p.is_file())


def run(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "feedtool", *map(str, args)], capture_output=True, text=True,
                          timeout=120, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})})


def test_links_to_proc_etc_and_outside_the_show_reach_nothing_of_public(make_show, tmp_path):
    """The issue's case: a contributor links an interview text to the build's
    environment (where a CI token lives), a second one to /etc/passwd and an
    episode's audio to a file outside the show. A real subprocess, with a
    secret in its environment, proves none of it is published."""
    root = make_show()
    assert run("build", root).returncode == 0
    before = snapshot(root / "public")
    episodes = root / "episodes"
    (episodes / "first.txt").unlink()
    (episodes / "first.txt").symlink_to("/proc/self/environ")
    shutil.copy(AUDIO / "untagged.mp3", episodes / "third.mp3")
    (episodes / "third.toml").write_text("date = 2015-01-01\n")
    (episodes / "third.md").symlink_to("/etc/passwd")
    stranger = tmp_path / "elsewhere" / "private.mp3"
    stranger.parent.mkdir()
    shutil.copy(AUDIO / "tagged.mp3", stranger)
    (episodes / "second.m4a").unlink()
    (episodes / "second.mp3").symlink_to(stranger)

    result = run("build", root, env={"FEEDTOOL_TEST_SECRET": "s3cr3t-token-value"})
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "episodes/first.txt: it is a symbolic link to /proc/self/environ" in result.stderr
    assert "episodes/third.md: it is a symbolic link to /etc/passwd, outside the show folder" in result.stderr
    assert f"episodes/second.mp3: it is a symbolic link to {stranger}, outside the show folder" in result.stderr
    assert "--allow-outside" in result.stderr
    assert "s3cr3t-token-value" not in result.stderr
    assert snapshot(root / "public") == before
    published = public_bytes(root)
    assert b"s3cr3t-token-value" not in published and b"root:x:0:0" not in published
    assert not [p for p in (root / "public").rglob("*") if p.is_symlink()]


def test_allow_outside_lets_the_command_line_and_only_it_name_a_folder(make_show, tmp_path, cli):
    """A podcaster who keeps the audio elsewhere names the folder on the
    command line; the published file is then a copy, never a link to it."""
    root = make_show()
    archive = tmp_path / "archive"
    archive.mkdir()
    shutil.copy(AUDIO / "tagged.m4a", archive / "second.m4a")
    (root / "episodes" / "second.m4a").unlink()
    (root / "episodes" / "second.m4a").symlink_to(archive / "second.m4a")
    refused = cli("build", root)
    assert refused.exit_code == 1 and "episodes/second.m4a" in refused.output
    assert not (root / "public").exists()
    assert cli("build", root, "--allow-outside", archive).exit_code == 0
    media = root / "public" / "media" / "second.m4a"
    assert not media.is_symlink() and media.read_bytes() == (archive / "second.m4a").read_bytes()
    assert not os.path.samestat(media.stat(), (archive / "second.m4a").stat())
    # /proc stays closed, whatever the command line allows.
    (root / "episodes" / "first.txt").unlink()
    (root / "episodes" / "first.txt").symlink_to("/proc/self/environ")
    result = cli("build", root, "--allow-outside", archive, "--allow-outside", "/proc")
    assert result.exit_code == 1 and "episodes/first.txt" in result.output


def test_allow_outside_must_name_a_folder(make_show, cli):
    root = make_show()
    result = cli("build", root, "--allow-outside", root / "nowhere")
    assert result.exit_code == 2 and "--allow-outside" in result.output


@pytest.mark.parametrize("kind", ["fifo", "socket", "folder", "broken", "device"])
def test_special_files_are_errors_never_skipped(make_show, cli, kind, tmp_path):
    """A FIFO would block the build for ever, a device never ends; a folder
    named .txt or a dangling link was silently skipped."""
    root = make_show()
    assert cli("build", root).exit_code == 0
    before = snapshot(root / "public")
    target = root / "episodes" / "first.txt"
    target.unlink()
    if kind == "fifo":
        os.mkfifo(target)
        expected = "a named pipe (FIFO), not a regular file"
    elif kind == "socket":
        short = Path("/tmp") / f"ft-{os.getpid()}.sock"  # AF_UNIX paths are short
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(short))
        sock.close()
        os.rename(short, target)
        expected = "a socket, not a regular file"
    elif kind == "folder":
        target.mkdir()
        (target / "note").write_text("hidden inside")
        expected = "a folder, not a regular file"
    elif kind == "broken":
        target.symlink_to(root / "gone.txt")
        expected = "does not exist"
    else:
        target.symlink_to("/dev/zero")
        expected = "outside the show folder"
    result = cli("build", root)
    assert result.exit_code == 1, result.output
    assert f"episodes/first.txt: " in result.output and expected in result.output, result.output
    assert snapshot(root / "public") == before


def test_a_link_inside_the_show_is_read(make_show, cli):
    """Links that stay inside the show are the podcaster's own business."""
    root = make_show()
    (root / "shared").mkdir()
    (root / "episodes" / "first.txt").rename(root / "shared" / "first.txt")
    (root / "episodes" / "first.txt").symlink_to("../shared/first.txt")
    result = cli("build", root)
    assert result.exit_code == 0, result.output
    assert b"Spike Jonze" in (root / "public" / "feed.xml").read_bytes()


@pytest.mark.parametrize(("where", "named"), [
    ("podcast.toml", "podcast.toml:"),
    ("cover.png", "podcast.toml: image: 'cover.png' points"),
    ("episodes/first.toml", "episodes/first.toml:"),
    ("templates/base.html", "templates/base.html:"),
    ("episodes/first.vtt", "episodes/first.vtt:"),
    ("episodes/first.chapters.json", "episodes/first.chapters.json:"),
    ("episodes", "episodes:"),
])
def test_every_reader_goes_through_the_door(make_show, cli, tmp_path, where, named):
    """The show's toml, cover, an episode's toml, a template, captions,
    chapters and episodes/ itself: each as a link out of the show is an
    error naming it, and nothing is written."""
    root = make_show()
    assert cli("build", root).exit_code == 0
    before = snapshot(root / "public")
    path = root / where
    outside = tmp_path / "outside" / path.name
    outside.parent.mkdir()
    if path.exists():
        shutil.move(path, outside)
    elif where.endswith(".html"):
        path.parent.mkdir()
        outside.write_text("{{ secret }}\n")
    else:
        outside.write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nhello\n" if where.endswith(".vtt")
                           else '{"version": "1.2.0", "chapters": []}\n')
    path.symlink_to(outside)
    result = cli("build", root)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert named in result.output and "outside the show folder" in result.output, result.output
    assert snapshot(root / "public") == before


def test_the_scope_refuses_system_folders_even_when_allowed(tmp_path):
    scope = safe_files.Scope.of(tmp_path, ["/"])
    (tmp_path / "env.txt").symlink_to("/proc/self/environ")
    with pytest.raises(ProblemFound) as exc:
        scope.check(tmp_path / "env.txt", "env.txt")
    assert exc.value.problem.rule == "FILE-OUTSIDE"
    with pytest.raises(ProblemFound):
        safe_files.read_bytes(tmp_path / "env.txt", "env.txt")  # even without a scope


# --- The TOML loader never raises anything but a Problem ---------------------

TOML_BITS = st.sampled_from([
    "title", "=", '"', "'", "[", "]", "[[", "]]", "{", "}", ",", ".", "\n", " ", "#", "1", "-", ":", "T",
    "2024-02-30", "1979-05-27T07:32:00Z", "inf", "nan", "true", "0x", "1e400", "\\u0000", "\\", '"""', "'''",
    "a.b.c", "[a.b]", "x = [" * 3, "\x00", "\ufeff", "é",
])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=200), st.lists(TOML_BITS, max_size=60).map("".join)))
def test_the_toml_loader_gives_a_table_or_a_problem(source):
    try:
        data = schema.parse_toml(source, "podcast.toml")
    except ProblemFound as exc:
        assert exc.problem.path == "podcast.toml" and exc.problem.message
    else:
        assert isinstance(data, dict)


def test_deeply_nested_toml_is_a_problem_not_a_crash():
    with pytest.raises(ProblemFound):
        schema.parse_toml("x = " + "[" * 100_000, "podcast.toml")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                    HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_the_show_loader_gives_a_show_or_problems_for_any_bytes(tmp_path, raw):
    from feedtool.config import load as config

    (tmp_path / "podcast.toml").write_bytes(raw)
    show, problems = config.load_show(tmp_path)
    assert show is not None or problems
    assert all(p.path == "podcast.toml" for p in problems)


def test_serve_reads_through_the_same_door(make_show, tmp_path):
    """The preview is built as `build` builds: a link out of the show is an
    error unless `serve --allow-outside` names its folder."""
    from feedtool.authoring import serve

    root = make_show()
    archive = tmp_path / "archive"
    archive.mkdir()
    (root / "episodes" / "second.m4a").rename(archive / "second.m4a")
    (root / "episodes" / "second.m4a").symlink_to(archive / "second.m4a")
    out = tmp_path / "preview"
    ok, problems, _ = serve.Preview(root, "http://127.0.0.1:8123/", out).rebuild()
    assert not ok and [str(p) for p in problems if p.is_error] == [
        f"episodes/second.m4a: it is a symbolic link to {archive / 'second.m4a'}, outside the show folder; {safe_files.HINT}"]
    assert not out.exists()
    ok, problems, count = serve.Preview(root, "http://127.0.0.1:8123/", out, allowed=(archive.resolve(),)).rebuild()
    assert ok and count == 2
    assert (out / "media" / "second.m4a").read_bytes() == (archive / "second.m4a").read_bytes()


def test_the_incremental_build_checks_a_file_that_became_a_link(make_show, cli):
    """A file replaced by a link keeps its name, so the incremental build
    (patch.py, which knows the files from a list) is the one to read it:
    it checks it as discovery does."""
    root = make_show()
    assert cli("build", root).exit_code == 0
    assert cli("build", root).exit_code == 0  # recorded: the next build may be incremental
    before = snapshot(root / "public")
    (root / "episodes" / "second.toml").unlink()
    (root / "episodes" / "second.toml").symlink_to("/etc/passwd")
    result = cli("build", root, "--verbose")
    assert result.exit_code == 1, result.output
    assert "episodes/second.toml: it is a symbolic link to /etc/passwd, outside the show folder" in result.output
    assert snapshot(root / "public") == before
