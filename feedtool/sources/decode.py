"""A text file's bytes → its text, by evidence, or a clear refusal.

An interview text is whatever an editor saved: UTF-8 mostly, UTF-16 from
Windows' Notepad (with a BOM, or without), a legacy code page now and then;
and sometimes not text at all (a PNG renamed .txt, a 0-byte file). Each is
decided from the bytes, in this order:

1. a byte-order mark (UTF-32 before UTF-16: the UTF-32 LE mark begins with
   the UTF-16 LE one);
2. the pattern of NUL bytes of UTF-16 or UTF-32 text without a mark;
3. a binary file: a known signature (PNG, JPEG, PDF, ZIP, audio ...) or NUL
   bytes left over, refused;
4. UTF-8;
5. charset-normalizer's guess, with a warning that names the encoding.

Empty and whitespace-only texts are refused: they would publish an empty
transcript that the feed links to.
"""

from __future__ import annotations

import codecs
import re

from feedtool.problems import Problem, ProblemFound, error, warning

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)

# What a file that is no text starts with (offset, bytes, name): the ones a
# show folder is likely to hold under a wrong name.
SIGNATURES = (
    (0, b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (0, b"\xff\xd8\xff", "a JPEG image"),
    (0, b"GIF8", "a GIF image"),
    (0, b"RIFF", "a RIFF file (WAV audio or WebP image)"),
    (0, b"%PDF-", "a PDF document"),
    (0, b"PK\x03\x04", "a ZIP archive (or a .docx, .odt or .epub)"),
    (0, b"\x1f\x8b", "a gzip archive"),
    (0, b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (0, b"\x7fELF", "a program (ELF)"),
    (0, b"ID3", "an MP3 audio file"),
    (0, b"fLaC", "a FLAC audio file"),
    (0, b"OggS", "an Ogg audio file"),
    (4, b"ftyp", "an MP4/M4A file"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Word or Excel document"),
    (0, b"{\\rtf", "an RTF document (save it as plain text)"),
)

# How much of the file the NUL-pattern test looks at.
_SAMPLE = 4096
# A text with more C0 control characters than this share (other than tab,
# newline, carriage return and form feed) is binary data in a text's clothes.
_MAX_CONTROL_SHARE = 0.01
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
# The control characters below a space that are not allowed, as one class:
# counted in C rather than character by character (a text is read per build).
_CONTROL = re.compile("[" + "".join(re.escape(chr(c)) for c in range(32) if chr(c) not in _ALLOWED_CONTROLS) + "]")


def decode(raw: bytes, display: str) -> tuple[str, list[Problem]]:
    """RAW decoded; ProblemFound for a binary file or an empty text."""
    text, problems = _decode(raw, display)
    if not text.strip():
        what = "is empty" if not raw else "holds only white space"
        raise ProblemFound(error(display, None, f"{what}: an interview text needs words; add them, or delete the "
                                 "file (the episode then has no transcript)", rule="TEXT-EMPTY"))
    controls = len(_CONTROL.findall(text))
    if controls > max(8, len(text) * _MAX_CONTROL_SHARE):
        raise _binary(display, f"it holds {controls} control characters")
    return text, problems


def _decode(raw: bytes, display: str) -> tuple[str, list[Problem]]:
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom):].decode(codec), []
            except UnicodeDecodeError as exc:
                raise ProblemFound(error(display, None, f"starts with a {name} byte-order mark but is not valid "
                                         f"{name} (byte {exc.start + len(bom)})", rule="TEXT-ENCODING")) from None
    wide = _wide_unicode(raw[:_SAMPLE])
    if wide is not None:
        try:
            return raw.decode(wide), []
        except UnicodeDecodeError:
            pass  # not that after all: decided below
    for offset, signature, name in SIGNATURES:
        if raw[offset:offset + len(signature)] == signature:
            raise _binary(display, f"it is {name}")
    if b"\x00" in raw:
        raise _binary(display, "it holds NUL bytes")
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
    return _guess(raw, display, line)


def _wide_unicode(sample: bytes) -> str | None:
    """'utf-16-le' and the like when SAMPLE has the NUL bytes of mostly-Latin
    UTF-16 or UTF-32 text without a byte-order mark, else None."""
    if len(sample) < 4 or b"\x00" not in sample:
        return None  # (both tests below need units with zero bytes in them)
    for width, codec_le, codec_be in ((4, "utf-32-le", "utf-32-be"), (2, "utf-16-le", "utf-16-be")):
        usable = len(sample) - len(sample) % width
        units = [sample[i:i + width] for i in range(0, usable, width)]
        if not units:
            continue
        # A unit whose high bytes are all zero: an ASCII or Latin-1 character.
        low_first = sum(u[0] != 0 and not any(u[1:]) for u in units)
        high_first = sum(u[-1] != 0 and not any(u[:-1]) for u in units)
        if low_first >= 0.9 * len(units):
            return codec_le
        if high_first >= 0.9 * len(units):
            return codec_be
    return None


def _guess(raw: bytes, display: str, line: int) -> tuple[str, list[Problem]]:
    """Not UTF-8: charset-normalizer's best guess, said aloud."""
    from charset_normalizer import from_bytes

    matches = from_bytes(raw)
    best = matches.best()
    if best is None or best.encoding is None:
        raise _binary(display, "its bytes are text in no encoding feedtool recognises")
    # A short text often fits several code pages equally well ('crème' is
    # 'crčme' in Windows-1250): then Windows-1252, by far the commonest in
    # pasted articles, wins the tie.
    tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    western = any("cp1252" in map(_codec, (m.encoding, *m.could_be_from_charset)) for m in tied)
    name = "cp1252" if western else _codec(best.encoding)
    text = raw.decode(name, errors="replace")
    label = _LABELS.get(name, name.upper())
    return text, [warning(display, None, f"is not valid UTF-8; read it as {label}, the encoding its bytes "
                          "suggest: check the text, and save it as UTF-8 to be sure",
                          rule="TEXT-ENCODING", line=line)]


def _codec(name: str) -> str:
    """Python's own name of an encoding: 'windows-1252' → 'cp1252'."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name


_LABELS = {f"cp{n}": f"Windows-{n}" for n in range(1250, 1259)} | {
    "latin_1": "ISO-8859-1", "iso8859_15": "ISO-8859-15", "mac_roman": "Mac Roman", "cp437": "DOS (cp437)",
    "cp850": "DOS (cp850)", "koi8_r": "KOI8-R", "shift_jis": "Shift JIS", "euc_jp": "EUC-JP", "gb18030": "GB18030",
    "big5": "Big5", "euc_kr": "EUC-KR",
}


def _binary(display: str, evidence: str) -> ProblemFound:
    return ProblemFound(error(display, None, f"is not a text file ({evidence}); an interview text must "
                              "be plain text (.txt), Markdown (.md) or a saved web page (.html)", rule="TEXT-BINARY"))
