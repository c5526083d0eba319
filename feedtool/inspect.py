"""`feedtool inspect`: what feedtool reads from a file, and from where."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from feedtool import config, episodes
from feedtool.audio import SUPPORTED, read_audio
from feedtool.model import Artwork, AudioInfo, Episode
from feedtool.problems import Problem, ProblemFound, error


def find_show_root(path: Path) -> Path | None:
    for folder in path.resolve().parents:
        if (folder / config.SHOW_FILE).is_file() and (folder / episodes.EPISODES_DIR).is_dir():
            return folder
    return None


def audio_report(a: AudioInfo) -> dict[str, Any]:
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
        "audio": audio_report(ep.audio),
        "text": None if ep.text is None else {
            "file": str(ep.text_path), "title": ep.text.title, "summary": ep.text.summary,
            "credit": ep.text.credit, "sections": [s.heading for s in ep.text.sections],
            "removed_chrome": list(ep.text.removed),
        },
    }


def inspect_path(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    if not path.is_file():
        return None, [error(str(path), None, "file not found")]
    root = find_show_root(path)
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
                    ep, found = episodes.load_group(show, group)
                    if ep is not None:
                        return episode_report(ep), found
                    return None, found
    if path.suffix.lower() not in SUPPORTED:
        return None, [error(str(path), None, "not an audio file, and not an episode of a show folder")]
    try:
        return audio_report(read_audio(path, str(path))), []
    except ProblemFound as exc:
        return None, [exc.problem]


def format_report(r: dict[str, Any]) -> str:
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
    return "\n".join(lines)
