"""docs/config.md, generated from the key schemas in config.py, so the
documentation lists exactly the keys that feedtool accepts:

    python -m feedtool.configdoc > docs/config.md

A test fails when the committed file and the schemas drift apart.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

from feedtool.config.load import EPISODE_KEYS, SHOW_KEYS
from feedtool.config.schema import Key


def _table(keys: Mapping[str, Key]) -> list[str]:
    lines = ["| key | required | what it is |", "|---|---|---|"]
    for key in keys.values():
        doc = key.doc.replace("|", "\\|")
        lines.append(f"| `{key.name}` | {'yes' if key.required else ''} | {doc} |")
    return lines


def markdown() -> str:
    lines = [
        "# Configuration keys",
        "",
        "Generated from `feedtool/config.py` by `python -m feedtool.configdoc > docs/config.md`;",
        "a test fails when this file and the schemas drift apart. Every key is checked when the",
        "show is built; an unknown key is an error that suggests the closest known one.",
        "",
        "## podcast.toml",
        "",
        *_table(SHOW_KEYS),
        "",
        "## episodes/STEM.toml",
        "",
        "Each episode's optional metadata, beside its audio file. A field set here wins over the",
        "interview text and the audio's tags.",
        "",
        *_table(EPISODE_KEYS),
        "",
        "## Files beside an episode",
        "",
        "| file | what it is |",
        "|---|---|",
        "| `STEM.mp3` (`.m4a` `.ogg` `.opus` `.flac`) | the audio: exactly one per episode |",
        ("| `STEM.txt` or `STEM.md` | the interview text; published as `transcripts/STEM.txt` and "
        "`transcripts/STEM.html` |"),
        "| `STEM.toml` | the keys above |",
        ("| `STEM.vtt` / `STEM.srt` | a timed transcript; checked against the audio and published in both "
        "formats |"),
        ("| `STEM.chapters.json` | Podcasting 2.0 JSON chapters; used when STEM.toml has no `[[chapters]]`, "
        "and preferred to the audio's own chapters |"),
        "",
        "## Podcasting 2.0 examples",
        "",
        "```toml",
        "# podcast.toml",
        "locked = true",
        'medium = "podcast"',
        'license = "cc-by-4.0"',
        'location = { name = "Austin, TX", geo = "geo:30.2672,-97.7431", country = "US" }',
        "",
        "[[person]]",
        'name = "Alice Host"',
        'role = "host"',
        'href = "https://example.com/alice"',
        "",
        "[[funding]]",
        'url = "https://example.com/support"',
        'text = "Support the show"',
        "```",
        "",
        "```toml",
        "# episodes/interview.toml",
        "date = 2024-01-31",
        "",
        "[[person]]",
        'name = "Bob Guest"',
        'role = "guest"',
        "",
        "[[chapters]]",
        "start = 0",
        'title = "Introduction"',
        "",
        "[[chapters]]",
        'start = "00:05:30"',
        'title = "The interview"',
        "",
        "[[soundbite]]",
        "start = 330",
        "duration = 45",
        'title = "The best minute"',
        "",
        "[[alternate_enclosure]]",
        'file = "interview.opus"',
        'title = "Opus"',
        "```",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    sys.stdout.write(markdown())


if __name__ == "__main__":
    main()
