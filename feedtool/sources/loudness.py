"""An episode's loudness: integrated loudness, loudness range and true peak
(ITU-R BS.1770-4, EBU R128 and Tech 3342) as ffmpeg's ebur128 filter
measures them, and the warnings for an episode outside the show's target.

Measuring decodes the whole file, so it is done only when the show sets a
`loudness` target or a master is encoded, and each result is kept in the
media store (store.py) by the file's content: a second build decodes nothing.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

from feedtool.model import Loudness, Mastering
from feedtool.problems import Problem, ProblemFound, error, warning
from feedtool.sources import ffmpeg

# The summary ebur128 logs at the end: "I: -16.0 LUFS", "LRA: 5.3 LU", "Peak: -1.2 dBFS".
_SUMMARY = {
    "integrated": re.compile(r"^\s*I:\s*(-?[\d.]+|-inf)\s*LUFS", re.MULTILINE),
    "range": re.compile(r"^\s*LRA:\s*(-?[\d.]+|-inf)\s*LU\b", re.MULTILINE),
    "true_peak": re.compile(r"^\s*Peak:\s*(-?[\d.]+|-inf)\s*dBFS", re.MULTILINE),
}
# What silence measures as: the gate's floor (BS.1770's absolute gate) and no peak.
SILENCE = -70.0


def measure(path: Path, display: str, duration: float = 0.0, progress: ffmpeg.Progress | None = None) -> Loudness:
    """PATH's loudness, measured by ffmpeg's ebur128 filter (true peak on
    the 4x oversampled signal); an error naming DISPLAY if it cannot be read."""
    log = ffmpeg.run(["-i", str(path), "-map", "0:a:0", "-af", "ebur128=peak=true:framelog=verbose",
                      "-f", "null", "-"], display, "measure its loudness", duration, progress)
    return parse_summary(log, display)


def parse_summary(log: str, display: str) -> Loudness:
    start = log.rfind("Summary:")
    values: dict[str, float] = {}
    for name, pattern in _SUMMARY.items():
        match = pattern.search(log, start if start >= 0 else 0)
        if match is None:
            raise ProblemFound(error(display, None, "ffmpeg measured no loudness (no audio stream?)"))
        value = float(match.group(1))
        values[name] = SILENCE if math.isinf(value) else value
    return Loudness(values["integrated"], values["range"], values["true_peak"])


def analyse(path: Path, display: str, target: float, true_peak: float, duration: float = 0.0,
            progress: ffmpeg.Progress | None = None) -> dict[str, float]:
    """loudnorm's first pass over a master: the measured values its second
    pass takes (input_i, input_tp, input_lra, input_thresh, target_offset)."""
    log = ffmpeg.run(["-i", str(path), "-map", "0:a:0", "-af", f"{loudnorm(target, true_peak)}:print_format=json",
                      "-f", "null", "-"], display, "measure its loudness", duration, progress)
    start, end = log.rfind("{"), log.rfind("}")
    try:
        data = json.loads(log[start:end + 1])
        return {k: float(data[k]) for k in ("input_i", "input_tp", "input_lra", "input_thresh", "target_offset")}
    except (ValueError, KeyError, TypeError):
        raise ProblemFound(error(display, None, "ffmpeg's loudnorm filter gave no measurement")) from None


# Room left below the true-peak limit for what lossy encoding adds to the
# peaks (its filtering makes new inter-sample peaks; ~0.5 dB at podcast bitrates).
ENCODING_HEADROOM = 0.5
# The widest loudness range loudnorm accepts as a target: with it, a master
# whose peaks allow is levelled by one gain (its "linear" mode), its
# dynamics kept; otherwise loudnorm compresses and limits as it goes.
LRA_TARGET = 20.0


def loudnorm(target: float, true_peak: float, measured: dict[str, float] | None = None) -> str:
    """The loudnorm filter levelling to TARGET LUFS under TRUE_PEAK dBTP;
    with MEASURED (from `analyse`), its second pass."""
    tp = max(-9.0, true_peak - ENCODING_HEADROOM)
    spec = f"loudnorm=I={target:g}:TP={tp:g}:LRA={LRA_TARGET:g}"
    if measured is not None:
        # loudnorm's ranges: measured_I -99..0, TP -99..99, LRA 0..99, thresh -99..0.
        spec += (f":measured_I={max(-99.0, min(0.0, measured['input_i'])):g}"
                 f":measured_TP={max(-99.0, min(99.0, measured['input_tp'])):g}"
                 f":measured_LRA={max(0.0, min(99.0, measured['input_lra'])):g}"
                 f":measured_thresh={max(-99.0, min(0.0, measured['input_thresh'])):g}"
                 f":offset={max(-99.0, min(99.0, measured['target_offset'])):g}:linear=true")
    return spec


def describe(value: Loudness) -> str:
    return f"{value.integrated:.1f} LUFS, range {value.range:.1f} LU, true peak {value.true_peak:.1f} dBTP"


def problems(mastering: Mastering, display: str, value: Loudness, *, encoded: bool = False) -> list[Problem]:
    """Warnings for an episode outside the show's loudness target (LOUDNESS)
    or over its true-peak limit (TRUE-PEAK). ENCODED: VALUE is the encode of
    a master, which feedtool already levelled (a very short or very uneven
    master can still miss)."""
    found = []
    target = mastering.target
    off = value.integrated - target
    if value.integrated <= SILENCE:
        found.append(warning(display, None, "is silent: no loudness could be measured", rule="LOUDNESS"))
    elif abs(off) > mastering.tolerance:
        how = "quieter" if off < 0 else "louder"
        found.append(warning(
            display, None,
            f"measures {value.integrated:.1f} LUFS, {abs(off):.1f} LU {how} than the show's target of "
            f"{target:g} LUFS (±{mastering.tolerance:g} LU); "
            + ("its encode was levelled to the target and still misses it (loudness is hard to measure on "
               "very short or very uneven audio); check the master" if encoded else
               "level it to the target, or give feedtool the WAV/AIFF/FLAC master and it levels it"),
            rule="LOUDNESS"))
    if value.true_peak > mastering.true_peak:
        found.append(warning(
            display, None,
            f"peaks at {value.true_peak:.1f} dBTP, above the show's limit of {mastering.true_peak:g} dBTP: "
            "players and lossy re-encoding may clip it; limit its peaks", rule="TRUE-PEAK"))
    return found
