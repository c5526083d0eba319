"""Text is text (issue 13, item 4): a text file's encoding is decided from
its bytes, binary and empty files are refused, a guess is said aloud, and a
title's invisible direction controls are pointed out."""

from __future__ import annotations

import io
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from PIL import Image

from conftest import snapshot
from feedtool.sources.decode import decode
from feedtool.problems import ProblemFound

HEADLINE = "Spike Jonze Opens His Heart For 'Her'"


@pytest.fixture
def built(make_show, cli):
    root = make_show()
    assert cli("build", root).exit_code == 0
    return root


def feed_titles(root) -> list[str]:
    channel = etree.parse(str(root / "public" / "feed.xml")).getroot().find("channel")
    return [item.findtext("title") for item in channel.findall("item")]


def refused(cli, root, *needles: str) -> str:
    before = snapshot(root / "public")
    result = cli("build", root)
    assert result.exit_code == 1, result.output
    for needle in needles:
        assert needle in result.output, result.output
    assert "Traceback" not in result.output
    assert snapshot(root / "public") == before
    return result.output


def png_bytes() -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 10, 10)).save(data, "PNG")
    return data.getvalue()


def test_a_png_named_txt_is_refused(built, cli):
    (built / "episodes" / "first.txt").write_bytes(png_bytes())
    refused(cli, built, "episodes/first.txt: is not a text file (it is a PNG image)")


def test_nul_bytes_are_refused(built, cli):
    (built / "episodes" / "first.txt").write_bytes(b"Title\n\nSome text\x00\x00\x01\x02 and more" * 10)
    refused(cli, built, "episodes/first.txt: is not a text file (it holds NUL bytes)")


@pytest.mark.parametrize("content", [b"", b"  \n\n\t \r\n", "\ufeff".encode("utf-8"), b"\xff\xfe"])
def test_an_empty_text_is_refused(built, cli, content):
    (built / "episodes" / "first.txt").write_bytes(content)
    refused(cli, built, "episodes/first.txt: ", "an interview text needs words")


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
def test_utf16_and_utf32_with_or_without_a_bom_are_read_right(built, cli, codec):
    """'utf-16' and 'utf-32' write a BOM, '-le'/'-be' none: either way the
    text reads as written, not as 'ÿþB…'."""
    text = (built / "episodes" / "first.txt").read_text("utf-8").replace("Her'", "Hér'")
    (built / "episodes" / "first.txt").write_bytes(text.encode(codec))
    result = cli("build", built)
    assert result.exit_code == 0, result.output
    assert "warning: episodes/first.txt" not in result.output
    assert HEADLINE.replace("Her'", "Hér'") in feed_titles(built)
    feed = (built / "public" / "feed.xml").read_text("utf-8")
    assert "ÿþ" not in feed and "\x00" not in feed


def test_a_guessed_encoding_is_named(built, cli):
    text = (built / "episodes" / "first.txt").read_text("utf-8")
    (built / "episodes" / "first.txt").write_bytes(text.replace("Her", "Hér").encode("cp1252"))
    result = cli("build", built)
    assert result.exit_code == 0, result.output
    assert "warning: episodes/first.txt" in result.output
    assert "is not valid UTF-8; read it as Windows-1252" in result.output


def test_a_direction_override_in_a_title_is_pointed_out(built, cli):
    (built / "episodes" / "second.toml").write_text('date = 2014-01-08\ntitle = "Second \u202eEpisode"\n')
    result = cli("build", built)
    assert result.exit_code == 0, result.output
    assert "warning: episodes/second.toml: title: holds 1 invisible direction control(s) (U+202E)" in result.output
    assert "[TEXT-BIDI]" in result.output or "TEXT-BIDI" in cli("build", built, "--json").output


def test_decode_rules():
    assert decode("Grüße\n".encode("utf-16-le"), "x.txt") == ("Grüße\n", [])
    assert decode("Grüße\n".encode("utf-32-be"), "x.txt") == ("Grüße\n", [])
    assert decode(b"\xef\xbb\xbfplain\n", "x.txt") == ("plain\n", [])
    text, problems = decode("Caf\u00e9 cr\u00e8me, na\u00efve fa\u00e7ade\n".encode("cp1252") * 3, "x.txt")
    assert "Café" in text and [p.rule for p in problems] == ["TEXT-ENCODING"]
    for binary in (b"%PDF-1.7\n...", b"PK\x03\x04rest", b"\x7fELF\x02\x01"):
        with pytest.raises(ProblemFound) as exc:
            decode(binary, "x.txt")
        assert exc.value.problem.rule == "TEXT-BINARY"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_text_or_a_problem(raw):
    try:
        text, problems = decode(raw, "x.txt")
    except ProblemFound as exc:
        assert exc.problem.path == "x.txt"
    else:
        assert text.strip() and "\x00" not in text
        assert all(p.path == "x.txt" for p in problems)


@pytest.mark.parametrize(("text", "codec", "label"), [
    ("Café Headline\n\nStandfirst crème.\n\nText.\n", "cp1252", "Windows-1252"),
    ("Grüße aus Köln, schöne Straße.\n", "cp1252", "Windows-1252"),
    ("Zażółć gęślą jaźń, powiedział.\n", "cp1250", "Windows-1250"),
    ("Привет, как дела? Всё хорошо.\n", "cp1251", "Windows-1251"),
])
def test_a_legacy_code_page_is_read_right_and_named(text, codec, label):
    """A tie between code pages goes to Windows-1252: 'crème' is not 'crčme'."""
    decoded, [problem] = decode(text.encode(codec), "x.txt")
    assert decoded == text
    assert f"read it as {label}" in problem.message and problem.rule == "TEXT-ENCODING"


@given(st.text(alphabet=st.characters(max_codepoint=0x3000), max_size=200))
def test_control_characters_are_counted_as_defined(text: str) -> None:
    """The regex count equals "below a space and not tab, newline, return, form or vertical feed"."""
    from feedtool.sources import decode as module

    assert len(module._CONTROL.findall(text)) == sum(
        1 for c in text if c < " " and c not in module._ALLOWED_CONTROLS)


@given(st.binary(min_size=4, max_size=256))
def test_wide_unicode_needs_zero_bytes(sample: bytes) -> None:
    """The shortcut for samples without a NUL byte decides as the full test would."""
    from feedtool.sources import decode as module

    if b"\x00" not in sample:
        assert module._wide_unicode(sample) is None
    assert module._wide_unicode("héllo wörld, plain Latin text".encode("utf-16-le")) == "utf-16-le"
