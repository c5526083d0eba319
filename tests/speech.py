"""Synthesised interviews for the aligner's tests: a text spoken by
espeak-ng in a chosen voice and speed, with pauses between paragraphs and
a noise or music bed mixed under it by ffmpeg. The true start of every
spoken part is known from how the audio was put together.

Run alone to hear one: python tests/speech.py OUT.mp3
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

RATE = 22050  # espeak-ng's own rate

# An interview written for these tests (no one's published text): three
# highlights under sub-heads, with names no dictionary has.
TITLE = "A Baker Who Listens To Her Bread"
INTRO = ("Marguerite Okonkwo-Lindqvist runs a small bakery on a corner in Tampere. "
         "She spoke to us about sourdough, early mornings and why she never plays music in the kitchen.")
SECTIONS = [
    ("On starting the bakery", [
        "I had no plan at all. My grandmother left me a jar of starter and a note that said feed it every day. "
        "So I fed it, and after a year I had more bread than friends.",
    ]),
    ("On the sound of a good loaf", [
        "When you tap the bottom of a loaf it should sound hollow, like a small drum. "
        "Nobody believes me, but the crust crackles as it cools. That is the bread talking to you.",
    ]),
    ("On the early mornings", [
        "The alarm rings at three. I walk through the empty streets and the city belongs to the foxes. "
        "By six the first customers from Hervanta are already waiting at the door.",
    ]),
]


@dataclass(frozen=True)
class Spoken:
    path: Path
    starts: dict[str, float]  # "intro" or a sub-head → when its first spoken words begin
    duration: float


def _speak(text: str, voice: str, speed: int, target: Path) -> float:
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(target), "--", text],
                   check=True, capture_output=True)
    with wave.open(str(target)) as w:
        return w.getnframes() / w.getframerate()


def _silence(seconds: float, target: Path) -> None:
    with wave.open(str(target), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(b"\0\0" * int(seconds * RATE))


def interview(target: Path, voice: str = "en-us", speed: int = 165, pause: float = 0.8,
              bed: str | None = None, headings_spoken: bool = False, lead: float = 1.5) -> Spoken:
    """Speak the interview into TARGET (.mp3): a lead-in of LEAD seconds,
    the intro, then each highlight (its sub-head too when HEADINGS_SPOKEN),
    PAUSE seconds between paragraphs. BED: None, "noise" (pink noise 20 dB
    under the voice) or "music" (a chord that swells and falls)."""
    parts: list[tuple[str | None, str]] = [("intro", INTRO)]
    for heading, paragraphs in SECTIONS:
        if headings_spoken:
            parts.append((heading, heading))
        for n, paragraph in enumerate(paragraphs):
            parts.append((heading if n == 0 and not headings_spoken else None, paragraph))
    starts: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        pieces: list[Path] = []
        t = 0.0

        def gap(seconds: float) -> None:
            nonlocal t
            path = Path(tmp) / f"{len(pieces):02d}.wav"
            _silence(seconds, path)
            pieces.append(path)
            t += seconds

        gap(lead)
        for key, text in parts:
            path = Path(tmp) / f"{len(pieces):02d}.wav"
            if key is not None:
                starts[key] = t
            t += _speak(text, voice, speed, path)
            pieces.append(path)
            gap(pause)
        listing = Path(tmp) / "list.txt"
        listing.write_text("".join(f"file '{p}'\n" for p in pieces))
        inputs = ["-f", "concat", "-safe", "0", "-i", str(listing)]
        if bed == "noise":
            inputs += ["-f", "lavfi", "-i", f"anoisesrc=color=pink:amplitude=0.06:duration={t}:seed=7"]
        elif bed == "music":
            chord = "+".join(f"0.05*sin(2*PI*{f}*t)" for f in (220, 277.2, 329.6, 440))
            inputs += ["-f", "lavfi", "-i", f"aevalsrc=({chord})*(0.6+0.4*sin(2*PI*0.25*t)):s={RATE}:d={t}"]
        mix = ["-filter_complex", "[0:a][1:a]amix=inputs=2:duration=first:normalize=0"] if bed else []
        subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", *inputs, *mix, "-ac", "1", "-ar", "16000",
                        "-c:a", "libmp3lame", "-b:a", "32k", str(target)], check=True)
    return Spoken(target, starts, t)


def text(sections: list[tuple[str, list[str]]] | None = None, intro: str | None = INTRO) -> str:
    """The interview as a Markdown text (STEM.md) with these SECTIONS."""
    out = [f"# {TITLE}", ""]
    if intro:
        out += [intro, ""]
    for heading, paragraphs in SECTIONS if sections is None else sections:
        out += [f"## {heading}", ""]
        for paragraph in paragraphs:
            out += [paragraph, ""]
    return "\n".join(out)


if __name__ == "__main__":
    made = interview(Path(sys.argv[1]), bed="music")
    print(made)
