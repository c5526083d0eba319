"""Measure the interview-text reader on a folder of copied pages, in-process.

    python scripts/eval_text.py CORPUS [--half a|b] [--language en] [--show-wrong]

CORPUS holds ID.txt (a page as "select all, copy" gives it) and ID.json
({"headline": ..., "body": ...}), the layout of shared/corpora/articles.
Prints the mean precision, recall and F1 of the show notes against the body
(bags of lowercase words), how often the title is the headline, and how
often the summary's first ten words are body text.  `--half a` and `--half b`
score alternate pages, so that a change can be tuned on one half and checked
on the other before it is kept (feedtool's score on pages it never saw is
what matters; this is how to guess it).  Nothing here is used at run time,
and no corpus text belongs in the repository.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

import lxml.html

from feedtool.sources.text import parse_text

_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")
_STRAIGHT = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).lower())


def same_headline(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return _SPACE.sub(" ", unicodedata.normalize("NFKC", s).translate(_STRAIGHT)).strip().casefold()

    return norm(a) == norm(b)


def notes_text(notes_html: str) -> str:
    if not notes_html.strip():
        return ""
    root = lxml.html.fragment_fromstring(notes_html, create_parent="div")
    return "\n".join(el.text_content() for el in root)


def bag_f1(got: list[str], want: list[str]) -> tuple[float, float, float]:
    matched = sum((Counter(got) & Counter(want)).values())
    p = matched / len(got) if got else 0.0
    r = matched / len(want) if want else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def opens_from_body(summary: str, body: list[str], n: int = 10) -> bool:
    first = words(summary)[:n]
    return bool(first) and any(body[i : i + len(first)] == first for i in range(len(body) - len(first) + 1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--half", choices=("a", "b"))
    ap.add_argument("--language", default="en", help="the show's language, as podcast.toml gives it")
    ap.add_argument("--show-wrong", action="store_true",
                    help="list the pages whose title is wrong, whose summary is not body text, or whose F1 is below 0.8")
    args = ap.parse_args()
    ids = sorted(p.stem for p in args.corpus.glob("*.json"))
    if args.half:
        ids = ids[:: 2] if args.half == "a" else ids[1 :: 2]
    if not ids:
        print(f"no pages in {args.corpus}", file=sys.stderr)
        return 2
    rows = []
    times: list[float] = []  # wall clock
    cpu: list[float] = []  # this process's CPU time: on a shared machine, the fairer measure
    # The stoplists, their index and the compiled patterns load once per process, on the first
    # text long enough to need them: a paragraph of common words stands in for it.
    parse_text("Warm up (a caption).\n\n" + "It is the one that was in the way of all of us, and so on. " * 12,
               language=args.language)
    for i in ids:
        truth = json.loads((args.corpus / f"{i}.json").read_text("utf-8"))
        raw = (args.corpus / f"{i}.txt").read_text("utf-8")
        # The best of three reads: one read can take a collection of the garbage
        # collector or a once-per-process load that is not the text's own cost.
        wall, used = [], []
        for _ in range(3):
            started, started_cpu = time.perf_counter(), time.process_time()
            info = parse_text(raw, language=args.language)
            wall.append(time.perf_counter() - started)
            used.append(time.process_time() - started_cpu)
        times.append(min(wall))
        cpu.append(min(used))
        body = words(truth["body"])
        p, r, f = bag_f1(words(notes_text(info.notes_html)), body)
        title_ok = same_headline(info.title or "", truth["headline"])
        summary_ok = opens_from_body(info.summary or "", body)
        rows.append((p, r, f, title_ok, summary_ok))
        if args.show_wrong and not title_ok:
            print(f"{i[:12]}  title {info.title!r}  (headline: {truth['headline']!r})")
        if args.show_wrong and not summary_ok:
            print(f"{i[:12]}  summary {(info.summary or '')[:80]!r}")
        if args.show_wrong and f < 0.8:
            print(f"{i[:12]}  F1 {f:.2f} (precision {p:.2f}, recall {r:.2f})")
    n = len(rows)
    print(f"{n} pages: precision {statistics.mean(r[0] for r in rows):.3f}, recall {statistics.mean(r[1] for r in rows):.3f}, "
          f"F1 {statistics.mean(r[2] for r in rows):.3f} (median {statistics.median(r[2] for r in rows):.3f}); "
          f"title {sum(r[3] for r in rows) / n:.3f}; summary from the body {sum(r[4] for r in rows) / n:.3f}; "
          f"time per text p50 {statistics.median(times) * 1000:.1f} ms, p95 {statistics.quantiles(times, n=20)[-1] * 1000:.1f} ms, "
          f"max {max(times) * 1000:.1f} ms (CPU p50 {statistics.median(cpu) * 1000:.1f} ms, "
          f"p95 {statistics.quantiles(cpu, n=20)[-1] * 1000:.1f} ms, max {max(cpu) * 1000:.1f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
