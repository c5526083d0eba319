"""The command line: options in, core calls, a report out, an exit code.

Exit codes: 0 all good; 1 problems found (the show has errors, `check`
found errors, `build --check` found changes); 2 usage error or an input that
cannot be read at all (no podcast.toml, not a feed).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn

import typer
from rich.console import Console

from feedtool import __version__, inspect as inspect_mod
from feedtool.build import build as run_build
from feedtool.problems import FeedtoolError, Problem, Severity

app = typer.Typer(
    name="feedtool",
    help="Turn a show folder into a podcast feed that every app accepts.\n\n"
    "Example: feedtool build  (in a folder with podcast.toml and episodes/)",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
    rich_markup_mode="markdown",
)

# Colour only on a terminal; NO_COLOR (no-color.org) turns off every style,
# bold included, which rich alone would keep.
_STYLES: Literal["auto"] | None = "auto" if not os.environ.get("NO_COLOR") else None
err = Console(stderr=True, highlight=False, soft_wrap=True, color_system=_STYLES)
out = Console(highlight=False, soft_wrap=True, color_system=_STYLES)

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def version_callback(value: bool) -> None:
    if value:
        out.print(f"feedtool {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[bool, typer.Option("--version", callback=version_callback, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Turn a show folder into a podcast feed that every app accepts."""


STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def print_problems(problems: list[Problem] | tuple[Problem, ...], quiet: bool = False) -> None:
    for p in sorted(problems, key=lambda p: (p.severity != Severity.ERROR, p.path, p.line or 0)):
        if quiet and not p.is_error:
            continue
        err.print(f"[{STYLE[p.severity]}]{p.severity.value}[/]: {p}", markup=True, soft_wrap=True)


def fail(problems: tuple[Problem, ...], as_json: bool, what: str = "Build stopped") -> NoReturn:
    if as_json:
        out.print_json(json.dumps({"ok": False, "problems": [p.as_dict() for p in problems]}))
    print_problems(problems)
    n = sum(p.is_error for p in problems)
    err.print(f"{what}: {n} error{'s' if n != 1 else ''}. Nothing was written.")
    raise typer.Exit(EXIT_PROBLEMS)


def human_size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return str(n)


def clock(seconds: float) -> str:
    s = round(seconds)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


@app.command()
def build(
    directory: Annotated[Path, typer.Argument(help="The show folder (holds podcast.toml).")] = Path("."),
    output: Annotated[Path | None, typer.Option("--out", "-o", help="Output folder [default: DIR/public].")] = None,
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 if public/ would change.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON on stdout.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
) -> None:
    """Build the feed, transcripts, artwork and site into public/.

    Examples:

        feedtool build                 # the show in this folder

        feedtool build my-show --out /tmp/site

        feedtool build --check         # in CI: is public/ up to date?
    """
    if not (directory / "podcast.toml").is_file():
        err.print(f"error: {directory / 'podcast.toml'}: not found; give the show folder (see `feedtool init`)")
        raise typer.Exit(EXIT_USAGE)
    try:
        result = run_build(directory, output, check=check)
    except FeedtoolError as exc:
        fail(exc.problems, as_json)
    plan = result.plan
    warnings = [p for p in plan.problems if not p.is_error]
    if strict and warnings:
        fail(tuple(warnings), as_json, "Build stopped (--strict)")
    changes = result.changes
    if as_json:
        out.print_json(json.dumps({
            "ok": True,
            "check": check,
            "feed": str(result.out / plan.show.feed_name),
            "episodes": [episode_json(e) for e in plan.episodes],
            "added": changes.added, "changed": changes.changed, "removed": changes.removed,
            "unchanged": changes.unchanged,
            "problems": [p.as_dict() for p in plan.problems],
        }))
    else:
        print_problems(plan.problems, quiet)
        if not quiet:
            for e in plan.episodes:
                err.print(f"  {e.date:%Y-%m-%d}  {e.title}  ({clock(e.audio.duration)}, "
                          f"{e.audio.format}, {human_size(e.audio.size)})", soft_wrap=True)
    feed_path = result.out / plan.show.feed_name
    n = len(plan.episodes)
    if check:
        if changes.any:
            if not as_json:
                if result.diff:
                    sys.stdout.write(result.diff)
                for label, items in (("added", changes.added), ("changed", changes.changed),
                                     ("removed", changes.removed)):
                    for item in items:
                        err.print(f"  {label}: {item}")
                err.print(f"{feed_path.parent} is out of date: run `feedtool build` and commit the result.")
            raise typer.Exit(EXIT_PROBLEMS)
        if not quiet and not as_json:
            err.print(f"{feed_path.parent} is up to date ({n} episode{'s' if n != 1 else ''}).")
        return
    if not quiet and not as_json:
        err.print(
            f"Built {feed_path}: {n} episode{'s' if n != 1 else ''}, "
            f"{len(changes.added) + len(changes.changed)} files written, {changes.unchanged} unchanged, "
            f"{len(changes.removed)} removed, {len(warnings)} warning{'s' if len(warnings) != 1 else ''}."
        )


def episode_json(e: Any) -> dict[str, Any]:
    return {
        "stem": e.stem, "guid": e.guid, "title": e.title, "date": e.date.isoformat(),
        "duration": round(e.audio.duration, 3), "size": e.audio.size, "mime": e.audio.mime,
    }


@app.command("check")
def check_command(
    feed: Annotated[str, typer.Argument(metavar="FEED", help="A feed file (any podcast's RSS), or - for stdin.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the problems as a JSON list on stdout.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only, and no summary.")] = False,
) -> None:
    """Check any RSS podcast feed, offline, against Apple's, RSS 2.0's and Podcasting 2.0's rules.

    Each problem is printed as `LEVEL RULE-ID element (line N): message`;
    docs/rules.md explains every rule id. Exit code: 0 no errors (warnings
    allowed), 1 errors found, 2 not a feed or unreadable.

    Examples:

        feedtool check public/feed.xml

        curl -s https://example.org/feed.xml | feedtool check -

        feedtool check feed.xml --json | jq '.[] | select(.severity == "error")'
    """
    import click
    from rich.text import Text

    from feedtool.check import NotAFeed, check_feed

    source = "<stdin>" if feed == "-" else feed
    try:
        data = click.get_binary_stream("stdin").read() if feed == "-" else Path(feed).read_bytes()
    except OSError as exc:
        err.print(f"error: {source}: cannot read: {exc.strerror or exc}", markup=False)
        raise typer.Exit(EXIT_USAGE) from None
    try:
        problems = check_feed(data, source=source)
    except NotAFeed as exc:
        err.print(f"error: {source}: not a podcast feed: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(EXIT_USAGE) from None
    shown = [p for p in problems if p.is_error] if quiet else problems
    if as_json:
        sys.stdout.write(json.dumps([p.as_dict() for p in shown], indent=2, ensure_ascii=False) + "\n")
    else:
        for p in shown:
            where = p.field or "rss"
            if p.line is not None:
                where += f" (line {p.line})"
            out.print(Text.assemble((p.severity.value, STYLE[p.severity]), f" {p.rule} {where}: {p.message}"),
                      soft_wrap=True)
    counts = {s: sum(p.severity is s for p in problems) for s in Severity}
    if not quiet:
        n_err, n_warn, n_info = counts[Severity.ERROR], counts[Severity.WARNING], counts[Severity.INFO]
        verdict = "no errors" if not n_err else f"{n_err} error{'s' if n_err != 1 else ''}"
        err.print(f"{source}: {verdict}, {n_warn} warning{'s' if n_warn != 1 else ''}, {n_info} note"
                  f"{'s' if n_info != 1 else ''}.", markup=False, soft_wrap=True)
    if counts[Severity.ERROR]:
        raise typer.Exit(EXIT_PROBLEMS)


@app.command()
def inspect(
    files: Annotated[list[Path], typer.Argument(help="Audio files or episode files (STEM.toml, STEM.txt).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
) -> None:
    """Show what feedtool reads from audio files and episodes, and where each field comes from.

    Examples:

        feedtool inspect episodes/her.mp3

        feedtool inspect episodes/*.mp3 --json
    """
    reports = []
    problems: list[Problem] = []
    for f in files:
        report, found = inspect_mod.inspect_path(f)
        problems += found
        if report is not None:
            reports.append(report)
    if as_json:
        out.print_json(json.dumps(reports if len(files) > 1 else (reports[0] if reports else None), default=str))
    else:
        for r in reports:
            out.print(inspect_mod.format_report(r), soft_wrap=True, markup=False)
    print_problems(problems)
    if any(p.is_error for p in problems):
        raise typer.Exit(EXIT_PROBLEMS)


@app.command()
def remove(
    stem: Annotated[str, typer.Argument(help="The episode's stem: its path below episodes/ without suffix.")],
    show: Annotated[Path, typer.Option("--show", help="The show folder.")] = Path("."),
    keep_files: Annotated[bool, typer.Option("--keep-files", help="Unpublish but leave the files.")] = False,
) -> None:
    """Unpublish an episode on purpose: its GUID is retired in the lock and its files deleted.

    Without this, an episode whose files disappear stops the build, so that no
    episode vanishes from subscribers' apps because a file was moved.

    Example:

        feedtool remove 2021/old-episode
    """
    from feedtool import guids
    from feedtool.episodes import EPISODES_DIR
    from feedtool.write import write_file

    lock, problems = guids.read_lock(show)
    if problems:
        fail(tuple(problems), False, "Remove stopped")
    try:
        new = guids.remove(lock, stem)
    except KeyError:
        err.print(f"error: {guids.LOCK_NAME}: {stem}: no published episode has this stem "
                  f"(known: {', '.join(sorted(lock.episodes)) or 'none'})")
        raise typer.Exit(EXIT_PROBLEMS) from None
    write_file(show / guids.LOCK_NAME, new.to_bytes())
    deleted = []
    if not keep_files:
        folder = (show / EPISODES_DIR / stem).parent
        name = stem.rsplit("/", 1)[-1]
        for p in sorted(folder.glob(name + ".*")):
            if p.stem == name or p.name.startswith(name + ".chapters"):
                p.unlink()
                deleted.append(p.name)
    err.print(f"Removed {stem} (GUID {lock.episodes[stem]['guid']} retired)"
              + (f"; deleted {', '.join(deleted)}" if deleted else "")
              + ". Next: `feedtool build`.")


def main() -> None:
    app()
