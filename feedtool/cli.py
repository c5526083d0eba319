"""The command line: options in, core calls, a report out, an exit code.

One grammar for every command (issue 15): a command's own arguments first,
then the show folder as an optional last argument, SHOW (default: the
current folder), with `--show SHOW` accepted as its alias. A new command
takes `show: ShowArg = None, show_opt: ShowOption = None` and calls
`show_folder(show, show_opt)`, which says how to name the show when it is
wrong.

Exit codes, the same for every command: 0 all good; 1 problems found in
the show or a feed (the show has errors, `check` found errors, `build
--check` found changes); 2 usage error or an input that cannot be read at
all (no podcast.toml, a missing file, not a feed).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn, TypeVar

import typer
from rich.console import Console

from feedtool import __version__
from feedtool.engine.run import build as run_build
from feedtool.engine.run import out_refused
from feedtool.problems import FeedtoolError, Problem, ProblemFound, Severity

app = typer.Typer(
    name="feedtool",
    help="Turn a show folder into a podcast feed that every app accepts.\n\n"
    "A command that works on a show takes its folder as the last argument, SHOW, or as --show SHOW "
    "(default: the current folder). Exit codes: 0 good, 1 problems found in the show or feed, "
    "2 usage error or unreadable input.\n\n"
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
LIST_EPISODES_UP_TO = 50  # `build` lists the episodes of a show this small
ALLOW_OUTSIDE_HELP = ("Let the show's files be symbolic links into DIR, a folder outside the show (your "
                      "audio archive, say). Repeat for more folders. Only ever from the command line: "
                      "nothing in the show can allow a folder.")


# --- the show folder: one argument, one alias, one resolver -------------------

ShowArg = Annotated[Path | None, typer.Argument(
    metavar="SHOW", show_default=False,
    help="The show folder (holds podcast.toml) [default: the current folder].")]
ShowOption = Annotated[Path | None, typer.Option(
    "--show", metavar="SHOW", show_default=False, help="The show folder, as an option: the same as SHOW.")]


def usage_line() -> str:
    """`feedtool COMMAND [OPTIONS] ARGS…` of the command being run, for messages."""
    # typer 0.26 carries its own copy of click, with no public name for this;
    # the pin in pyproject.toml keeps the path (test_grammar checks the message).
    from typer._click.globals import get_current_context

    ctx = get_current_context(silent=True)
    if ctx is None:
        return "feedtool COMMAND [SHOW]"
    return " ".join([ctx.command_path, *ctx.command.collect_usage_pieces(ctx)])


def show_folder(positional: Path | None, option: Path | None, *, must_exist: bool = True) -> Path:
    """The show folder named by the SHOW argument or --show (the same thing
    twice is fine; two different folders are a usage error), else the current
    folder. With MUST_EXIST, a folder without podcast.toml is a usage error
    that says how to name the show."""
    if positional is not None and option is not None and positional != option:
        err.print(f"error: the show folder is named twice ({positional} and --show {option}); "
                  f"name it once: {usage_line()}", markup=False)
        raise typer.Exit(EXIT_USAGE)
    show = positional if positional is not None else (option if option is not None else Path("."))
    if must_exist and not (show / "podcast.toml").is_file():
        where = "this folder" if show == Path(".") else str(show)
        err.print(f"error: {show / 'podcast.toml'}: not found, so {where} is not a show folder. Name the show "
                  f"folder as the last argument ({usage_line()}) or with --show SHOW; `feedtool init SHOW` "
                  "makes a new one.", markup=False, soft_wrap=True)
        raise typer.Exit(EXIT_USAGE)
    return show


def show_suffix(show: Path) -> str:
    """SHOW as the last argument of a suggested command ('' for the current folder)."""
    return "" if show == Path(".") else f" {show}"


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
# Warnings and notes of one rule printed before the rest are summarised in a
# line (pelican's LimitFilter); errors are always printed, every one.
SUMMARISE_AFTER = 5
VERBOSE_HINT = "`--verbose` lists them all"


def problem_lines(problems: Iterable[Problem], *, quiet: bool = False, limit: int | None = None,
                  hint: str = VERBOSE_HINT) -> list[tuple[Severity, str]]:
    """(severity, text) of each line print_problems prints: errors first,
    then by file and line; past LIMIT warnings or notes of one rule, one
    line per rule says how many more there are."""
    lines: list[tuple[Severity, str]] = []
    shown: dict[tuple[Severity, str], int] = {}
    hidden: dict[tuple[Severity, str], int] = {}
    for p in sorted(problems, key=lambda p: (p.severity != Severity.ERROR, p.path, p.line or 0)):
        if p.is_error:
            lines.append((p.severity, str(p)))
            continue
        if quiet:
            continue
        kind = (p.severity, p.rule)
        if limit is not None and shown.get(kind, 0) >= limit:
            hidden[kind] = hidden.get(kind, 0) + 1
            continue
        shown[kind] = shown.get(kind, 0) + 1
        lines.append((p.severity, str(p)))
    for (severity, rule), n in hidden.items():
        lines.append((severity, f"… and {n} more like this ({rule}); {hint}"))
    return lines


def print_problems(problems: Iterable[Problem], quiet: bool = False, *, limit: int | None = None,
                   hint: str = VERBOSE_HINT) -> None:
    """Print PROBLEMS on stderr, as `LEVEL: path:line: field: message`; with
    QUIET errors only; with LIMIT, warnings and notes summarised per rule
    after that many (see problem_lines).

    One write for them all, without markup or highlighting: a message may
    hold brackets, and rich's console costs ~0.2 ms a call (1 s for 5,000
    warnings) where this costs microseconds a problem."""
    lines = problem_lines(problems, quiet=quiet, limit=limit, hint=hint)
    if not lines:
        return
    if err.color_system is None:  # a pipe, a file, NO_COLOR: plain text
        err.file.write("".join(f"{severity.value}: {line}\n" for severity, line in lines))
        err.file.flush()
        return
    from rich.text import Text

    text = Text()
    for severity, line in lines:
        text.append(severity.value, STYLE[severity])
        text.append(f": {line}\n")
    err.print(text, soft_wrap=True, end="", markup=False, highlight=False)


def fail(problems: tuple[Problem, ...], as_json: bool, what: str = "Build stopped",
         limit: int | None = None, code: int = EXIT_PROBLEMS) -> NoReturn:
    if as_json:
        out.print_json(json.dumps({"ok": False, "problems": [p.as_dict() for p in problems]}))
    print_problems(problems, limit=limit)
    n = sum(p.is_error for p in problems)
    err.print(f"{what}: {n} error{'s' if n != 1 else ''}. Nothing was written.")
    raise typer.Exit(code)


def _usage_if_unknown_stem(problems: Sequence[Problem]) -> int:
    """A STEM that names no episode is a usage error (2), like any wrong argument."""
    from feedtool.authoring.tagging import UNKNOWN_STEM

    errors = [p for p in problems if p.is_error]
    return EXIT_USAGE if errors and all(p.rule == UNKNOWN_STEM for p in errors) else EXIT_PROBLEMS


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
    show: ShowArg = None,
    show_opt: ShowOption = None,
    output: Annotated[Path | None, typer.Option("--out", "-o", metavar="PATH",
                                                help="Output folder [default: SHOW/public].")] = None,
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 if public/ would change.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON on stdout.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help=f"List every episode (done anyway for up to "
                                          f"{LIST_EPISODES_UP_TO}) and every warning (else "
                                          f"{SUMMARISE_AFTER} of each rule and a count).")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Read every file and make every output again, "
                                           "ignoring .feedtool-cache/ (it is still safe to delete).")] = False,
    allow_outside: Annotated[list[Path] | None, typer.Option(
        "--allow-outside", metavar="DIR", exists=True, file_okay=False, dir_okay=True,
        help=ALLOW_OUTSIDE_HELP)] = None,
    now: Annotated[str | None, typer.Option("--now", metavar="DATE", help=NOW_HELP)] = None,
) -> None:
    """Build the feed, transcripts, artwork and site into public/.

    Examples:

        feedtool build                 # the show in this folder

        feedtool build my-show --out /tmp/site

        feedtool build --check         # in CI: is public/ up to date?

        feedtool build --allow-outside ~/audio   # episodes/*.mp3 may link into ~/audio

        feedtool build --now 2025-06-01T09:00Z   # publish as of then (scheduled episodes)
    """
    directory = show_folder(show, show_opt)
    moment = parse_now_option(now)
    if output is not None:
        refused = out_refused(directory, output)
        if refused is not None:
            err.print(f"error: --out {output}: {refused}", markup=False)
            raise typer.Exit(EXIT_USAGE)
    try:
        with progress_bar("Reading episodes", enabled=not (quiet or as_json)) as update:
            result = run_build(directory, output, check=check, progress=update, use_cache=not no_cache,
                               allowed=tuple(allow_outside or ()), now=moment)
    except FeedtoolError as exc:
        fail(exc.problems, as_json)
    except ProblemFound as exc:  # a file that changed under the build (safe_files)
        fail((exc.problem,), as_json)
    except OSError as exc:
        # The disk, not the show: an output folder that is a file, a full or
        # read-only disk, a file that cannot be read.
        err.print(f"error: {exc.filename or directory}: {exc.strerror or exc}. The previous feed is untouched.",
                  markup=False)
        raise typer.Exit(EXIT_USAGE) from None
    plan = result.plan
    warnings = [p for p in plan.problems if not p.is_error]
    if strict and warnings:
        # Warnings that stop the build; still summarised per rule, as errors never are.
        fail(tuple(warnings), as_json, "Build stopped (--strict)", limit=None if verbose else SUMMARISE_AFTER)
    changes = result.changes
    if as_json:
        out.print_json(json.dumps({
            "ok": True,
            "check": check,
            "build": result.mode,
            "feed": str(result.out / plan.show.feed_name),
            "episodes": [episode_json(e) for e in plan.episodes],
            "added": changes.added, "changed": changes.changed, "removed": changes.removed,
            "unchanged": changes.unchanged,
            "feed_size": len(plan.feed_bytes),
            "archives": list(plan.archives),
            "held": [{"stem": e.stem, "date": e.date.isoformat(), "status": "draft" if e.draft else "scheduled"}
                     for e in plan.held],
            "problems": [p.as_dict() for p in plan.problems],
        }))
    else:
        print_problems(plan.problems, quiet, limit=None if verbose else SUMMARISE_AFTER)
        # Ten thousand lines tell nobody anything (and take a while to print).
        if not quiet and plan.episodes and (verbose or len(plan.episodes) <= LIST_EPISODES_UP_TO):
            # One write, no markup: a title may hold brackets.
            err.print("\n".join(f"  {e.date:%Y-%m-%d}  {e.title}  ({clock(e.audio.duration)}, "
                                f"{e.audio.format}, {human_size(e.audio.size)})" for e in plan.episodes),
                      soft_wrap=True, markup=False, highlight=False)
        print_held(plan.held)
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
    # What an incremental build read is always said; why a build was full, on request.
    if (verbose or result.mode == "patched") and not quiet and not as_json and result.why:
        how = {"patched": "Incremental build", "reused": "Nothing changed"}.get(result.mode, "Full build")
        err.print(f"{how}: {result.why}", markup=False)
    if not quiet and not as_json:
        paged = ""
        if plan.archives:
            k = len(plan.archives)
            paged = (f" (the newest {plan.show.feed_limit} in the feed, the rest in {k} archive "
                     f"feed{'s' if k != 1 else ''})")
        err.print(
            f"Built {feed_path}: {n} episode{'s' if n != 1 else ''}{paged}, "
            f"{len(changes.added) + len(changes.changed)} files written, {changes.unchanged} unchanged, "
            f"{len(changes.removed)} removed, {len(warnings)} warning{'s' if len(warnings) != 1 else ''}. "
            f"Feed size {human_size(len(plan.feed_bytes))}."
        )


NOW_HELP = ("Publish as of DATE (2025-06-01 or 2025-06-01T09:00:00Z; UTC when no zone is given) instead of "
            "SOURCE_DATE_EPOCH or the clock: episodes dated after it stay scheduled. The lock records the "
            "GUIDs of the episodes this build publishes.")


T = TypeVar("T")


def _option(flag: str, raw: str | None, parse: Callable[[str], T]) -> T | None:
    """RAW parsed by PARSE, None when the option was not given; a value it
    refuses is a usage error naming FLAG (exit 2)."""
    if raw is None:
        return None
    try:
        return parse(raw)
    except ValueError as exc:
        err.print(f"error: {flag}: {exc}", markup=False)
        raise typer.Exit(EXIT_USAGE) from None


def parse_now_option(raw: str | None) -> Any:
    from feedtool.sources import schedule

    return _option("--now", raw, schedule.parse_now)


def print_held(held: Iterable[Any]) -> None:
    """The episodes a build left out: drafts, and scheduled ones with their dates."""
    for e in held:
        what = "draft" if e.draft else f"scheduled for {e.date:%Y-%m-%d %H:%M %Z}"
        err.print(f"  {what}: {e.title} (episodes/{e.stem}), not published", markup=False, highlight=False)


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
    `feedtool docs rules` explains every rule id. Exit code: 0 no errors (warnings
    allowed), 1 errors found, 2 not a feed or unreadable.

    Examples:

        feedtool check public/feed.xml

        curl -s https://example.org/feed.xml | feedtool check -

        feedtool check feed.xml --json | jq '.[] | select(.severity == "error")'
    """
    from rich.text import Text

    from feedtool.check.feed import NotAFeed, check_feed

    source = "<stdin>" if feed == "-" else feed
    try:
        data = sys.stdin.buffer.read() if feed == "-" else Path(feed).read_bytes()
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
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Audio files, episode files (STEM.toml), "
                                                "or interview texts (.txt, .md, .html), in a show or not.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
) -> None:
    """Show what feedtool reads from audio files and episodes, and where each field comes from.

    Every file is inspected, then the exit code says the worst: 2 when a file
    could not be read at all (missing, not a kind feedtool reads), 1 when an
    episode has errors.

    Examples:

        feedtool inspect episodes/her.mp3

        feedtool inspect episodes/*.mp3 --json

        feedtool inspect ~/Downloads/interview.txt   (how feedtool reads a copied page: each line kept or
        dropped, and why)
    """
    from feedtool.authoring import inspect_file as inspect_mod

    reports = []
    problems: list[Problem] = []
    unreadable = False
    for f in files:
        report, found = inspect_mod.inspect_path(f)
        problems += found
        if report is not None:
            reports.append(report)
        elif any(p.is_error for p in found):
            unreadable = True
    if as_json:
        out.print_json(json.dumps(reports if len(files) > 1 else (reports[0] if reports else None), default=str))
    else:
        for r in reports:
            out.print(inspect_mod.format_report(r), soft_wrap=True, markup=False)
    print_problems(problems)
    if unreadable:
        raise typer.Exit(EXIT_USAGE)
    if any(p.is_error for p in problems):
        raise typer.Exit(EXIT_PROBLEMS)


@app.command()
def remove(
    stem: Annotated[str, typer.Argument(metavar="STEM",
                                        help="The episode's stem: its path below episodes/ without suffix.")],
    show: ShowArg = None,
    show_opt: ShowOption = None,
    delete_files: Annotated[bool, typer.Option(
        "--delete-files", help="Also delete the episode's files (audio, text, STEM.toml, captions, "
        "chapters); asks first on a terminal.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Delete without asking (for scripts).")] = False,
    keep_files: Annotated[bool, typer.Option("--keep-files", hidden=True,
                                             help="The default now: files are kept.")] = False,
) -> None:
    """Unpublish an episode on purpose: its GUID is retired in episodes/feedtool.lock, never
    to be given again. Its files are kept (and stay unpublished) unless --delete-files.

    Without this, an episode whose files disappear stops the build, so that no
    episode vanishes from subscribers' apps because a file was moved. Running
    it again for the same stem says the episode is already retired (exit 0).

    Examples:

        feedtool remove 2021/old-episode

        feedtool remove 2021/old-episode my-show --delete-files --yes
    """
    from feedtool.authoring import removal

    root = show_folder(show, show_opt)
    stem = stem.removeprefix("episodes/")
    files = removal.files_of(root, stem)
    if delete_files and files and not yes:
        if not sys.stdin.isatty():
            err.print(f"error: --delete-files would delete {len(files)} file{'s' if len(files) != 1 else ''} "
                      f"of {stem}; without a terminal to ask on, pass --yes as well", markup=False)
            raise typer.Exit(EXIT_USAGE)
        for p in files:
            err.print(f"  {p.relative_to(root).as_posix()}", markup=False)
        if not typer.confirm(f"Delete these {len(files)} file{'s' if len(files) != 1 else ''}?", err=True):
            err.print("Nothing was changed.")
            raise typer.Exit(EXIT_PROBLEMS)
    try:
        outcome = removal.retire(root, stem)
    except FeedtoolError as exc:
        fail(exc.problems, False, "Remove stopped")
    except KeyError:
        err.print(f"error: episodes/feedtool.lock: {stem}: no published episode has this stem "
                  f"(published: {', '.join(removal.known(root)) or 'none'}; `feedtool episodes` lists them)",
                  markup=False)
        raise typer.Exit(EXIT_USAGE) from None
    deleted = removal.delete(files) if delete_files else []
    said = (f"{stem} was already removed (GUID {outcome.guid} retired)" if outcome.already
            else f"Removed {stem} (GUID {outcome.guid} retired for good)")
    if deleted:
        said += f"; deleted {', '.join(deleted)}"
    elif files:
        said += f"; its {len(files)} file{'s are' if len(files) != 1 else ' is'} kept and stay unpublished " \
                "(--delete-files deletes them)"
    err.print(said + ".", markup=False)
    if not outcome.already or deleted:
        next_hint(f"feedtool build{show_suffix(root)}")


# --- authoring: init, add, tag, serve, episodes --------------------------------


@contextlib.contextmanager
def progress_bar(label: str, enabled: bool = True) -> Iterator[Callable[[int, int, str], None] | None]:
    """A progress callback drawing a bar on a terminal; None (nothing drawn) when
    stderr is piped, so logs and CI output stay clean. The real isatty(), not
    rich's is_terminal: FORCE_COLOR asks for colour, not for cursor movements."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[item]}"), console=err, transient=True) as bar:
        task = bar.add_task(label, total=None, item="")

        def update(done: int, total: int, item: str) -> None:
            bar.update(task, completed=done, total=total, item=item)

        yield update


def next_hint(text: str) -> None:
    err.print(f"[bold]Next:[/] {text}", markup=True, soft_wrap=True)


def complete_category(incomplete: str) -> list[str]:
    from feedtool.authoring.scaffold import category_choices

    return [c for c in category_choices() if c.lower().startswith(incomplete.lower())]


def ask(key: str, label: str, default: str | None = None) -> Any:
    """Prompt until the answer passes podcast.toml's own check for KEY."""
    from feedtool.authoring.scaffold import check_answer

    while True:
        raw = typer.prompt(label, default=default, err=True)
        value, problem = check_answer(key, raw)
        if problem is None:
            return value
        err.print(f"[red]{problem.message}[/]", markup=True)


def ask_category() -> str:
    """Apple's categories as a numbered choice: the category, then a subcategory."""
    from feedtool.config.load import apple_categories
    from feedtool.authoring.scaffold import check_answer

    tops = list(apple_categories())
    for n, name in enumerate(tops, 1):
        err.print(f"  {n:>2}. {name}", markup=False)
    while True:
        raw = typer.prompt("Category (number or name)", err=True).strip()
        top = tops[int(raw) - 1] if raw.isdigit() and 1 <= int(raw) <= len(tops) else raw
        value, problem = check_answer("category", top)
        if problem is None:
            break
        err.print(f"[red]{problem.message}[/]", markup=True)
    if " > " in value or not apple_categories()[value]:
        return str(value)
    subs = apple_categories()[value]
    for n, name in enumerate(subs, 1):
        err.print(f"  {n:>2}. {value} > {name}", markup=False)
    while True:
        raw = typer.prompt("Subcategory (number or name, Enter for none)", default="", show_default=False,
                           err=True).strip()
        if not raw:
            return str(value)
        sub = subs[int(raw) - 1] if raw.isdigit() and 1 <= int(raw) <= len(subs) else raw
        full, problem = check_answer("category", f"{value} > {sub}")
        if problem is None:
            return str(full)
        err.print(f"[red]{problem.message}[/]", markup=True)


@app.command()
def init(
    show: Annotated[Path | None, typer.Argument(
        metavar="SHOW", show_default=False,
        help="Where to make the show (created if missing) [default: the current folder].")] = None,
    show_opt: ShowOption = None,
    title: Annotated[str | None, typer.Option(metavar="TITLE", help="The show's name.")] = None,
    author: Annotated[str | None, typer.Option(metavar="NAME", help="Who makes the show.")] = None,
    email: Annotated[str | None, typer.Option(metavar="EMAIL",
                                              help="The owner's email (directories verify it).")] = None,
    base_url: Annotated[str | None, typer.Option("--base-url", metavar="URL",
                                                 help="Where public/ will be served.")] = None,
    language: Annotated[str | None, typer.Option(metavar="CODE",
                                                 help="ISO 639 code, e.g. en  [default: en]")] = None,
    category: Annotated[str | None, typer.Option(
        metavar="CATEGORY", help="Apple category, e.g. 'Arts' or 'Society & Culture > Documentary'.",
        autocompletion=complete_category)] = None,
    description: Annotated[str | None, typer.Option(metavar="TEXT", help="What the show is about.")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Ask nothing: every answer from the flags.")] = False,
) -> None:
    """Make a new show folder: podcast.toml, episodes/, cover art, .gitignore and a CI workflow.

    Asks for each answer it is not given; with --yes it asks nothing (for scripts).
    Never overwrites an existing show.

    Examples:

        feedtool init my-show

        feedtool init my-show --yes --title "My Show" --author "Ann Example" --email ann@example.com --base-url https://example.com/podcast/ --language en --category "Society & Culture"
    """
    from feedtool.authoring import scaffold

    directory = show_folder(show, show_opt, must_exist=False)
    conflicts = scaffold.conflicts(directory)
    if conflicts:
        print_problems(conflicts)
        err.print("Init stopped: nothing was written.")
        raise typer.Exit(EXIT_PROBLEMS)
    given = {"title": title, "description": description, "author": author, "owner_email": email,
             "base_url": base_url, "language": language, "category": category}
    if yes:
        given["language"] = language or "en"
    else:
        labels = {"title": "Show title", "author": "Author", "owner_email": "Owner email",
                  "base_url": "Base URL (where public/ will be served)", "language": "Language"}
        try:
            for key, label in labels.items():
                if given[key] is None:
                    given[key] = ask(key, label, "en" if key == "language" else None)
            if given["description"] is None:
                given["description"] = ask("description", "Description",
                                           scaffold.default_description(str(given["title"]), str(given["author"])))
            if given["category"] is None:
                given["category"] = ask_category()
        except typer.Abort:
            # No terminal (CI, a script, stdin from /dev/null) or Ctrl-D: say how to give every answer.
            missing = [flag for flag, key in (("--title", "title"), ("--author", "author"),
                                              ("--email", "owner_email"), ("--base-url", "base_url"),
                                              ("--category", "category")) if given[key] is None]
            err.print(f"\nerror: no answer for {', '.join(missing) or 'a question'}: without a terminal, pass "
                      f"--yes and the values, e.g. feedtool init{show_suffix(directory)} --yes --title 'My Show' "
                      "--author 'Ann Example' --email ann@example.com --base-url https://example.com/podcast/ "
                      "--category Arts. Nothing was written.", markup=False, soft_wrap=True)
            raise typer.Exit(EXIT_USAGE) from None
    answers, problems = scaffold.validate(given)
    if answers is None:
        print_problems(problems)
        err.print("Init stopped: nothing was written.")
        raise typer.Exit(EXIT_USAGE)
    try:
        created = scaffold.create(directory, answers)
    except FeedtoolError as exc:
        fail(exc.problems, False, "Init stopped")
    err.print(f"Made a new show in {directory}:", markup=False)
    for rel in created.written:
        err.print(f"  wrote {rel}", markup=False)
    for rel in created.appended:
        err.print(f"  added feedtool's lines to {rel}", markup=False)
    err.print(scaffold.summary(answers), markup=False)
    next_hint(f"feedtool add AUDIO{show_suffix(directory)} --text INTERVIEW.txt  (then `feedtool build`)")


@app.command()
def add(
    audio: Annotated[Path, typer.Argument(metavar="AUDIO", help="The episode's audio: .mp3 .m4a .ogg .opus .flac, "
                                          "or a .wav .aiff .flac master (the build encodes it)")],
    show: ShowArg = None,
    show_opt: ShowOption = None,
    text: Annotated[Path | None, typer.Option("--text", metavar="FILE",
                                              help="The interview text (.txt, .md or .html).")] = None,
    title: Annotated[str | None, typer.Option(metavar="TITLE", help="The title [default: the text's headline, "
                                              "or the tags'].")] = None,
    date: Annotated[str | None, typer.Option(
        metavar="DATE", help="Publication date, e.g. 2024-01-31 or 2024-01-31T09:00:00Z, or 'today' "
             "[default: the audio's date tag].")] = None,
    season: Annotated[int | None, typer.Option(metavar="N", help="Season number.")] = None,
    episode: Annotated[int | None, typer.Option(metavar="N", help="Episode number [default: the next by date "
                                                "in its season].")] = None,
    stem: Annotated[str | None, typer.Option(metavar="STEM",
                                             help="File name below episodes/ [default: from the title].")] = None,
    move: Annotated[bool, typer.Option("--move", help="Move the files instead of copying them.")] = False,
) -> None:
    """Bring an episode into the show: the audio and text under episodes/, and STEM.toml
    prefilled with title, date, summary and episode number (each from a flag, the text or the tags).

    Examples:

        feedtool add ~/Recordings/interview.mp3 --text interview.txt

        feedtool add take3.m4a my-show --title "Three Takes" --date 2024-05-01 --season 2 --move

        feedtool add master.wav --title "Live at the Library" --date today   (encoded at build)
    """
    from feedtool.authoring import add as add_mod

    show = show_folder(show, show_opt)
    if not audio.is_file():
        err.print(f"error: {audio}: file not found", markup=False)
        raise typer.Exit(EXIT_USAGE)
    request = add_mod.Request(audio, text, title, date, season, episode, stem, move)
    try:
        plan = add_mod.plan(show, request)
    except FeedtoolError as exc:
        only_date = all(p.field == "date" for p in exc.problems if p.is_error)
        if not (only_date and date is None and sys.stdin.isatty()):
            fail(exc.problems, False, "Add stopped")
        # No date anywhere: ask, rather than guess one.
        request = add_mod.Request(audio, text, title, typer.prompt("Publication date (YYYY-MM-DD or 'today')",
                                                                   err=True), season, episode, stem, move)
        try:
            plan = add_mod.plan(show, request)
        except FeedtoolError as again:
            fail(again.problems, False, "Add stopped")
    written = add_mod.commit(plan)
    err.print(f"Added episodes/{plan.stem} ({'moved' if move else 'copied'} from {audio}):", markup=False)
    for field, value, source in add_mod.report(plan):
        shown = " ".join(value.split())
        shown = shown if len(shown) <= 70 else shown[:67] + "..."
        err.print(f"  {field:<10} {shown:<70}  [{source}]", markup=False)
    for path in written:
        err.print(f"  wrote {path.relative_to(plan.show.root).as_posix()}", markup=False)
    next_hint(f"feedtool build{show_suffix(show)}  (edit "
              f"episodes/{plan.stem}.toml first if a value is wrong)")


@app.command()
def tag(
    target: Annotated[str, typer.Argument(metavar="STEM|all", help="An episode's stem, or 'all'.")],
    show: ShowArg = None,
    show_opt: ShowOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", "-n", help="Show the changes; write nothing.")] = False,
) -> None:
    """Write each episode's metadata into its audio file's own tags: title, show as artist and
    album, date, episode number, summary, cover art and chapters. Never re-encodes the audio.

    ID3v2.4 for MP3, MP4 atoms for M4A, Vorbis comments for Ogg, Opus and FLAC.

    Examples:

        feedtool tag all --dry-run     # what would change, old → new

        feedtool tag all

        feedtool tag 2024/interview my-show
    """
    from feedtool.authoring import tagging

    show = show_folder(show, show_opt)
    stems = None if target == "all" else [target.removeprefix("episodes/")]
    with progress_bar("Reading") as update:
        try:
            plans, problems = tagging.plan(show, stems, update)
        except FeedtoolError as exc:
            fail(exc.problems, False, "Tag stopped", code=_usage_if_unknown_stem(exc.problems))
    print_problems([p for p in problems if not p.is_error])
    todo = [p for p in plans if p.changes]
    report = out if dry_run else err  # a dry run's changes are its output
    for p in plans:
        if p.changes or p.notes:
            report.print(p.display, markup=False)
        for change in p.changes:
            report.print(f"  {change}", markup=False, soft_wrap=True)
        for note in p.notes:
            report.print(f"  note: {note}", markup=False)
    same = len(plans) - len(todo)
    if dry_run:
        err.print(f"Dry run: {len(todo)} file{'s' if len(todo) != 1 else ''} would change, {same} already "
                  "up to date. Nothing was written.")
        if todo:
            next_hint(f"feedtool tag {target}{show_suffix(show)}")
        return
    with progress_bar("Tagging") as update:
        for i, p in enumerate(todo, 1):
            tagging.apply(p)
            if update is not None:
                update(i, len(todo), p.stem)
    err.print(f"Tagged {len(todo)} file{'s' if len(todo) != 1 else ''}, {same} already up to date.")
    if todo:
        next_hint(f"feedtool build{show_suffix(show)}  "
                  "(the tagged files changed size, so their enclosures change)")


@app.command()
def master(
    target: Annotated[str, typer.Argument(metavar="STEM|all", help="An episode's stem, or 'all'.")],
    show: ShowArg = None,
    show_opt: ShowOption = None,
    force: Annotated[bool, typer.Option("--force", help="Encode again even when the cache holds the encode.")] = False,
) -> None:
    """Encode masters (WAV, AIFF, FLAC in episodes/) to the show's format and loudness now,
    rather than in the next build. Masters are never changed, nor is public/: the next
    `feedtool build` publishes the encodes.

    Set the format and loudness in podcast.toml (audio_format, audio_bitrate, loudness,
    true_peak); a build after a change encodes again by itself, `master` does it ahead.

    Examples:

        feedtool master all

        feedtool master 2024/interview my-show --force
    """
    from feedtool.authoring import mastering

    show = show_folder(show, show_opt)
    stems = None if target == "all" else [target.removeprefix("episodes/").rsplit(".", 1)[0]
                                          if target.lower().endswith((".wav", ".aif", ".aiff", ".flac"))
                                          else target.removeprefix("episodes/")]
    with progress_bar("Mastering") as update:
        try:
            done, problems = mastering.run(show, stems, force=force, progress=update)
        except FeedtoolError as exc:
            fail(exc.problems, False, "Master stopped", code=_usage_if_unknown_stem(exc.problems))
    print_problems(problems)
    for m in done:
        lv = m.loudness
        rate = f" {m.kbps} kb/s" if m.kbps else ""
        err.print(f"  {m.master} → {m.format.upper()}{rate}: {lv.integrated:.1f} LUFS, range {lv.range:.1f} LU, "
                  f"true peak {lv.true_peak:.1f} dBTP ({'encoded' if m.encoded else 'already encoded'})",
                  markup=False)
    made = sum(m.encoded for m in done)
    err.print(f"Encoded {made} master{'s' if made != 1 else ''}, {len(done) - made} already up to date.")
    if any(p.is_error for p in problems):
        raise typer.Exit(EXIT_PROBLEMS)
    if done:
        next_hint(f"feedtool build{show_suffix(show)}  (publishes the encodes)")


@app.command()
def align(
    target: Annotated[str, typer.Argument(metavar="STEM|all", help="An episode's stem, or 'all'.")],
    show: ShowArg = None,
    show_opt: ShowOption = None,
    force: Annotated[bool, typer.Option("--force", help="Align again, ignoring results kept in "
                                        ".feedtool-cache/align/.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
) -> None:
    """Find where each sub-head and paragraph of an episode's interview text is spoken in its audio,
    offline: each sub-head's chapter start, each paragraph's time, and how sure the aligner is.

    With `align = true` in podcast.toml (or the episode's toml) the build publishes what this finds:
    chapters from the text's sub-heads (unless the episode has its own) and a timed transcript
    (WebVTT and SRT). Results are kept in .feedtool-cache/align/, so the build does not align again.
    Needs `pip install 'feedtool[align]'`, espeak-ng and ffmpeg.

    Examples:

        feedtool align spike-jonze-her

        feedtool align all my-show --json
    """
    from feedtool.authoring import aligning

    show = show_folder(show, show_opt)
    stems = None if target == "all" else [target.removeprefix("episodes/")]
    with progress_bar("Aligning") as update:
        try:
            reports, problems = aligning.run(show, stems, force, update)
        except FeedtoolError as exc:
            fail(exc.problems, as_json, "Align stopped", code=_usage_if_unknown_stem(exc.problems))
    if as_json:
        sys.stdout.write(json.dumps([r.as_dict() for r in reports], indent=2, ensure_ascii=False) + "\n")
    for r in reports:
        found, total = r.sentences
        how = ("from .feedtool-cache/align/" if r.from_store else
               f"aligned in {r.seconds:.1f} s, {r.duration / max(r.seconds, 1e-3):.0f}x real time")
        err.print(f"{r.text}: {found} of {total} sentences found in {clock(r.duration)} of audio ({how})",
                  markup=False, soft_wrap=True)
        for f in r.chapters:
            err.print(f"  {int(f.chapter.start // 60)}:{f.chapter.start % 60:04.1f}  {f.chapter.title}  (confidence {f.confidence:.2f}, "
                      f"by its {f.by})", markup=False, soft_wrap=True)
    print_problems(problems)
    if any(p.is_error for p in problems):
        raise typer.Exit(EXIT_PROBLEMS)
    if not reports:
        err.print("No episode with both an audio file and an interview text to align.")
    elif not all(r.publishes for r in reports):
        next_hint("add `align = true` to podcast.toml (or the episode's toml) to publish these chapters "
                  "and a timed transcript, then `feedtool build`")


@app.command()
def serve(
    show: ShowArg = None,
    show_opt: ShowOption = None,
    port: Annotated[int, typer.Option(min=0, max=65535, metavar="PORT",
                                      help="Port to listen on (0: any free port).")] = 8000,
    host: Annotated[str, typer.Option(metavar="ADDRESS",
        help="Address to listen on; 0.0.0.0 lets phones on your network subscribe.")] = "127.0.0.1",
    allow_outside: Annotated[list[Path] | None, typer.Option(
        "--allow-outside", metavar="DIR", exists=True, file_okay=False, dir_okay=True,
        help=ALLOW_OUTSIDE_HELP)] = None,
) -> None:
    """Preview the show: build it for a local address, serve it (with HTTP range requests,
    as podcast apps seek), and rebuild when a file changes. Ctrl-C stops.

    public/ is not touched: the preview is built in a temporary folder.

    Examples:

        feedtool serve                          # http://127.0.0.1:8000/feed.xml

        feedtool serve my-show --host 0.0.0.0   # subscribe from a phone on the same Wi-Fi
    """
    from feedtool.authoring import serve as serve_mod

    directory = show_folder(show, show_opt)

    def on_build(ok: bool, problems: list[Problem], n: int) -> None:
        print_problems(problems, limit=SUMMARISE_AFTER, hint="`feedtool build --verbose` lists them all")
        if ok:
            err.print(f"Built the preview: {n} episode{'s' if n != 1 else ''}.")
        else:
            err.print("Build failed: fix the problems above and save; still serving the last good build.")

    def ready(url: str) -> None:
        err.print(f"Serving {url}  (Ctrl-C stops)", markup=False)
        next_hint(f"subscribe to {url} in a podcast app, or check it: `curl -s {url} | feedtool check -`")

    try:
        code = serve_mod.run(directory, host, port, report=lambda s: err.print(s, markup=False),
                             log=lambda s: err.print(f"[dim]{s}[/]", markup=True),
                             on_build=on_build, ready=ready, allowed=tuple(allow_outside or ()))
    except (OSError, OverflowError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        err.print(f"error: --port {port}: cannot listen on {host}:{port} ({reason})", markup=False)
        raise typer.Exit(EXIT_USAGE) from None
    err.print("Stopped.")
    raise typer.Exit(code)


def import_show(
    feed: Annotated[str, typer.Argument(help="The feed to import: its URL or a saved file.")],
    directory: Annotated[Path | None, typer.Argument(metavar="SHOW", show_default=False,
                                                     help="The new show folder [default: a folder named after "
                                                     "the show].")] = None,
    show_opt: ShowOption = None,
    base_url: Annotated[str | None, typer.Option("--base-url", metavar="URL", help="Where the new feed will be served "
                                                 "(podcast.toml's base_url).")] = None,
    download: Annotated[bool, typer.Option("--download", help="Fetch every episode's audio into the show "
                                           "(resumes where a run was cut off) instead of keeping the old "
                                           "URLs.")] = False,
    no_build: Annotated[bool, typer.Option("--no-build", help="Write the show folder only.")] = False,
) -> None:
    """Make a show folder from an existing podcast feed, keeping every GUID.

    Each item becomes episodes/DATE-TITLE.toml with its GUID exactly as the old
    feed had it, its date, and its audio's URL, length, type and duration (the
    audio stays where it is unless `--download`); then the show is built, and
    what to do at the old host is printed.

    Examples:

        feedtool import https://old-host.example/feed.rss my-show --base-url https://example.com/podcast/

        feedtool import saved-feed.xml my-show --download
    """
    from feedtool.authoring import importer

    try:
        data, source = importer.read_source(feed)
        imported = importer.parse(data, source, base_url=_base_url_option(base_url))
    except importer.ImportError_ as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(EXIT_USAGE) from None
    from feedtool.authoring.add import slugify

    named = show_folder(directory, show_opt, must_exist=False) if directory or show_opt else None
    root = named or Path(slugify(imported.show["title"]) or "imported-show")
    if (root / "podcast.toml").exists():
        err.print(f"error: {root / 'podcast.toml'}: already exists; import into a new folder", markup=False)
        raise typer.Exit(EXIT_USAGE)
    with download_bar(enabled=download) as update:
        report = importer.write(imported, root, download=download, progress=update)
    print_problems(report.problems)
    err.print(f"Imported {len(report.items)} episode{'s' if len(report.items) != 1 else ''} into {root}"
              + (f" ({report.downloaded} downloaded)" if download else "") + ".", markup=False)
    if any(p.is_error for p in report.problems):
        err.print("Some downloads failed: run the same command with a new folder, or fetch them by hand.")
        raise typer.Exit(EXIT_PROBLEMS)
    if no_build:
        return
    try:
        result = run_build(root)
    except FeedtoolError as exc:
        fail(exc.problems, False)
    print_problems(result.plan.problems, limit=SUMMARISE_AFTER)
    feed_url = result.plan.show.feed_url
    differences = importer.compare(report.items, result.plan.feed_bytes)
    for line in differences:
        err.print(f"differs: {line}", markup=False)
    n = len(report.items)
    kept = "GUIDs, enclosure URLs, lengths and dates" if not download else "GUIDs and dates (the audio now " \
        "served from the new host)"
    err.print(f"Built {result.out / result.plan.show.feed_name}: {len(result.plan.episodes)} episodes; "
              f"{n - len({d.split(':')[0] for d in differences})} of {n} keep their {kept}.", markup=False)
    if differences:
        raise typer.Exit(EXIT_PROBLEMS)
    err.print("\nNext, at the old host:", markup=False)
    for n, line in enumerate(importer.advice(report, feed_url), 1):
        err.print(f"  {n}. {line}", markup=False, highlight=False)


def _base_url_option(raw: str | None) -> str | None:
    from feedtool.config import schema

    return _option("--base-url", raw, schema.base_url)


@contextlib.contextmanager
def download_bar(enabled: bool = True) -> Iterator[Callable[[str, int, int | None], None] | None]:
    """A progress bar for downloads: (what, bytes so far, total or None)."""
    if not enabled or not err.is_terminal:
        yield None
        return
    from rich.progress import DownloadColumn, Progress, TextColumn, TransferSpeedColumn, BarColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                  console=err, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(what: str, done: int, total: int | None) -> None:
            if what not in tasks:
                tasks[what] = bar.add_task(what, total=total)
            bar.update(tasks[what], completed=done, total=total)

        yield update


app.command("import")(import_show)

media_app = typer.Typer(help="The show's audio files where they are served.\n\n"
                        "Example: feedtool media verify  (are the remote files there, the size the feed says?)",
                        no_args_is_help=True)
app.add_typer(media_app, name="media")


@media_app.command("verify")
def media_verify(
    show: ShowArg = None,
    show_opt: ShowOption = None,
    hash_files: Annotated[bool, typer.Option("--hash", help="Also download each file whose STEM.toml records "
                                             "audio_sha256 and compare its hash.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON on stdout.")] = False,
) -> None:
    """Check that each remote audio file (audio_url, or uploaded below media_base_url) is there, with the
    size and type the feed says; exit 1 when one is missing or changed.

    Examples:

        feedtool media verify

        feedtool media verify my-show --hash
    """
    from feedtool.authoring import media

    show = show_folder(show, show_opt)
    try:
        with progress_bar("Checking media", enabled=not as_json) as update:
            results, problems = media.verify(show, hash_files=hash_files, progress=update)
    except FeedtoolError as exc:
        fail(exc.problems, as_json, "Verify stopped")
    found = [p for r in results for p in r.problems]
    if as_json:
        sys.stdout.write(json.dumps({"files": [{"stem": r.stem, "url": r.url, "ok": r.ok,
                                                "problems": [p.as_dict() for p in r.problems]} for r in results],
                                     "problems": [p.as_dict() for p in problems]}, indent=2) + "\n")
    else:
        print_problems([*problems, *found])
        bad = sum(not r.ok for r in results)
        err.print(f"{len(results)} remote file{'s' if len(results) != 1 else ''} checked, {bad} missing, changed "
                  "or unreachable." if results else "No episode is served from elsewhere: nothing to check.")
    if any(not r.ok for r in results):
        raise typer.Exit(EXIT_PROBLEMS)


def list_episodes(
    show: ShowArg = None,
    show_opt: ShowOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the episodes as JSON on stdout.")] = False,
    now: Annotated[str | None, typer.Option("--now", metavar="DATE", help="List as a build with `--now DATE` "
                                            "would publish.")] = None,
) -> None:
    """List the show's episodes: number, date, title, duration, format, size, status, loudness and warnings.

    A draft (`draft = true`) or an episode dated after now is listed as such,
    with its date: the next build leaves it out. Loudness (integrated LUFS,
    range LU, true peak dBTP) is listed when the show sets a `loudness` target
    in podcast.toml, and for episodes encoded from a master.

    Examples:

        feedtool episodes

        feedtool list my-show --json
    """
    moment = parse_now_option(now)
    from rich.table import Table

    from feedtool.authoring import listing

    show = show_folder(show, show_opt)
    try:
        rows, problems = listing.rows(show, moment)
    except FeedtoolError as exc:
        fail(exc.problems, as_json, "Listing stopped")
    if as_json:
        sys.stdout.write(json.dumps({"episodes": [r.as_dict() for r in rows],
                                     "problems": [p.as_dict() for p in problems]},
                                    indent=2, ensure_ascii=False) + "\n")
    else:
        table = Table(box=None, header_style="bold", pad_edge=False)
        held = any(r.status != "published" for r in rows)  # a status column only when one says something
        # Loudness only where something was measured (a target, a master).
        loud = any(r.loudness is not None for r in rows)
        columns: list[tuple[str, Literal["left", "right"]]] = [
            ("#", "right"), ("date", "left"), ("title", "left"), ("duration", "right"), ("format", "left"),
            ("size", "right")]
        if held:
            columns.append(("status", "left"))
        if loud:
            columns += [("LUFS", "right"), ("LRA", "right"), ("dBTP", "right")]
        for name, justify in [*columns, ("warnings", "left")]:
            table.add_column(name, justify=justify)
        for r in rows:
            number = "" if r.number is None else (f"S{r.season}E{r.number}" if r.season else str(r.number))
            n_warn = len(r.warnings)
            status = "" if r.status == "published" else r.status
            date = r.date[:16].replace("T", " ") if r.status == "scheduled" else r.date[:10]
            levels: tuple[str, ...] = ()
            if loud:
                lv = r.loudness
                levels = ((f"{lv.integrated:.1f}", f"{lv.range:.1f}", f"{lv.true_peak:.1f}") if lv
                          else ("", "", ""))
            fmt = f"{r.master.rsplit('.', 1)[-1]}→{r.format}" if r.master else r.format
            table.add_row(number, date, r.title, clock(r.duration), fmt, human_size(r.size),
                          *([status] if held else []), *levels,
                          f"{n_warn} warning{'s' if n_warn != 1 else ''}" if n_warn else "",
                          style="yellow" if n_warn else "dim" if status else None)
        out.print(table)
        print_problems(problems)  # the warnings in full, below the table
        n = len(rows)
        err.print(f"{n} episode{'s' if n != 1 else ''}.")
        if not rows:
            next_hint(f"feedtool add AUDIO{show_suffix(show)} --text INTERVIEW.txt")
    if any(p.is_error for p in problems):
        raise typer.Exit(EXIT_PROBLEMS)


@app.command()
def renumber(
    show: ShowArg = None,
    show_opt: ShowOption = None,
    write: Annotated[bool, typer.Option("--write", help="Write the new numbers into the STEM.toml files "
                                        "[default: only show them].")] = False,
) -> None:
    """Number each season's episodes by date (1, 2, 3 … oldest first, the stem breaking a tie).
    Shows the changes; --write writes them into each episode's STEM.toml.

    A season without any numbered episode is left as it is. The audio's own
    tags are not changed: run `feedtool tag all` afterwards for that.

    Examples:

        feedtool renumber               # what would change, old → new

        feedtool renumber my-show --write
    """
    from feedtool.authoring import numbering

    root = show_folder(show, show_opt)
    try:
        eps = numbering.episodes_of(root)
    except FeedtoolError as exc:
        fail(exc.problems, False, "Renumber stopped")
    changes = numbering.plan(eps)
    for change in changes:
        out.print(str(change), markup=False)
    n = len(changes)
    if not changes:
        err.print(f"Every episode's number already follows its date ({len(eps)} episodes).")
        return
    if not write:
        err.print(f"Dry run: {n} episode{'s' if n != 1 else ''} would be renumbered. Nothing was written.")
        next_hint(f"feedtool renumber{show_suffix(root)} --write")
        return
    written = numbering.apply(root, changes)
    err.print(f"Renumbered {n} episode{'s' if n != 1 else ''}: wrote {len(written)} STEM.toml "
              f"file{'s' if len(written) != 1 else ''}.")
    next_hint(f"feedtool tag all{show_suffix(root)}  (the audio's track numbers), then `feedtool build`")


DOC_TOPICS = ("config", "rules")


@app.command("docs")
def docs_command(
    topic: Annotated[str, typer.Argument(metavar="TOPIC",
                                         help="config (every key of podcast.toml and STEM.toml) or rules (every "
                                              "rule `feedtool check` applies).")],
) -> None:
    """Print feedtool's reference documentation (Markdown), the same text as docs/config.md
    and docs/rules.md in the source, so an installed feedtool carries its own docs.

    Examples:

        feedtool docs config            # every key, what it means, whether it is required

        feedtool docs rules | less      # every rule id that `feedtool check` prints
    """
    if topic not in DOC_TOPICS:
        err.print(f"error: {topic!r}: no such topic; choose one of: {', '.join(DOC_TOPICS)}", markup=False)
        raise typer.Exit(EXIT_USAGE)
    if topic == "config":
        from feedtool.config.doc import markdown
    else:
        from feedtool.check.rules import markdown
    sys.stdout.write(markdown())


app.command("episodes")(list_episodes)
app.command("list", short_help="Same as `episodes`.")(list_episodes)


def main() -> None:
    app()
