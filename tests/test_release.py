"""A release that installs from the registry (issue 15): the sdist and the
wheel build with complete metadata (`twine check`), the wheel carries the
package data (templates, Apple's categories), and installed into a fresh
virtual environment, as `pipx install feedtool` does, it runs init, add,
build and check end to end, with no source tree in sight."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

from conftest import AUDIO, REPO


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # --no-isolation: the build backend from this venv (the test extras pin it), no download.
    # No --sdist/--wheel: the wheel is built from the sdist, which proves the sdist complete.
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out),
                    str(REPO)], check=True, capture_output=True, text=True, timeout=300)
    return out


def test_sdist_and_wheel_build_and_pass_twine_check(dist: Path) -> None:
    from feedtool import __version__

    wheel = dist / f"feedtool-{__version__}-py3-none-any.whl"
    sdist = dist / f"feedtool-{__version__}.tar.gz"
    assert wheel.is_file() and sdist.is_file()
    checked = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", str(wheel), str(sdist)],
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    names = set(zipfile.ZipFile(wheel).namelist())
    for packaged in ("feedtool/templates/feed.yml", "feedtool/templates/index.html", "feedtool/templates/style.css",
                     "feedtool/data/apple_categories.json", "feedtool/py.typed"):
        assert packaged in names, packaged
    meta = zipfile.ZipFile(wheel).read(f"feedtool-{__version__}.dist-info/METADATA").decode()
    assert "Requires-Python: >=3.11" in meta and "License-Expression: MIT" in meta
    assert "Description-Content-Type: text/markdown" in meta
    with tarfile.open(sdist) as tar:
        assert f"feedtool-{__version__}/feedtool/templates/index.html" in tar.getnames()


def test_the_wheel_installed_in_a_fresh_venv_makes_a_show(dist: Path, tmp_path: Path) -> None:
    from feedtool import __version__

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    wheel = dist / f"feedtool-{__version__}-py3-none-any.whl"
    # The wheel itself, installed by pip as pipx would; its dependencies are this venv's
    # (a .pth line), so the test needs no network and sees no source tree.
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
                    str(wheel)], check=True, capture_output=True, timeout=300)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (Path(site) / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    feedtool = venv / "bin" / "feedtool"

    def run(*args: object, cwd: Path = tmp_path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(feedtool), *map(str, args)], cwd=cwd, capture_output=True, text=True,
                              env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "HOME": str(tmp_path)}, timeout=300)

    where = subprocess.run([str(python), "-c", "import feedtool; print(feedtool.__file__)"], cwd=tmp_path,
                           capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(venv)), where
    assert run("--version").stdout.strip() == f"feedtool {__version__}"
    made = run("init", "night-owls", "--yes", "--title", "Night Owls", "--author", "Ann Example", "--email",
               "ann@example.com", "--base-url", "https://ann.example/night-owls/", "--category", "Arts")
    assert made.returncode == 0, made.stderr
    show = tmp_path / "night-owls"
    assert f'"feedtool=={__version__}"' in (show / ".github" / "workflows" / "feed.yml").read_text()
    added = run("add", AUDIO / "tagged.mp3", show, "--date", "2024-01-02")
    assert added.returncode == 0, added.stderr
    built = run("build", cwd=show)
    assert built.returncode == 0, built.stderr
    assert (show / "public" / "index.html").is_file() and (show / "public" / "style.css").is_file()
    checked = run("check", show / "public" / "feed.xml")
    assert checked.returncode == 0 and "no errors, 0 warnings, 0 notes" in checked.stderr, checked.stderr
    docs = run("docs", "config")
    assert docs.returncode == 0 and "## podcast.toml" in docs.stdout


def test_the_release_workflow_and_the_action_do_what_they_say() -> None:
    import yaml

    release = yaml.safe_load((REPO / ".github" / "workflows" / "release.yml").read_text())
    assert release[True]["push"]["tags"] == ["v*"]  # YAML reads the key `on` as True
    runs = [s.get("run", "") for s in release["jobs"]["build"]["steps"]]
    assert "python -m build" in runs and "python -m twine check --strict dist/*" in runs
    publish = release["jobs"]["publish"]
    assert publish["permissions"] == {"id-token": "write"}  # trusted publishing, no stored token
    assert publish["steps"][-1]["uses"].startswith("pypa/gh-action-pypi-publish@")
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    assert [s["run"] for s in steps if "run" in s] == [
        'python -m pip install "${{ github.action_path }}"',
        'feedtool build "${{ inputs.show }}"',
        'feedtool check "${{ inputs.show }}/public/feed.xml"',
    ]
    assert steps[-1]["uses"].startswith("actions/upload-pages-artifact@")
    ci = (REPO / ".ci" / "run").read_text()
    assert "python3 -m build" in ci and "twine check" in ci
