"""Microseconds per problem that `feedtool build` spends printing its
warnings (issue 14, item 4): 5,000 synthetic problems through
cli.print_problems to a non-terminal console, to a terminal-like one with
colour, and summarised (the default of `feedtool build`).

    python benchmarks/print_problems.py
"""

from __future__ import annotations

import io
import time

from rich.console import Console

from feedtool import cli
from feedtool.problems import Problem, Severity

N = 5000
RULES = ["AUDIO-TAG", "ART-SIZE", "DATE-FUTURE", "TITLE-LONG", "FEED-SIZE"]


def problems() -> list[Problem]:
    return [Problem(f"episodes/2011/0521-interview-{i:05d}.ogg", "title" if i % 2 else None,
                    f"the [b]title[/b] tag is {i} characters long", Severity.WARNING, RULES[i % 5], i % 7 or None)
            for i in range(N)]


def main() -> None:
    found = problems()
    for label, colour, limit in (("plain, every one", None, None), ("colour, every one", "truecolor", None),
                                 ("plain, summarised", None, cli.SUMMARISE_AFTER)):
        buf = io.StringIO()
        cli.err = Console(file=buf, highlight=False, soft_wrap=True, color_system=colour,
                          force_terminal=colour is not None)
        start = time.perf_counter()
        cli.print_problems(found, limit=limit)
        took = time.perf_counter() - start
        print(f"{label:20} {took / N * 1e6:7.1f} µs per problem ({took * 1000:.0f} ms for {N}, "
              f"{buf.getvalue().count(chr(10))} lines)")


if __name__ == "__main__":
    main()
