"""`feedtool init`: a new show folder that builds on the first try.

The answers are checked with the very converters that read podcast.toml
(config.SHOW_KEYS), so whatever init accepts, `feedtool build` accepts too.
Nothing is written until every answer is valid and no file would be
overwritten.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import tomli_w
from PIL import Image, ImageDraw, ImageFont

from feedtool import __version__
from feedtool.config import load as config
from feedtool.sources.episodes import EPISODES_DIR
from feedtool.problems import FeedtoolError, Problem, error

COVER_NAME = "cover.png"
WORKFLOW_PATH = ".github/workflows/feed.yml"
GITIGNORE_LINES = (".feedtool-cache/", "*.feedtool-tmp")
# Apple's minimum (and the smallest file): 1400 x 1400 px, RGB (podcast-standards.md, APL-IMAGE).
COVER_SIZE = 1400

# The questions init asks, in order: (key in podcast.toml, the flag that answers it).
QUESTIONS: tuple[tuple[str, str], ...] = (
    ("title", "--title"),
    ("description", "--description"),
    ("author", "--author"),
    ("owner_email", "--email"),
    ("base_url", "--base-url"),
    ("language", "--language"),
    ("category", "--category"),
)


def check_answer(key: str, value: Any, flag: str | None = None) -> tuple[Any, Problem | None]:
    """Convert one answer with podcast.toml's own converter.

    Returns (converted value, None) or (None, a Problem naming podcast.toml
    and the key, and the flag the answer came from).
    """
    convert = config.category if key == "category" else config.SHOW_KEYS[key].convert
    field = "categories" if key == "category" else key
    try:
        value = convert(value)
    except ValueError as exc:
        origin = f" (from {flag})" if flag else ""
        return None, error(config.SHOW_FILE, field, f"{exc}{origin}")
    if key == "category":
        # Keep the user's spelling form: 'Top' or 'Top > Sub'.
        return (value.name if value.sub is None else f"{value.name} > {value.sub}"), None
    return value, None


def default_description(title: str, author: str) -> str:
    return f"{title}, a podcast by {author}."


def category_choices() -> list[str]:
    """Every valid category value, 'Top' and 'Top > Sub', in Apple's order."""
    out: list[str] = []
    for top, subs in config.apple_categories().items():
        out.append(top)
        out.extend(f"{top} > {sub}" for sub in subs)
    return out


@dataclass(frozen=True)
class Answers:
    title: str
    description: str
    author: str
    owner_email: str
    base_url: str
    language: str
    category: str


def validate(raw: dict[str, Any], flags: dict[str, str] | None = None) -> tuple[Answers | None, list[Problem]]:
    """Check every answer; collect every problem (a script gets all of them at once)."""
    flags = flags or dict(QUESTIONS)
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, flag in QUESTIONS:
        if raw.get(key) is None:
            if key == "description":
                continue
            field = "categories" if key == "category" else key
            problems.append(error(config.SHOW_FILE, field, f"is required: give {flags.get(key, flag)}"))
            continue
        value, problem = check_answer(key, raw[key], flags.get(key, flag))
        if problem is not None:
            problems.append(problem)
        else:
            values[key] = value
    if problems:
        return None, problems
    if "description" not in values:
        values["description"] = default_description(values["title"], values["author"])
    return Answers(**values), []


def _line(key: str, value: Any) -> str:
    # tomli_w does the quoting and escaping of one key = value line.
    if isinstance(value, list):  # inline, as people write a short list by hand
        items = ", ".join(_line("x", item).split(" = ", 1)[1] for item in value)
        return f"{key} = [{items}]"
    return tomli_w.dumps({key: value}).rstrip("\n")


def podcast_toml(a: Answers) -> str:
    """A commented podcast.toml that config.load_show accepts as it is."""
    return "\n".join([
        "# The show. feedtool reads this on every build; `feedtool docs config` lists every key.",
        "",
        "# The show's name, as podcast apps list it.",
        _line("title", a.title),
        "# What the show is about, up to 4,000 characters: apps show it on the show's page.",
        _line("description", a.description),
        "# Where public/ is served; the feed will be at this URL + feed.xml.",
        _line("base_url", a.base_url),
        "# An ISO 639 language code: en, en-us, de, fr ...",
        _line("language", a.language),
        "# Who makes the show.",
        _line("author", a.author),
        "# Directories (Apple, Spotify) send a verification mail here; it is public in the feed.",
        _line("owner_email", a.owner_email),
        f"# Cover art: 1400-3000 px square JPEG or PNG. `feedtool init` drew a placeholder in {COVER_NAME}.",
        _line("image", COVER_NAME),
        "# Apple's categories, 'Category' or 'Category > Subcategory'; the first is the main one.",
        _line("categories", [a.category]),
        "# true when the show has explicit content.",
        _line("explicit", False),
        "# The loudness every episode should have, in LUFS (Apple advises -16): each episode is",
        "# measured once (ffmpeg) and a warning names any that is off; WAV/AIFF masters in",
        "# episodes/ are levelled to it. Remove the line to skip measuring (docs/audio.md).",
        _line("loudness", -16),
        "",
    ])


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's bundled font (10.1+): no system font needed, same pixels everywhere.
    return ImageFont.load_default(size=size)


def cover_png(title: str, author: str) -> bytes:
    """A placeholder cover: 1400x1400 RGB PNG with the title drawn on it.

    Deterministic (no clock, no randomness), so a show's first commit is
    reproducible; RGB because Apple rejects art with transparency.
    """
    img = Image.new("RGB", (COVER_SIZE, COVER_SIZE), (28, 45, 71))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, COVER_SIZE - 260, COVER_SIZE, COVER_SIZE), fill=(232, 163, 61))
    margin = 110
    width = COVER_SIZE - 2 * margin
    size = 150
    lines: list[str] = []
    while size >= 50:
        font = _font(size)
        lines = _wrap(draw, title, font, width)
        if len(lines) * size * 1.2 <= COVER_SIZE - 520:
            break
        size -= 10
    font = _font(size)
    y = 160
    for line in lines:
        draw.text((margin, y), line, font=font, fill=(250, 247, 240))
        y += int(size * 1.2)
    draw.text((margin, COVER_SIZE - 190), author, font=_font(72), fill=(28, 45, 71))
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: Any, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    # A single word wider than the art is cut into pieces that fit.
    out: list[str] = []
    for line in lines:
        while draw.textlength(line, font=font) > width and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and draw.textlength(line[:cut], font=font) > width:
                cut -= 1
            out.append(line[:cut])
            line = line[cut:]
        out.append(line)
    return out


def workflow_yaml() -> str:
    """The CI workflow that `init` writes, pinned to this feedtool's version
    (the repository's own is the same file, installing feedtool from itself)."""
    text = resources.files("feedtool").joinpath("templates/feed.yml").read_text("utf-8")
    return text.replace("@VERSION@", __version__)


@dataclass(frozen=True)
class Created:
    root: Path
    written: tuple[str, ...]  # relative paths, sorted
    appended: tuple[str, ...]  # files that existed and got lines added


def conflicts(root: Path) -> list[Problem]:
    """Files init would overwrite: it never does."""
    problems = []
    for name in (config.SHOW_FILE, COVER_NAME, WORKFLOW_PATH):
        if (root / name).exists():
            what = "a show already lives here" if name == config.SHOW_FILE else "init would overwrite it"
            problems.append(error(name, None, f"already exists in {root}: {what}; nothing was written"))
    return problems


def create(root: Path, answers: Answers) -> Created:
    """Write the new show into ROOT (made if missing). Raises FeedtoolError,
    before writing anything, if a file is in the way."""
    problems = conflicts(root)
    if problems:
        raise FeedtoolError(problems)
    files: dict[str, bytes] = {
        config.SHOW_FILE: podcast_toml(answers).encode("utf-8"),
        COVER_NAME: cover_png(answers.title, answers.author),
        WORKFLOW_PATH: workflow_yaml().encode("utf-8"),
        f"{EPISODES_DIR}/.gitkeep": b"",
    }
    written: list[str] = []
    appended: list[str] = []
    gitignore = root / ".gitignore"
    existing = gitignore.read_text("utf-8").splitlines() if gitignore.exists() else None
    if existing is None:
        files[".gitignore"] = ("# feedtool's cache and half-written files\n"
                               + "\n".join(GITIGNORE_LINES) + "\n").encode()
    for rel, data in sorted(files.items()):
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if rel.endswith(".gitkeep") and target.exists():
            continue
        target.write_bytes(data)
        written.append(rel)
    if existing is not None:
        # A repository's own .gitignore is kept; only feedtool's lines are added.
        missing = [line for line in GITIGNORE_LINES if line not in existing]
        if missing:
            text = gitignore.read_text("utf-8")
            sep = "" if not text or text.endswith("\n") else "\n"
            gitignore.write_text(text + sep + "\n".join(missing) + "\n", "utf-8")
            appended.append(".gitignore")
    return Created(root, tuple(sorted(written)), tuple(appended))


def summary(answers: Answers) -> str:
    return textwrap.dedent(f"""\
        title     {answers.title}
        author    {answers.author} <{answers.owner_email}>
        feed      {answers.base_url}feed.xml
        language  {answers.language}
        category  {answers.category}""")
