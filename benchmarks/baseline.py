"""The baseline: the bare job a minimal script would do, nothing more.

Walk episodes/, ask mutagen for each audio file's duration, read the text
beside it, put one item with an enclosure per episode into a feedgen feed
and write that one file. No validation, no text cleaning, no cache, no
copies: what feedtool's timings are compared to.

python benchmarks/baseline.py SHOW_FOLDER OUTPUT_FOLDER
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import feedgen.feed  # noqa: F401  (feedgen.util needs lxml.etree imported first)
import mutagen
from feedgen.feed import FeedGenerator

AUDIO = {".mp3": "audio/mpeg", ".m4a": "audio/x-m4a", ".ogg": "audio/ogg", ".opus": "audio/opus",
         ".flac": "audio/flac"}


def main(root: Path, out: Path) -> None:
    base = "https://bench.example.org/show/"
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.title("Benchmark Interviews")
    fg.link(href=base, rel="alternate")
    fg.description("baseline")
    fg.lastBuildDate(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    for folder, dirs, names in sorted(os.walk(root / "episodes")):
        dirs.sort()
        for name in sorted(names):
            stem, suffix = os.path.splitext(name)
            if suffix not in AUDIO:
                continue
            path = Path(folder) / name
            audio = mutagen.File(path)
            text_path = path.with_suffix(".txt")
            text = text_path.read_text("utf-8") if text_path.exists() else stem
            st = path.stat()
            fe = fg.add_entry(order="append")
            fe.guid(f"{base}{stem}", permalink=False)
            fe.title(stem)
            fe.description(text)
            fe.enclosure(f"{base}media/{name}", str(st.st_size), AUDIO[suffix])
            fe.pubDate(dt.datetime.fromtimestamp(st.st_mtime, dt.UTC))
            fe.podcast.itunes_duration(round(audio.info.length))
    out.mkdir(parents=True, exist_ok=True)
    fg.rss_file(str(out / "feed.xml"), pretty=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
