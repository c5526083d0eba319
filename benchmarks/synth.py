# mutagen ships py.typed but leaves most of its API untyped.
# mypy: disable-error-code="no-untyped-call"
"""Generate a synthetic show of N episodes for the benchmark.

Real audio in every supported format (the committed fixtures, copied and
re-tagged so that each episode has its own title, date and track), interview
texts of 5–20 KB with the chrome of a pasted news page, STEM.toml files for
some episodes, and embedded cover art and chapters for some. Everything comes
from a seeded random generator, so the same N gives the same show.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from mutagen.flac import FLAC, Picture
from mutagen.id3 import APIC, COMM, ID3, TDRC, TIT2, TPE1, TRCK, PictureType
from mutagen.mp4 import MP4, MP4Cover
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "audio"
TEXTS = REPO / "tests" / "texts"

# Bump when the generated show changes, so a kept work folder is regenerated.
GENERATOR_VERSION = 5

# Most podcasts publish MP3, some AAC; Ogg, Opus and FLAC, which Apple cannot
# play, come as alternate enclosures (podcast:alternateEnclosure) of some episodes.
FORMATS = (("mp3", 80), ("m4a", 20))
ALTERNATES = ("ogg", "opus", "flac")
ALTERNATE_EVERY = 10
# Fixture per format: the tagged files carry art and three chapters, which
# the re-tagging keeps only for the episodes that should have them.
BASES = {"mp3": ("tagged.mp3", "untagged.mp3", "vbr_xing.mp3"), "m4a": ("tagged.m4a",),
         "ogg": ("tagged.ogg",), "opus": ("tagged.opus",), "flac": ("tagged.flac",)}
SEASON_COVERS = 8  # distinct season covers, each embedded in many episodes
UNIQUE_COVER_EVERY = 100  # one episode in a hundred has its own cover
SEASON_COVER_EVERY = 5  # one in five carries a season cover
CHAPTERS_EVERY = 4  # one in four keeps the fixture's chapters (MP3 only)
TOML_EVERY = 3  # one in three has a STEM.toml (and every episode with an alternate)

SHOW_TOML = """\
title = "Benchmark Interviews"
description = "A synthetic show with {n} episodes, made by benchmarks/synth.py."
base_url = "https://bench.example.org/show/"
language = "en"
author = "Bench Mark"
owner_email = "bench@example.org"
image = "cover.jpg"
categories = ["Arts > Books", "Technology"]
# Apps download the whole feed on every refresh: the newest 100 episodes in
# feed.xml, the rest in archive feeds it links to.
feed_limit = 100
"""

FIRST = ("Ada", "Bruno", "Chiara", "Dmitri", "Esi", "Farid", "Greta", "Hiro", "Ines", "Jonas",
         "Kemi", "Lars", "Mei", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Sven", "Tamar")
LAST = ("Abara", "Berg", "Castro", "Dahl", "Eze", "Fontaine", "Gupta", "Holm", "Ito", "Jensen",
        "Kovac", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov", "Quist", "Reyes", "Sato", "Toure")
TOPICS = ("the new album", "a film about memory", "twenty years of field recording", "the last lighthouse",
          "writing for radio", "a novel set at sea", "building instruments", "the city at night",
          "learning to listen", "a documentary on rivers", "the comeback tour", "translating poetry")
TEASERS = (
    ("Undead Hipsters And An Abstract Alien Star In Two Arty Horror Pics",
     "Every so often an arthouse director dips a toe into the horror genre, says a critic."),
    ("Hunting For The Tastiest Egg: Duck, Goose, Chicken Or Quail?",
     "We hard-boiled them. We donned blindfolds. And we chowed down."),
    ("Why A Governor Is Looking Beyond His Fan Base",
     "A look at the campaign's new strategy in the swing states."),
)


def sentence_pool() -> list[str]:
    """Sentences from the committed sample texts, to build paragraphs from."""
    words = " ".join(p.read_text("utf-8") for p in sorted(TEXTS.glob("*.txt")))
    sentences = re.split(r"(?<=[.?!])\s+", re.sub(r"\s+", " ", words))
    return [s for s in sentences if 40 <= len(s) <= 300 and "<" not in s]


def interview_text(rng: random.Random, pool: list[str], title: str, target: int) -> str:
    """A pasted news page: chrome, headline, standfirst, highlights, credit, teasers."""
    def paragraph() -> str:
        return " ".join(rng.choice(pool) for _ in range(rng.randint(3, 7)))

    lines = ["Filed Under:", "", title, "", "Play associated audio", "", paragraph(), "", paragraph(), "",
             "Interview Highlights", ""]
    size = sum(len(x) + 1 for x in lines)
    while size < target:
        heading = f"On {rng.choice(TOPICS)}"
        lines += [heading, ""]
        for _ in range(rng.randint(2, 4)):
            para = paragraph()
            lines += [para, ""]
            size += len(para) + 2
        size += len(heading) + 2
    lines += [f"Copyright {rng.randint(2005, 2024)} NPR. To see more, visit", "", ""]
    for head, blurb in rng.sample(TEASERS, 2):
        lines += [head, "", blurb, ""]
    return "\n".join(lines)


def jpeg(size: int, color: tuple[int, int, int], label: int) -> bytes:
    """A square JPEG with some structure (so it compresses like real art)."""
    image = Image.new("RGB", (size, size), color)
    draw = ImageDraw.Draw(image)
    for i in range(0, size, 70):
        draw.line((0, i, size, size - i), fill=((color[0] + i) % 256, 200, (label * 37) % 256), width=9)
    draw.rectangle((100, 100, 100 + (label % 20) * 50, 300), fill=(255, 255, 255))
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=60)
    return buf.getvalue()


def retag(path: Path, fmt: str, title: str, date: str, track: int, art: bytes | None,
          keep_chapters: bool) -> None:
    """Give a copied fixture its own tags; keep or drop its art and chapters."""
    if fmt == "mp3":
        tags = ID3(path) if path.read_bytes()[:3] == b"ID3" else ID3()
        tags.delall("APIC")
        if not keep_chapters:
            tags.delall("CHAP")
            tags.delall("CTOC")
        tags.setall("TIT2", [TIT2(encoding=3, text=[title])])
        tags.setall("TDRC", [TDRC(encoding=3, text=[date])])
        tags.setall("TRCK", [TRCK(encoding=3, text=[str(track)])])
        tags.setall("TPE1", [TPE1(encoding=3, text=["Bench Mark"])])
        tags.setall("COMM", [COMM(encoding=3, lang="eng", desc="", text=[f"Episode {track}."])])
        if art is not None:
            tags.add(APIC(encoding=3, mime="image/jpeg", type=PictureType.COVER_FRONT, desc="cover", data=art))
        tags.save(path, v2_version=4)
    elif fmt == "m4a":
        mp4: Any = MP4(path)
        mp4.tags["\xa9nam"] = [title]
        mp4.tags["\xa9day"] = [date]
        mp4.tags["trkn"] = [(track, 0)]
        if art is not None:
            mp4.tags["covr"] = [MP4Cover(art, imageformat=MP4Cover.FORMAT_JPEG)]
        else:
            mp4.tags.pop("covr", None)
        mp4.save()
    elif fmt == "flac":
        flac: Any = FLAC(path)
        flac["title"], flac["date"], flac["tracknumber"] = title, date, str(track)
        flac.clear_pictures()
        if art is not None:
            flac.add_picture(picture(art))
        flac.save()
    else:
        ogg: Any = (OggOpus if fmt == "opus" else OggVorbis)(path)
        ogg["title"], ogg["date"], ogg["tracknumber"] = title, date, str(track)
        if art is not None:
            ogg["metadata_block_picture"] = [base64.b64encode(picture(art).write()).decode("ascii")]
        else:
            ogg.pop("metadata_block_picture", None)
        ogg.save()


def picture(art: bytes) -> Picture:
    pic = Picture()
    pic.type = PictureType.COVER_FRONT
    pic.mime = "image/jpeg"
    pic.data = art
    return pic


def generate(root: Path, n: int, seed: int = 7) -> Path:
    """Write a show of N episodes into ROOT (which must not exist) and return ROOT."""
    rng = random.Random(seed)
    pool = sentence_pool()
    episodes = root / "episodes"
    episodes.mkdir(parents=True)
    (root / "podcast.toml").write_text(SHOW_TOML.format(n=n), "utf-8")
    (root / "cover.jpg").write_bytes(jpeg(1400, (30, 60, 90), 0))
    season_covers = [jpeg(1400, (40 * i % 256, 90, 140), i) for i in range(1, SEASON_COVERS + 1)]
    formats = [f for f, weight in FORMATS for _ in range(weight)]
    # Twice a day from 2005: 10,000 episodes end in 2018, none in the future.
    start = dt.datetime(2005, 1, 3, 6, 0, tzinfo=dt.UTC)
    for i in range(1, n + 1):
        fmt = rng.choice(formats)
        base = rng.choice(BASES[fmt])
        when = start + dt.timedelta(hours=12 * i)  # never two at one moment
        folder = episodes / str(when.year)
        folder.mkdir(exist_ok=True)
        stem = f"{when:%m%d}-interview-{i:05d}"
        guest = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        title = f"{guest} On {rng.choice(TOPICS).title()} (No. {i})"
        audio = folder / f"{stem}.{fmt}"
        shutil.copyfile(FIXTURES / base, audio)
        art = None
        if i % UNIQUE_COVER_EVERY == 0:
            art = jpeg(1400, (i % 256, (i // 256) % 256, 77), i)
        elif i % SEASON_COVER_EVERY == 0:
            art = season_covers[i % SEASON_COVERS]
        retag(audio, fmt, f"{guest}, part {i}", when.strftime("%Y-%m-%dT%H:%M:%SZ"), i, art,
              keep_chapters=i % CHAPTERS_EVERY == 0)
        (folder / f"{stem}.txt").write_text(interview_text(rng, pool, title, rng.randint(5000, 20000)), "utf-8")
        toml = ""
        if i % TOML_EVERY == 0:
            toml = f"date = {when:%Y-%m-%dT%H:%M:%SZ}\nseason = {when.year - 2004}\nepisode = {i}\n"
        if i % ALTERNATE_EVERY == 0:
            alt_fmt = ALTERNATES[(i // ALTERNATE_EVERY) % len(ALTERNATES)]
            alt = folder / f"{stem}-alt.{alt_fmt}"
            shutil.copyfile(FIXTURES / f"tagged.{alt_fmt}", alt)
            retag(alt, alt_fmt, f"{guest}, part {i}", when.strftime("%Y-%m-%dT%H:%M:%SZ"), i, None,
                  keep_chapters=False)
            toml += f'\n[[alternate_enclosure]]\nfile = "{alt.name}"\ntitle = "{alt_fmt.title()}"\n'
        if toml:
            (folder / f"{stem}.toml").write_text(toml, "utf-8")
    return root


def main() -> None:
    """python benchmarks/synth.py N FOLDER: generate one show."""
    n, folder = int(sys.argv[1]), Path(sys.argv[2])
    generate(folder, n)
    subprocess.run(["du", "-sh", str(folder)], check=False)


if __name__ == "__main__":
    main()
