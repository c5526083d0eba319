"""README.md's command table and sample sessions, made from the commands themselves.

The table lists every command with every argument and option, read from the
Typer app; each sample is a session run for real (`python -m feedtool`, in a
temporary folder, output piped, as a user's terminal log would show it).
tests/test_readme.py fails when README.md and this script's output differ:

    python scripts/readme.py          # rewrite README.md's generated parts
    python scripts/readme.py --check  # exit 1 when README.md is not current

A generated part sits between `<!-- generated: NAME -->` and
`<!-- end: NAME -->`; everything else in README.md is written by hand.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
AUDIO = ROOT / "tests" / "fixtures" / "audio"
TEXTS = ROOT / "tests" / "texts"
CLIP = 160  # a log line longer than this is shortened with "…", as the README always did


# --- the command table --------------------------------------------------------------------------


def _param_usage(param: object) -> str | None:
    from typer.core import TyperArgument as Argument
    from typer.core import TyperOption as Option

    if getattr(param, "hidden", False):
        return None
    if isinstance(param, Argument):
        meta = param.metavar or (param.name or "").upper()
        return meta if param.required else f"[{meta}]"
    if isinstance(param, Option):
        if "--help" in param.opts:
            return None
        name = max(param.opts, key=len)
        if param.is_flag:
            return f"[{name}]"
        return f"[{name} {param.metavar or 'VALUE'}]"
    return None


def commands_table() -> str:
    import typer.main

    from feedtool.cli import app

    group = typer.main.get_command(app)
    rows = ["| command | what it does |", "|---|---|"]
    # A group (`feedtool media`) is listed by its subcommands (`feedtool media verify`).
    commands = [(f"{name} {sub}", subcommand) for name, command in group.commands.items()  # type: ignore[attr-defined]
                for sub, subcommand in (getattr(command, "commands", None) or {"": command}).items()]
    for name, command in commands:
        name = name.strip()
        if name == "list":  # the alias of `episodes`, said in its row
            continue
        args = [u for p in command.params if (u := _param_usage(p)) is not None]
        # Arguments first, as the usage line has them, then the options.
        args.sort(key=lambda a: a.startswith("[-"))
        usage = " ".join([f"feedtool {name}", *args]).replace("|", "\\|")
        what = (command.help or "").strip().split("\n\n")[0].replace("\n", " ")
        what = re.sub(r"\s+", " ", what).replace("|", "\\|")
        alias = " (or `feedtool list`)" if name == "episodes" else ""
        rows.append(f"| `{usage}`{alias} | {what} |")
    return "\n".join(rows) + "\n"


# --- sample sessions ----------------------------------------------------------------------------


def _clip(line: str) -> str:
    return line if len(line) <= CLIP else line[: CLIP - 1] + "…"


def run_session(steps: Sequence[str], cwd: Path, *, keep: int | None = None) -> str:
    """Run STEPS (shell-like lines: `feedtool ARGS` or `cd DIR`) in CWD and
    return the log: each `$ step` and what it printed, stderr and stdout
    together in the order written. KEEP: print only that many lines of each
    command's output, then "…"."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1", "COLUMNS": "100",
           "PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": "1700000000"}
    log = []
    for step in steps:
        log.append(f"$ {step}")
        argv = shlex.split(step.replace("\\\n", " "))
        if argv[0] == "cd":
            cwd = cwd / argv[1]
            continue
        assert argv[0] == "feedtool", step
        done = subprocess.run([sys.executable, "-m", "feedtool", *argv[1:]], cwd=cwd, env=env,
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=300)
        lines = [_clip(line.rstrip()) for line in done.stdout.splitlines()]
        if keep is not None and len(lines) > keep:
            lines = [*lines[:keep], "…"]
        log += lines
    return "\n".join(log) + "\n"


def _new_show_session(tmp: Path) -> str:
    dl = tmp / "dl"
    dl.mkdir()
    shutil.copy(AUDIO / "tagged.mp3", dl / "her-interview.mp3")
    shutil.copy(TEXTS / "seed_her.txt", dl / "her.txt")
    return run_session([
        'feedtool init night-owls --yes --title "Night Owls" --author "Ann Example" \\\n'
        '    --email ann@example.com --base-url https://ann.example/night-owls/ --category "Society & Culture"',
        "cd night-owls",
        "feedtool add ../dl/her-interview.mp3 --text ../dl/her.txt",
        "feedtool tag all --dry-run",
        "feedtool tag all",
        "feedtool build",
        "feedtool episodes",
        "feedtool check public/feed.xml",
        "feedtool remove spike-jonze-opens-his-heart-for-her",
        "feedtool remove spike-jonze-opens-his-heart-for-her",
    ], tmp)


def _demo_copy(tmp: Path) -> Path:
    demo = tmp / "demo"
    demo.mkdir()
    for name in ("podcast.toml", "podcast-cover.png"):
        shutil.copy(ROOT / name, demo / name)
    shutil.copytree(ROOT / "episodes", demo / "episodes")
    return demo


def _build_session(tmp: Path) -> str:
    return run_session(["feedtool build"], _demo_copy(tmp))


def _error_session(tmp: Path) -> str:
    demo = _demo_copy(tmp)
    toml = demo / "episodes" / "spike-jonze-her.toml"
    toml.write_text(toml.read_text().replace("season = 1", 'season = "one"').replace(
        "episode = 1", "episode = 1\ntitel = \"Her\""))
    shown = (demo / "podcast.toml").read_text().replace("language =", "langauge =")
    (demo / "podcast.toml").write_text(shown)
    return run_session(["feedtool build"], demo)


def _inspect_session(tmp: Path) -> str:
    shutil.copytree(TEXTS, tmp / "tests" / "texts")
    return run_session(["feedtool inspect tests/texts/magazine_qa.txt"], tmp, keep=12)


SESSIONS = {
    "session-new-show": _new_show_session,
    "session-build": _build_session,
    "session-build-errors": _error_session,
    "session-inspect": _inspect_session,
}


def generated() -> dict[str, str]:
    parts = {"commands": commands_table()}
    for name, make in SESSIONS.items():
        with tempfile.TemporaryDirectory() as tmp:
            parts[name] = f"```console\n{make(Path(tmp))}```\n"
    return parts


def rewrite(text: str, parts: dict[str, str]) -> str:
    for name, body in parts.items():
        pattern = re.compile(rf"(<!-- generated: {re.escape(name)} -->\n).*?(<!-- end: {re.escape(name)} -->)",
                             re.DOTALL)
        if not pattern.search(text):
            raise SystemExit(f"README.md has no <!-- generated: {name} --> part")
        text = pattern.sub(lambda m: m.group(1) + body + m.group(2), text)
    return text


def main(argv: Sequence[str]) -> int:
    text = README.read_text("utf-8")
    new = rewrite(text, generated())
    if "--check" in argv:
        if new != text:
            sys.stderr.write("README.md is not current: run `python scripts/readme.py`\n")
            return 1
        return 0
    README.write_text(new, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
