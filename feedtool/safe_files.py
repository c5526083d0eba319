"""The one door through which feedtool reads a show's files.

A show is often built by CI from a repository that others contribute to, so
a file in it may be a symlink to /proc/self/environ (the build's secrets),
to /etc/passwd, or to anything else on the build machine; or a FIFO that
blocks the build for ever. The rules are those of Python's tarfile
``data_filter`` (PEP 706): resolve the path, require it inside the show
folder once symlinks are followed, and require a regular file. A folder
outside the show is allowed only from the command line (``--allow-outside``),
never from a file in the show, so a contributor cannot grant it.

``Scope.check`` decides; ``open_file`` and ``read_bytes`` open what it
allowed without following a link or blocking on a FIFO, and refuse anything
that is not a regular file even when a caller has no Scope (a file named on
the command line, or one the discovery already checked).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from feedtool.problems import ProblemFound, error

# Never read, whatever --allow-outside says: their "files" are the kernel's
# view of the machine (environment, memory, devices), not a podcast's.
SYSTEM_FOLDERS = (Path("/proc"), Path("/sys"), Path("/dev"))

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)

HINT = ("feedtool reads only files inside the show folder; to use a folder of your own, "
        "name it on the command line: `feedtool build --allow-outside DIR`")


def kind(mode: int) -> str:
    """'a named pipe (FIFO)' and the like, for a message."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


@dataclass(frozen=True)
class Scope:
    """Where a show's files may be: the show folder and the folders the
    command line allowed, all resolved."""

    root: Path
    allowed: tuple[Path, ...] = ()

    @classmethod
    def of(cls, root: Path, allowed: Sequence[Path] = ()) -> Scope:
        return cls(root.resolve(), tuple(Path(a).resolve() for a in allowed))

    def contains(self, real: Path) -> bool:
        if any(real.is_relative_to(s) for s in SYSTEM_FOLDERS):
            return False
        return any(real.is_relative_to(folder) for folder in (self.root, *self.allowed))

    def check(self, path: Path, display: str, field: str | None = None, named: str | None = None) -> Path:
        """The real path of PATH, once it is known to be a regular file
        inside the scope; else raise ProblemFound naming the file and where
        it points. NAMED is how a config file named it ('../x.ogg'), for
        the message."""
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            what = f"file not found: {named}" if named else (f"{_it(path)}which does not exist"
                                                              if path.is_symlink() else "does not exist")
            raise ProblemFound(error(display, field, what)) from None
        if not self.contains(real):
            seen = "" if _target(path) == str(real) else f" ({real})"  # where a relative or chained link leads
            what = (f"{named!r} points outside the show folder, to {real}" if named
                    else f"{_it(path)}outside the show folder{seen}")
            raise ProblemFound(error(display, field, f"{what}; {HINT}", rule="FILE-OUTSIDE"))
        return _regular(real, path, display, field)

    def quick_check(self, path: Path, display: str, field: str | None = None) -> Path:
        """check(), with one lstat for the common case: a regular file, not a
        link, in a folder the caller already knows to be inside the show
        (discovery walks episodes/ without following symlinked folders)."""
        try:
            if stat.S_ISREG(os.lstat(path).st_mode):
                return path
        except OSError:
            pass
        return self.check(path, display, field)


def _target(path: Path) -> str | None:
    try:
        return os.readlink(path)
    except OSError:
        return None


def _it(path: Path) -> str:
    """'it is a symbolic link to X, ' for a link, else '': where PATH leads."""
    target = _target(path)
    return "" if target is None else f"it is a symbolic link to {target}, "


def _not_regular(path: Path, mode: int, display: str, field: str | None) -> ProblemFound:
    return ProblemFound(error(display, field, f"cannot read the file: {_it(path)}{kind(mode)}, not a regular "
                              "file (feedtool reads only regular files)", rule="FILE-SPECIAL"))


def _regular(real: Path, path: Path, display: str, field: str | None) -> Path:
    try:
        mode = os.stat(real).st_mode
    except OSError as exc:
        raise ProblemFound(error(display, field, f"cannot read the file: {exc.strerror or exc}")) from None
    if not stat.S_ISREG(mode):
        raise _not_regular(path, mode, display, field)
    return real


def open_file(path: Path, display: str, field: str | None = None, scope: Scope | None = None) -> BinaryIO:
    """PATH opened for reading, after SCOPE's check when there is one. Never
    blocks on a FIFO (O_NONBLOCK) and never opens anything but a regular
    file, outside a system folder, whatever the caller checked before."""
    real = scope.check(path, display, field) if scope is not None else path.resolve()
    if any(real.is_relative_to(s) for s in SYSTEM_FOLDERS):
        raise ProblemFound(error(display, field, f"{_it(path)}a system file ({real}); {HINT}",
                                 rule="FILE-OUTSIDE"))
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_BINARY", 0)

    def opener(name: str, _flags: int) -> int:
        fd = os.open(name, flags)
        try:
            mode = os.fstat(fd).st_mode
            if not stat.S_ISREG(mode):
                raise _not_regular(path, mode, display, field)
            if hasattr(os, "set_blocking"):
                os.set_blocking(fd, True)
        except BaseException:
            os.close(fd)
            raise
        return fd

    try:
        # open() with an opener keeps the file's name on it: mutagen
        # weighs the name when it guesses a format.
        return open(real, "rb", opener=opener)  # noqa: SIM115 (the caller closes it)
    except OSError as exc:
        raise ProblemFound(error(display, field, f"cannot read the file: {exc.strerror or exc}")) from None


def read_bytes(path: Path, display: str, field: str | None = None, scope: Scope | None = None) -> bytes:
    """The bytes of PATH, read through open_file."""
    with open_file(path, display, field, scope) as fh:
        try:
            return fh.read()
        except OSError as exc:
            raise ProblemFound(error(display, field, f"cannot read the file: {exc.strerror or exc}")) from None
