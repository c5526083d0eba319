"""The command line: options in, core calls, a report out, an exit code.

Exit codes: 0 all good; 1 problems found (the show has errors, `check`
found errors, `build --check` found changes); 2 usage error or an input that
cannot be read at all (no podcast.toml, not a feed).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn

import typer
from rich.console import Console

from feedtool import __version__
from feedtool.engine.run import build as run_build
from feedtool.engine.run import out_refused
from feedtool.problems import FeedtoolError, Problem, ProblemFound, Severity

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
LIST_EPISODES_UP_TO = 50  # `build` lists the episodes of a show this small
ALLOW_OUTSIDE_HELP = ("Let the show's files be symbolic links into DIR, a folder outside the show (your "
                      "audio archive, say). Repeat for more folders. Only ever from the command line: "
                      "nothing in the show can allow a folder.")


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
         limit: int | None = None) -> NoReturn:
    if as_json:
        out.print_json(json.dumps({"ok": False, "problems": [p.as_dict() for p in problems]}))
    print_problems(problems, limit=limit)
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
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help=f"List every episode (done anyway for up to "
                                          f"{LIST_EPISODES_UP_TO}) and every warning (else "
                                          f"{SUMMARISE_AFTER} of each rule and a count).")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Read every file and make every output again, "
                                           "ignoring .feedtool-cache/ (it is still safe to delete).")] = False,
    allow_outside: Annotated[list[Path] | None, typer.Option(
        "--allow-outside", metavar="DIR", exists=True, file_okay=False, dir_okay=True,
        help=ALLOW_OUTSIDE_HELP)] = None,
) -> None:
    """Build the feed, transcripts, artwork and site into public/.

    Examples:

        feedtool build                 # the show in this folder

        feedtool build my-show --out /tmp/site

        feedtool build --check         # in CI: is public/ up to date?

        feedtool build --allow-outside ~/audio   # episodes/*.mp3 may link into ~/audio
    """
    if not (directory / "podcast.toml").is_file():
        err.print(f"error: {directory / 'podcast.toml'}: not found; give the show folder (see `feedtool init`)")
        raise typer.Exit(EXIT_USAGE)
    if output is not None:
        refused = out_refused(directory, output)
        if refused is not None:
            err.print(f"error: --out {output}: {refused}", markup=False)
            raise typer.Exit(EXIT_USAGE)
    try:
        with progress_bar("Reading episodes", enabled=not (quiet or as_json)) as update:
            result = run_build(directory, output, check=check, progress=update, use_cache=not no_cache,
                               allowed=tuple(allow_outside or ()))
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
    files: Annotated[list[Path], typer.Argument(help="Audio files, episode files (STEM.toml), or interview "
                                                "texts (.txt, .md, .html), in a show or not.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
) -> None:
    """Show what feedtool reads from audio files and episodes, and where each field comes from.

    Examples:

        feedtool inspect episodes/her.mp3

        feedtool inspect episodes/*.mp3 --json

        feedtool inspect ~/Downloads/interview.txt   (how feedtool reads a copied page: each line kept or
        dropped, and why)
    """
    from feedtool.authoring import inspect_file as inspect_mod

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
    from feedtool.engine import guids
    from feedtool.sources.episodes import EPISODES_DIR
    from feedtool.engine.write import write_file

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
    err.print(f"Removed {stem} (GUID {lock.episodes[stem]['guid']} retired for good)"
              + (f"; deleted {', '.join(deleted)}" if deleted else "")
              + ("; its files are kept and stay unpublished" if keep_files else "")
              + ". Next: `feedtool build`.")


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


def show_flag(show: Path) -> str:
    return "" if show == Path(".") else f" --show {show}"


def require_show(show: Path) -> None:
    if not (show / "podcast.toml").is_file():
        err.print(f"error: {show / 'podcast.toml'}: not found; give the show folder with --show "
                  "(or make one with `feedtool init`)", markup=False)
        raise typer.Exit(EXIT_USAGE)


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
    directory: Annotated[Path, typer.Argument(help="Where to make the show (created if missing).")] = Path("."),
    title: Annotated[str | None, typer.Option(help="The show's name.")] = None,
    author: Annotated[str | None, typer.Option(help="Who makes the show.")] = None,
    email: Annotated[str | None, typer.Option(help="The owner's email (directories verify it).")] = None,
    base_url: Annotated[str | None, typer.Option("--base-url", help="Where public/ will be served.")] = None,
    language: Annotated[str | None, typer.Option(help="ISO 639 code, e.g. en  [default: en]")] = None,
    category: Annotated[str | None, typer.Option(
        help="Apple category, e.g. 'Arts' or 'Society & Culture > Documentary'.",
        autocompletion=complete_category)] = None,
    description: Annotated[str | None, typer.Option(help="What the show is about.")] = None,
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
        for key, label in labels.items():
            if given[key] is None:
                given[key] = ask(key, label, "en" if key == "language" else None)
        if given["description"] is None:
            given["description"] = ask("description", "Description",
                                       scaffold.default_description(str(given["title"]), str(given["author"])))
        if given["category"] is None:
            given["category"] = ask_category()
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
    where = "" if directory == Path(".") else f" --show {directory}"
    next_hint(f"feedtool add AUDIO --text INTERVIEW.txt{where}  (then `feedtool build`)")


@app.command()
def add(
    audio: Annotated[Path, typer.Argument(help="The episode's audio: .mp3 .m4a .ogg .opus .flac")],
    text: Annotated[Path | None, typer.Option("--text", help="The interview text (.txt or .md).")] = None,
    title: Annotated[str | None, typer.Option(help="The title [default: the text's headline, or the tags'].")] = None,
    date: Annotated[str | None, typer.Option(
        help="Publication date, e.g. 2024-01-31 or 2024-01-31T09:00:00Z, or 'today' "
             "[default: the audio's date tag].")] = None,
    season: Annotated[int | None, typer.Option(help="Season number.")] = None,
    episode: Annotated[int | None, typer.Option(help="Episode number [default: the next free one].")] = None,
    stem: Annotated[str | None, typer.Option(help="File name below episodes/ [default: from the title].")] = None,
    move: Annotated[bool, typer.Option("--move", help="Move the files instead of copying them.")] = False,
    show: Annotated[Path, typer.Option("--show", help="The show folder.")] = Path("."),
) -> None:
    """Bring an episode into the show: the audio and text under episodes/, and STEM.toml
    prefilled with title, date, summary and episode number (each from a flag, the text or the tags).

    Examples:

        feedtool add ~/Recordings/interview.mp3 --text interview.txt

        feedtool add take3.m4a --title "Three Takes" --date 2024-05-01 --season 2 --move
    """
    from feedtool.authoring import add as add_mod

    require_show(show)
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
    next_hint(f"feedtool build{'' if show == Path('.') else ' ' + str(show)}  (edit "
              f"episodes/{plan.stem}.toml first if a value is wrong)")


@app.command()
def tag(
    target: Annotated[str, typer.Argument(metavar="STEM|all", help="An episode's stem, or 'all'.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", "-n", help="Show the changes; write nothing.")] = False,
    show: Annotated[Path, typer.Option("--show", help="The show folder.")] = Path("."),
) -> None:
    """Write each episode's metadata into its audio file's own tags: title, show as artist and
    album, date, episode number, summary, cover art and chapters. Never re-encodes the audio.

    ID3v2.4 for MP3, MP4 atoms for M4A, Vorbis comments for Ogg, Opus and FLAC.

    Examples:

        feedtool tag all --dry-run     # what would change, old → new

        feedtool tag all

        feedtool tag 2024/interview
    """
    from feedtool.authoring import tagging

    require_show(show)
    stems = None if target == "all" else [target.removeprefix("episodes/")]
    with progress_bar("Reading") as update:
        try:
            plans, problems = tagging.plan(show, stems, update)
        except FeedtoolError as exc:
            fail(exc.problems, False, "Tag stopped")
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
            next_hint(f"feedtool tag {target}{show_flag(show)}")
        return
    with progress_bar("Tagging") as update:
        for i, p in enumerate(todo, 1):
            tagging.apply(p)
            if update is not None:
                update(i, len(todo), p.stem)
    err.print(f"Tagged {len(todo)} file{'s' if len(todo) != 1 else ''}, {same} already up to date.")
    if todo:
        next_hint(f"feedtool build{'' if show == Path('.') else ' ' + str(show)}  "
                  "(the tagged files changed size, so their enclosures change)")


@app.command()
def align(
    target: Annotated[str, typer.Argument(metavar="STEM|all", help="An episode's stem, or 'all'.")],
    force: Annotated[bool, typer.Option("--force", help="Align again, ignoring results kept in "
                                        ".feedtool-cache/align/.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
    show: Annotated[Path, typer.Option("--show", help="The show folder.")] = Path("."),
) -> None:
    """Find where each sub-head and paragraph of an episode's interview text is spoken in its audio,
    offline: each sub-head's chapter start, each paragraph's time, and how sure the aligner is.

    With `align = true` in podcast.toml (or the episode's toml) the build publishes what this finds:
    chapters from the text's sub-heads (unless the episode has its own) and a timed transcript
    (WebVTT and SRT). Results are kept in .feedtool-cache/align/, so the build does not align again.
    Needs `pip install 'feedtool[align]'`, espeak-ng and ffmpeg.

    Examples:

        feedtool align spike-jonze-her

        feedtool align all --json
    """
    from feedtool.authoring import aligning

    require_show(show)
    stems = None if target == "all" else [target.removeprefix("episodes/")]
    with progress_bar("Aligning") as update:
        try:
            reports, problems = aligning.run(show, stems, force, update)
        except FeedtoolError as exc:
            fail(exc.problems, as_json, "Align stopped")
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
    directory: Annotated[Path, typer.Argument(help="The show folder.")] = Path("."),
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on (0: any free port).")] = 8000,
    host: Annotated[str, typer.Option(
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

    require_show(directory)

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


def list_episodes(
    show: Annotated[Path, typer.Option("--show", help="The show folder.")] = Path("."),
    as_json: Annotated[bool, typer.Option("--json", help="Print the episodes as JSON on stdout.")] = False,
) -> None:
    """List the show's episodes: number, date, title, duration, format, size and warnings.

    Examples:

        feedtool episodes

        feedtool list --show my-show --json
    """
    from rich.table import Table

    from feedtool.authoring import listing

    require_show(show)
    try:
        rows, problems = listing.rows(show)
    except FeedtoolError as exc:
        fail(exc.problems, as_json, "Listing stopped")
    if as_json:
        sys.stdout.write(json.dumps({"episodes": [r.as_dict() for r in rows],
                                     "problems": [p.as_dict() for p in problems]},
                                    indent=2, ensure_ascii=False) + "\n")
    else:
        table = Table(box=None, header_style="bold", pad_edge=False)
        for name, justify in (("#", "right"), ("date", "left"), ("title", "left"), ("duration", "right"),
                              ("format", "left"), ("size", "right"), ("warnings", "left")):
            table.add_column(name, justify=justify)  # type: ignore[arg-type]
        for r in rows:
            number = "" if r.number is None else (f"S{r.season}E{r.number}" if r.season else str(r.number))
            n_warn = len(r.warnings)
            table.add_row(number, r.date[:10], r.title, clock(r.duration), r.format, human_size(r.size),
                          f"{n_warn} warning{'s' if n_warn != 1 else ''}" if n_warn else "",
                          style="yellow" if n_warn else None)
        out.print(table)
        print_problems(problems)  # the warnings in full, below the table
        n = len(rows)
        err.print(f"{n} episode{'s' if n != 1 else ''}.")
        if not rows:
            next_hint(f"feedtool add AUDIO --text INTERVIEW.txt{show_flag(show)}")
    if any(p.is_error for p in problems):
        raise typer.Exit(EXIT_PROBLEMS)


app.command("episodes")(list_episodes)
app.command("list", short_help="Same as `episodes`.")(list_episodes)


def main() -> None:
    app()
