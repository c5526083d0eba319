"""`feedtool inspect`: what feedtool reads from a file, and from where."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from feedtool.sources import episodes, interview
from feedtool.config import load as config
from feedtool.sources import text as text_mod
from feedtool.sources.audio import MASTERS, SUPPORTED, read_audio
from feedtool.sources import masters
from feedtool.model import Artwork, AudioInfo, Episode, Loudness, TextInfo, load
from feedtool.problems import Problem, ProblemFound, error


def find_show_root(path: Path) -> Path | None:
    for folder in path.resolve().parents:
        if (folder / config.SHOW_FILE).is_file() and (folder / episodes.EPISODES_DIR).is_dir():
            return folder
    return None


def loudness_report(value: Loudness | None) -> dict[str, float] | None:
    if value is None:
        return None
    return {"integrated": value.integrated, "range": value.range, "true_peak": value.true_peak}


def audio_report(a: AudioInfo, level: Loudness | None = None) -> dict[str, Any]:
    return {
        "file": str(a.path),
        "format": a.format,
        "mime": a.mime,
        "size": a.size,
        "duration": round(a.duration, 3),
        "bitrate": a.bitrate,
        "tags": {k: getattr(a, k) for k in ("title", "artist", "album", "date", "comment", "track")},
        "artwork": {"mime": a.artwork.mime, "bytes": len(a.artwork.data)} if a.artwork else None,
        "chapters": [{"start": round(c.start, 3), "title": c.title} for c in a.chapters],
        "loudness": loudness_report(level),
    }


def episode_report(ep: Episode) -> dict[str, Any]:
    image: Any = None
    if isinstance(ep.image, Artwork):
        image = f"embedded {ep.image.mime}, {len(ep.image.data)} bytes"
    elif ep.image is not None:
        image = str(ep.image)
    fields = {
        "title": ep.title, "date": ep.date.isoformat(), "summary": ep.summary, "season": ep.season,
        "episode": ep.number, "episode_type": ep.episode_type, "explicit": ep.explicit, "image": image,
        "link": ep.link, "keywords": list(ep.keywords), "chapters": len(ep.chapters),
        "guid": ep.guid or "(assigned at build, kept in episodes/feedtool.lock)",
    }
    return {
        "episode": ep.stem,
        "fields": {k: {"value": v, "source": ep.sources.get(k, "default")} for k, v in fields.items()},
        "master": None if ep.master is None else str(ep.master),
        "audio": audio_report(ep.audio, ep.loudness),
        "text": None if ep.text is None else {
            "file": str(ep.text_path), "title": ep.text.title, "summary": ep.text.summary,
            "credit": ep.text.credit, "sections": [s.heading for s in load(ep.text.sections)],
            "removed_chrome": list(load(ep.text.removed)),
        },
    }


def text_report(path: Path, text: TextInfo, raw: str, patterns: Sequence[str]) -> dict[str, Any]:
    """The interview text as the reader read it: headline, summary, and each
    paragraph kept or dropped, and why (a copied page; a Markdown file or a
    saved page has no line-by-line decision to show)."""
    sections = load(text.sections)
    report: dict[str, Any] = {
        "text": str(path), "title": text.title, "summary": text.summary, "credit": text.credit,
        "transcript": text.is_transcript, "sections": [s.heading for s in sections],
        "kept_paragraphs": sum(len(s.paragraphs) for s in sections), "removed": list(load(text.removed)),
        "doubts": [{"rule": d.rule, "line": d.line, "message": d.message} for d in text.doubts],
        "paragraphs": None, "language": None,
    }
    if path.suffix.lower() == ".txt":
        reading = text_mod.read_copy(raw, patterns)
        report["language"] = reading.language
        report["paragraphs"] = [{"line": p.line, "role": p.role, "kind": p.kind, "reason": p.reason, "text": p.text}
                                for p in reading.paragraphs]
    return report


def _inspect_text(path: Path, root: Path | None) -> tuple[dict[str, Any] | None, list[Problem]]:
    patterns: Sequence[str] = ()
    problems: list[Problem] = []
    if root is not None:
        show, found = config.load_show(root)
        if show is not None:
            patterns = show.clean_patterns
    try:
        raw, found = episodes.read_text_file(path, str(path))
    except ProblemFound as exc:
        return None, [exc.problem]
    problems += found
    text = interview.parse(raw, path.suffix, patterns)
    problems += interview.doubts(text, str(path))
    return text_report(path, text, raw, patterns), problems


def inspect_path(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    if not path.is_file():
        return None, [error(str(path), None, "file not found")]
    root = find_show_root(path)
    if path.suffix.lower() in interview.TEXT_SUFFIXES:
        return _inspect_text(path, root)
    if root is not None:
        show, problems = config.load_show(root)
        if show is not None:
            base = root / episodes.EPISODES_DIR
            stem_name, _ = episodes.split_name(path.name)
            try:
                stem = path.resolve().parent.relative_to(base.resolve()).joinpath(stem_name).as_posix()
            except ValueError:
                stem = None
            if stem is not None:
                groups, _ = episodes.discover(show.root)
                group = next((g for g in groups if g.stem == stem), None)
                if group is not None:
                    ep, found = episodes.read_group(show, group)  # a draft or scheduled one too
                    if ep is not None:
                        if ep.loudness is None:  # the show sets no target: measured for inspect alone
                            ep = replace(ep, loudness=masters.loudness_of(
                                show.root, ep.audio.path, episodes.rel(show.root, ep.audio.path), ep.audio.duration))
                        return episode_report(ep), found
                    return None, found
    if path.suffix.lower() not in SUPPORTED and path.suffix.lower() not in MASTERS:
        return None, [error(str(path), None, "not an audio file, and not an episode of a show folder")]
    try:
        info = (masters.read(path, str(path))[0] if path.suffix.lower() in MASTERS
                and path.suffix.lower() not in SUPPORTED else read_audio(path, str(path)))
        return audio_report(info, masters.loudness_of(None, path, str(path), info.duration)), []
    except ProblemFound as exc:
        return None, [exc.problem]


def _clip(text: str | None, width: int = 90) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def format_text_report(r: dict[str, Any]) -> str:
    lines = [f"text {r['text']}" + (f" ({r['language']})" if r["language"] else "")]
    lines.append(f"  title      {_clip(r['title']) or '(none found)'}")
    lines.append(f"  summary    {_clip(r['summary']) or '(none)'}")
    heads = [h for h in r["sections"] if h]
    lines.append(f"  notes      {r['kept_paragraphs']} paragraph(s), {len(heads)} sub-head(s), "
                 f"{len(r['removed'])} line(s) of chrome dropped; "
                 + ("a transcript (speaker turns)" if r["transcript"] else "show notes, not a transcript"))
    if r["credit"]:
        lines.append(f"  credit     {_clip(r['credit'])}")
    for p in r["paragraphs"] or ():
        verdict = "kept   " if p["role"] in ("story", "headline") else "dropped"
        why = p["role"] if p["role"] in ("story", "headline") else p["reason"]
        if p["role"] == "story":
            why = f"story: {p['reason']}"
        lines.append(f"  {p['line']:>5}  {verdict}  {_clip(p['text'], 60):<60}  {why}")
    return "\n".join(lines)


def format_report(r: dict[str, Any]) -> str:
    if "text" in r and "episode" not in r:
        return format_text_report(r)
    lines: list[str] = []
    if "episode" in r:
        lines.append(f"episode {r['episode']}")
        for name, f in r["fields"].items():
            value = f["value"]
            if isinstance(value, str) and len(value) > 100:
                value = value[:97] + "..."
            lines.append(f"  {name:<13} {value!s:<60}  [{f['source']}]")
        if r["text"]:
            t = r["text"]
            lines.append(f"  text          {t['file']}")
            lines.append(f"    sections    {len(t['sections'])}; credit: {t['credit']}")
            lines.append(f"    chrome removed: {len(t['removed_chrome'])} line(s)")
        if r.get("master"):
            lines.append(f"  master        {r['master']} (the audio below is its encoded copy)")
        r = r["audio"]
    lines.append(f"audio {r['file']}")
    lines.append(f"  format {r['format']} ({r['mime']}), {r['size']} bytes, {r['duration']} s"
                 + (f", {r['bitrate'] // 1000} kb/s" if r["bitrate"] else ""))
    for k, v in r["tags"].items():
        if v is not None:
            lines.append(f"  {k:<8} {v}")
    if r["artwork"]:
        lines.append(f"  artwork  {r['artwork']['mime']}, {r['artwork']['bytes']} bytes")
    for c in r["chapters"]:
        lines.append(f"  chapter  {c['start']:>9.3f}s  {c['title']}")
    if r.get("loudness"):
        lv = r["loudness"]
        lines.append(f"  loudness {lv['integrated']:.1f} LUFS integrated, range {lv['range']:.1f} LU, "
                     f"true peak {lv['true_peak']:.1f} dBTP (EBU R128)")
    return "\n".join(lines)
