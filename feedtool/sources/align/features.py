"""Sound in, spectral features out: the episode's audio decoded by ffmpeg,
a unit of text spoken by espeak-ng, both turned into MFCCs by numpy.

MFCCs (mel-frequency cepstral coefficients) describe the shape of the
spectrum frame by frame, which is what two voices saying the same words
share; the first coefficient (loudness) is left out and each coefficient is
normalised over the file (cepstral mean and variance normalisation), which
takes away most of a steady noise or music bed and of the recording's
colour. About forty lines of numpy, rather than librosa and its compiler
(numba) for the same few formulas.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float32]

RATE = 16000  # the audio is decoded at this rate; speech needs no more
HOP = 0.04  # seconds between frames: the resolution of every time found
WINDOW = 0.04
MEL_BANDS = 26
CEPSTRA = 7  # c1..c6: the spectrum's outline, which two voices share; finer detail is the speaker's
# Both voices are compared below this frequency (espeak-ng speaks at 22,050 Hz).
TOP_HZ = 7600.0


class ToolMissing(Exception):
    """espeak-ng or ffmpeg is not installed, or failed."""


def _run(args: list[str]) -> bytes:
    if shutil.which(args[0]) is None:
        raise ToolMissing(f"{args[0]} is not installed (apt-get install {args[0]}); alignment needs it")
    done = subprocess.run(args, capture_output=True, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ToolMissing(f"{args[0]} failed: {message[-1] if message else f'exit {done.returncode}'}")
    return done.stdout


def decode(path: Path) -> Array:
    """The audio as mono samples at RATE."""
    raw = _run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(path), "-vn", "-ac", "1",
                "-ar", str(RATE), "-f", "s16le", "-"])
    return np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0


def speak(text: str, voice: str, speed: int = 165) -> tuple[Array, int]:
    """TEXT spoken by espeak-ng: (samples, rate). "--" ends the options, so a
    text that starts with a dash is read, not taken for one."""
    wav = _run(["espeak-ng", "-v", voice, "-s", str(speed), "--stdout", "--", text])
    # espeak-ng writes a streaming WAV (its header's sizes are not filled in):
    # the samples start after the "data" chunk's header.
    at = wav.find(b"data")
    rate = int.from_bytes(wav[24:28], "little")
    return np.frombuffer(wav[at + 8:], dtype="<i2").astype(np.float32) / 32768.0, rate


def _mel_bank(rate: int, nfft: int) -> Array:
    def mel(f: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return 2595.0 * np.log10(1.0 + f / 700.0)

    edges = 700.0 * (10 ** (np.linspace(mel(np.array(100.0)), mel(np.array(TOP_HZ)), MEL_BANDS + 2) / 2595.0) - 1)
    freqs = np.fft.rfftfreq(nfft, 1.0 / rate)
    bank = np.zeros((MEL_BANDS, len(freqs)), np.float32)
    for k in range(MEL_BANDS):
        lo, mid, hi = edges[k:k + 3]
        bank[k] = np.clip(np.minimum((freqs - lo) / (mid - lo), (hi - freqs) / (hi - mid)), 0, None)
    return bank


def mfcc(samples: Array, rate: int, denoise: bool = False) -> tuple[Array, Array]:
    """(features, log energy) per frame: features are CEPSTRA-1 normalised
    coefficients, one row every HOP seconds. DENOISE takes each band's
    floor (its quietest tenth) away first: a steady noise or music bed under
    the voice then leaves the pauses nearly as empty as the synthesizer's."""
    win = int(WINDOW * rate)
    hop = int(round(HOP * rate))
    nfft = 1 << (win - 1).bit_length()
    if len(samples) < win:
        samples = np.pad(samples, (0, win - len(samples)))
    emphasised = np.append(samples[:1], samples[1:] - 0.97 * samples[:-1]).astype(np.float32)
    count = 1 + (len(emphasised) - win) // hop
    bands = np.empty((count, MEL_BANDS), np.float32)
    energy = np.empty(count, np.float32)
    bank = _mel_bank(rate, nfft)
    window = np.hamming(win).astype(np.float32)
    step = 4096  # frames at a time: an hour's spectra would not fit in memory at once
    for first in range(0, count, step):
        n = min(step, count - first)
        index = np.arange(win)[None, :] + hop * (first + np.arange(n))[:, None]
        power = np.abs(np.fft.rfft(emphasised[index] * window, nfft)) ** 2
        energy[first:first + n] = np.log(power.sum(1) + 1e-10)
        bands[first:first + n] = power @ bank.T
    if denoise:
        floor = np.percentile(bands, 10, axis=0)
        bands = np.maximum(bands - floor, 0.05 * floor)
    k = np.arange(MEL_BANDS)
    dct = np.cos(np.pi / MEL_BANDS * (k[None, :] + 0.5) * np.arange(1, CEPSTRA)[:, None]).astype(np.float32)
    out = np.log(bands + 1e-10) @ dct.T
    out -= out.mean(0)
    out /= out.std(0) + 1e-6
    return out.astype(np.float32), energy


def voiced(features: Array, energy: Array, floor_db: float = 35.0) -> Array:
    """FEATURES without the silence before the first and after the last
    frame within FLOOR_DB of the loudest."""
    loud = np.flatnonzero(energy > energy.max() - floor_db / 10 * np.log(10))
    if len(loud) == 0:
        return features
    return features[loud[0]:loud[-1] + 1]
