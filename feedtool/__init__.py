"""feedtool: a show folder in, a podcast feed and site out.

The public API (README, "As a library"):

- `load_show(root)` reads podcast.toml: `(Show | None, problems)`.
- `build(root, out=None, *, check=False)` builds the show into OUT
  (default ROOT/public) and returns the result, its problems in `result.plan.problems`.
- `check_feed(data)` lists every problem in any podcast feed's bytes.
"""

__version__ = "0.1.0"

# After __version__: the modules below read it from this package while it loads.
from feedtool.check.feed import check_feed  # noqa: E402
from feedtool.config.load import load_show  # noqa: E402
from feedtool.engine.run import build  # noqa: E402

__all__ = ["__version__", "build", "check_feed", "load_show"]
