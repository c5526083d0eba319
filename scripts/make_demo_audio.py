"""Synthesize the demo episode's audio from its cleaned interview text.

episodes/spike-jonze-her.txt → espeak-ng reads each section → ffmpeg encodes
one MP3 → mutagen tags it (title, artist, album, date, comment, track, cover).
The audio carries no chapter tags: the demo's chapters are found by aligning
the text to the audio (align = true in episodes/spike-jonze-her.toml, issue
18). The script prints where each highlight truly starts, to check them by.

Needs espeak-ng and ffmpeg (apt-get install espeak-ng ffmpeg). Deterministic:
the same text and tools give the same bytes. Run:
    python scripts/make_demo_audio.py
"""

from __future__ import annotations

import subprocess
import tempfile
import wave
from pathlib import Path

from mutagen.id3 import APIC, COMM, ID3, TALB, TDRC, TIT2, TPE1, TRCK

from feedtool.sources.text import parse_text

ROOT = Path(__file__).resolve().parent.parent
STEM = ROOT / "episodes" / "spike-jonze-her"
RATE = 16000


def speak(text: str, target: Path) -> float:
    """Speak TEXT into a WAV file; return its length in seconds."""
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "165", "-w", str(target), text],
                   check=True, capture_output=True)
    with wave.open(str(target)) as w:
        return w.getnframes() / w.getframerate()


def main() -> None:
    info = parse_text(STEM.with_suffix(".txt").read_text("utf-8"))
    parts: list[tuple[str, str]] = []  # (chapter title, spoken text)
    intro = [info.title or ""] + list(info.sections[0].paragraphs if info.sections else [])
    parts.append(("Introduction", "\n\n".join(intro)))
    for section in info.sections[1:]:
        if section.heading and section.heading.lower().startswith("on "):
            parts.append((section.heading, "\n\n".join([section.heading, *section.paragraphs])))
        elif parts:
            title, spoken = parts[-1]
            parts[-1] = (title, "\n\n".join([spoken, *([section.heading] if section.heading else []),
                                              *section.paragraphs]))
    if info.credit:
        title, spoken = parts[-1]
        parts[-1] = (title, spoken + "\n\n" + info.credit)

    with tempfile.TemporaryDirectory() as tmp:
        starts, wavs, t = [], [], 0.0
        for i, (_, spoken) in enumerate(parts):
            wav = Path(tmp) / f"{i:02d}.wav"
            starts.append(t)
            t += speak(spoken, wav)
            wavs.append(wav)
        listing = Path(tmp) / "list.txt"
        listing.write_text("".join(f"file '{w}'\n" for w in wavs))
        mp3 = STEM.with_suffix(".mp3")
        subprocess.run([
            "ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "concat", "-safe", "0", "-i", str(listing),
            "-ac", "1", "-ar", str(RATE), "-c:a", "libmp3lame", "-b:a", "24k",
            "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact", str(mp3),
        ], check=True)
    tag(mp3, info.title or "", info.summary or "")
    print(f"wrote {mp3.relative_to(ROOT)}: {t:.1f} s; each part truly starts at:")
    for (title, _), start in zip(parts, starts):
        print(f"  {start:8.3f}  {title}")


def tag(mp3: Path, title: str, summary: str) -> None:
    tags = ID3()
    tags.add(TIT2(encoding=3, text=title))
    tags.add(TPE1(encoding=3, text="Feedtool Demo"))
    tags.add(TALB(encoding=3, text="Feedtool Interviews"))
    tags.add(TDRC(encoding=3, text="2013-12-18"))
    tags.add(COMM(encoding=3, lang="eng", desc="", text=summary))
    tags.add(TRCK(encoding=3, text="1"))
    # The show's own art, full size: Apple holds episode art to the same
    # 1400-3000 px rule as the show's.
    cover = (ROOT / "podcast-cover.png").read_bytes()
    tags.add(APIC(encoding=3, mime="image/png", type=3, desc="Cover", data=cover))
    tags.save(mp3, v2_version=4)


if __name__ == "__main__":
    main()
