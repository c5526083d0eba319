"""Digests of the inputs of a rendered file, for `write.Deferred`.

A page, a transcript or an archive feed is made only when the digest of
everything it is made from differs from the one its file in public/ was
written with (issue 7). So a key must cover every input: the model objects
passed to the renderer, walked field by field, and the code that renders
them (`code()`: feedtool's own modules, templates and data, and the versions
of the libraries that write bytes). A value the walk does not know is an
error (TypeError), never guessed at: the file is then made on every build.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
import datetime as dt
import enum
import functools
import hashlib
import sys
import weakref
from collections.abc import Callable, Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from feedtool import __version__

@dataclass(frozen=True, eq=False)
class Deferred:
    """Bytes made only when they are needed: when the file in public/ is
    missing, or is not the one last written from the same inputs.

    INPUTS are everything RENDER depends on; KEY is their digest (see
    `digest`), taken when first asked for: by the build's comparison for a
    file public/ already has, else by the copy of the build that makes the
    file (write.py), so that a build into an empty public/ takes them on
    every core. A build then neither renders nor holds in memory the
    thousands of pages and transcripts that did not change.
    """

    inputs: tuple[Any, ...]
    render: Callable[[], bytes]
    # How much making it reads, in episodes: an archive feed or an index
    # page shows many. Forked copies get runs of similar weight (_chunks).
    weight: int = 1

    @functools.cached_property
    def key(self) -> str | None:
        """None when an input cannot be walked: the file is then made every
        time and compared, as a file of bytes is."""
        try:
            return digest(*self.inputs)
        except TypeError:
            return None

    def __eq__(self, other: object) -> bool:
        # Equal to the bytes it makes, as a planned file of bytes is.
        if isinstance(other, Deferred):
            return self is other or self.render() == other.render()
        if isinstance(other, bytes):
            return self.render() == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


Content = bytes | Path | Deferred


_LIBRARIES = ("feedgen", "lxml", "Jinja2", "MarkupSafe", "nh3", "mutagen", "markdown-it-py", "Pillow")


@functools.cache
def code() -> str:
    """feedtool's code, templates and data, and the libraries that make bytes."""
    package = Path(__file__).parent.parent
    files = [path for path in sorted(package.rglob("*"))
             if path.is_file() and path.suffix != ".pyc" and "__pycache__" not in path.parts]
    return of_code(package, files, _LIBRARIES, f"{__version__}:{sys.version}")


def of_code(package: Path, files: Iterable[Path], libraries: Iterable[str], salt: str) -> str:
    """The one fingerprint of code: FILES of the PACKAGE folder by name and
    content, and the installed versions of LIBRARIES. `code()` covers every
    file (the build record, rendered pages); the read cache covers only the
    readers (a change to a template must not empty it)."""
    h = hashlib.blake2b(salt.encode(), digest_size=16)
    for path in files:
        h.update(path.relative_to(package).as_posix().encode() + b"\0")
        try:
            h.update(path.read_bytes())
        except OSError:
            h.update(b"\0missing\0")
    for lib in libraries:
        try:
            h.update(f"{lib}={metadata.version(lib)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib}=?\0".encode())
    return h.hexdigest()


def folder(path: Path) -> str:
    """The files below PATH by name and content (a show's own templates: a
    few small files, so that a clone, whose mtimes are new, keys them alike)."""
    h = hashlib.blake2b(digest_size=16)
    if path.is_dir():
        for file in sorted(path.rglob("*")):
            if file.is_file():
                h.update(f"{file.relative_to(path).as_posix()}\0".encode())
                h.update(hashlib.blake2b(file.read_bytes(), digest_size=16).digest())
    return h.hexdigest()


# One digest per model object and build: an episode's digest is used by its
# page, its transcripts, the index and an archive feed.
_memo: dict[int, tuple[weakref.ref[Any], bytes]] = {}
_fields: dict[type, tuple[tuple[str, bytes], ...]] = {}


def _forget(key: int) -> Callable[[object], None]:
    def forget(_ref: object) -> None:
        _memo.pop(key, None)

    return forget


# Only what one build puts into many keys is remembered: an episode is in
# its page, its transcripts, the index and an archive; an AudioInfo or a
# Chapter only ever inside its episode (remembering them all costs ~5 KB an
# episode, 50 MB at 10,000).
_MEMOISED = frozenset({"Episode", "Show", "EpisodeLinks"})


def _dataclass_digest(value: Any) -> bytes:
    key = id(value)
    kind = type(value)
    memoised = kind.__name__ in _MEMOISED
    if memoised:
        found = _memo.get(key)
        if found is not None and found[0]() is value:
            return found[1]
    names = _fields.get(kind)
    if names is None:
        # What equality compares, and so what the value is: a model.Kept's
        # token, not the loader it carries.
        names = _fields[kind] = tuple((f.name, f.name.encode() + b"=") for f in dataclasses.fields(value)
                                      if f.compare)
    h = hashlib.blake2b(digest_size=16)
    h.update(b"D" + kind.__qualname__.encode() + b"\0")
    for name, tag in names:
        h.update(tag)
        # A field the read cache keeps (model.Kept) is walked as what it
        # is: a token that names the content, which is never loaded here.
        _feed(h, getattr(value, name))
    digest = h.digest()
    if memoised:
        try:
            _memo[key] = (weakref.ref(value, _forget(key)), digest)
        except TypeError:  # slotted classes without __weakref__: not memoised
            pass
    return digest


def forget() -> None:
    """Drop the remembered digests: once a build has keyed its outputs, they
    are 12 MB at 10,000 episodes that its page makers would each share."""
    _memo.clear()


def _str(h: Any, value: str) -> None:
    data = value.encode("utf-8", "surrogatepass")
    # A Markup string and a plain one render differently: keep the type.
    h.update(b"S%s:%d:" % (type(value).__name__.encode(), len(data)))
    h.update(data)


def _seq(h: Any, value: tuple[Any, ...] | list[Any]) -> None:
    h.update(b"L" + str(len(value)).encode() + b"[")
    for item in value:
        _feed(h, item)
    h.update(b"]")


def _map(h: Any, value: Mapping[Any, Any]) -> None:
    h.update(b"M" + str(len(value)).encode() + b"{")
    for k, v in value.items():  # in order: the order a mapping is rendered in
        _feed(h, k)
        _feed(h, v)
    h.update(b"}")


# The common exact types, looked up before the slower isinstance chain.
_FAST: dict[type, Callable[[Any, Any], None]] = {
    str: _str,
    int: lambda h, v: h.update(b"I" + str(v).encode() + b"\0"),
    bool: lambda h, v: h.update(b"B1" if v else b"B0"),
    float: lambda h, v: h.update(b"F" + repr(v).encode() + b"\0"),
    type(None): lambda h, v: h.update(b"N"),
    tuple: _seq,
    list: _seq,
    dict: _map,
}


def _feed(h: Any, value: Any) -> None:
    """Feed VALUE into H with a type tag and a length, so that no two
    different values can give the same stream."""
    fast = _FAST.get(type(value))
    if fast is not None:
        fast(h, value)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        h.update(_dataclass_digest(value))
    elif isinstance(value, enum.Enum):
        h.update(b"E" + type(value).__qualname__.encode() + b"." + value.name.encode() + b"\0")
    elif isinstance(value, bool):
        h.update(b"B1" if value else b"B0")
    elif isinstance(value, int):
        h.update(b"I" + str(value).encode() + b"\0")
    elif isinstance(value, float):
        h.update(b"F" + repr(value).encode() + b"\0")
    elif isinstance(value, str):
        _str(h, value)
    elif isinstance(value, (bytes, bytearray)):
        h.update(b"Y" + hashlib.blake2b(value, digest_size=16).digest())
    elif isinstance(value, Path):
        h.update(b"P" + str(value).encode() + b"\0")
    elif isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        h.update(b"W" + type(value).__name__.encode() + repr(value).encode() + b"\0")
    elif isinstance(value, (tuple, list)):
        _seq(h, value)
    elif isinstance(value, (set, frozenset)):
        h.update(b"Z" + str(len(value)).encode() + b"{")
        for item in sorted(value, key=repr):
            _feed(h, item)
        h.update(b"}")
    elif isinstance(value, Mapping):
        _map(h, value)
    else:
        raise TypeError(f"cannot fingerprint a {type(value).__name__}")


def digest(*values: Any) -> str:
    """The digest of VALUES and of the code; raises TypeError for a value it cannot walk."""
    h = hashlib.blake2b(code().encode(), digest_size=20)
    for value in values:
        _feed(h, value)
    return h.hexdigest()


def deferred(render: Callable[[], bytes], *inputs: Any, weight: int = 1) -> Deferred:
    """RENDER as a write.Deferred keyed by INPUTS (everything it reads).
    WEIGHT: how many episodes it shows (write.Deferred)."""
    return Deferred(inputs, render, weight)
