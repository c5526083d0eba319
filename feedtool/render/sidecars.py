"""The files an episode gets beside its audio for Podcasting 2.0 — its
transcripts (text, HTML, WebVTT, SRT), its JSON chapters, its alternate
audio — and the links the feed makes to them. Called by build.episode_files;
all bytes stay in memory until write.commit."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from urllib.parse import quote

from feedtool.sources import chapters as chapters_mod
from feedtool.render import fingerprint
from feedtool.render import podcast20, urls
from feedtool.sources import transcripts
from feedtool.sources.episodes import EPISODES_DIR
from feedtool.model import AlternateEnclosure, Captions, Episode, Show
from feedtool.render.podcast20 import AlternateLink
from feedtool.render.fingerprint import Content


@dataclass(frozen=True)
class Links:
    transcripts: tuple[podcast20.Transcript, ...]
    chapters: str | None
    alternates: tuple[AlternateLink, ...]


def alternate_path(show: Show, alt: AlternateEnclosure) -> str:
    """media/ plus the file's path below episodes/ (or the show), '/' → '-':
    unique, because two files cannot share a path."""
    assert alt.file is not None
    base = show.root / EPISODES_DIR
    real = alt.file.resolve()
    inside = next((folder for folder in (base.resolve(), show.root) if real.is_relative_to(folder)), None)
    # A file in a folder --allow-outside named keeps only its name.
    rel = real.relative_to(inside).as_posix() if inside is not None else real.name
    return "media/" + rel.replace("/", "-")


def alternate_url(show: Show, alt: AlternateEnclosure, path: str) -> str:
    if show.media_base_url and alt.file is not None:
        # Hosted elsewhere, like the main audio: the file keeps its path below episodes/.
        real = alt.file.resolve()
        base = (show.root / EPISODES_DIR).resolve()
        if real.is_relative_to(base):
            return show.media_base_url + quote(real.relative_to(base).as_posix())
    return urls.url_for(show, path)


def _plain_transcript(ep: Episode) -> bytes:
    assert ep.text is not None
    return ep.text.transcript().encode("utf-8")


def episode_outputs(show: Show, ep: Episode, files: dict[str, Content]) -> Links:
    """Put the episode's P20 files into FILES and return the links to them."""
    found: list[podcast20.Transcript] = []
    captions: tuple[Captions, ...] = ep.extra.get("captions", ())
    by_format = {c.format: c for c in captions}
    if by_format:
        # Each timed format is published: as given when the file is there,
        # converted from the other one when it is not.
        vtt = by_format.get("vtt") or by_format["srt"]
        srt = by_format.get("srt") or by_format["vtt"]
        for suffix, data, kind in ((".vtt", transcripts.to_vtt(vtt), "vtt"),
                                   (".srt", transcripts.to_srt(srt), "srt")):
            path = urls.transcript_path(ep, suffix)
            files[path] = data
            # rel="captions": the file is timed, so apps may show it as
            # closed captions (P20 docs/tags/transcript.md).
            found.append(podcast20.Transcript(urls.url_for(show, path), transcripts.TYPES[kind], show.language,
                                         "captions"))
    if ep.text is not None and ep.text.is_transcript:
        # An article is the show notes, not a transcript of the episode:
        # only a text with speaker turns (or transcript = true) is one.
        # Made when written, and only when the episode changed (issue 7).
        path = urls.transcript_path(ep, ".html")
        transcripts.html_template()  # compiled before the writers fork
        files[path] = fingerprint.deferred(functools.partial(transcripts.to_html, show, ep), "html", show, ep)
        found.append(podcast20.Transcript(urls.url_for(show, path), transcripts.TYPES["html"], show.language))
        path = urls.transcript_path(ep, ".txt")
        files[path] = fingerprint.deferred(functools.partial(_plain_transcript, ep), "txt", ep)
        found.append(podcast20.Transcript(urls.url_for(show, path), transcripts.TYPES["txt"], show.language))

    # Hosted elsewhere (an imported show's old host): linked, not copied.
    for link in ep.extra.get("transcript_urls", ()):
        found.append(podcast20.Transcript(link.url, link.type, link.language or show.language, link.rel))
    chapters_url = ep.extra.get("chapters_url")
    if ep.chapters:
        path = urls.chapters_path(ep)
        files[path] = fingerprint.deferred(functools.partial(chapters_mod.to_json, show, ep), "chapters", show, ep)
        chapters_url = urls.url_for(show, path)

    alternates: list[AlternateLink] = []
    for alt in ep.extra.get("alternate_enclosure", ()):
        if alt.file is not None:
            path = alternate_path(show, alt)
            if not show.media_base_url:
                files[path] = alt.file
            url = alternate_url(show, alt, path)
        else:
            assert alt.url is not None
            url = alt.url
        alternates.append(AlternateLink(url, alt.type, alt.length, alt.bitrate, alt.title, alt.default,
                                        alt.integrity))
    return Links(tuple(found), chapters_url, tuple(alternates))
