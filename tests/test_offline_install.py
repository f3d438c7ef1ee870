"""Movable runs (issue #9.8): the project installs with no internet, from a wheelhouse alone.

What proves it, cheaply enough for ``make test``:

* the Makefile's ``OFFLINE=1`` set-up passes ``--no-index --find-links <wheelhouse>`` to every
  ``pip install`` (and leaves the ordinary set-up as it was), and refuses to start without a
  wheelhouse;
* the project's own wheel — built here without an index — installs into a fresh venv (no system
  site-packages) with ``--no-index --no-deps --find-links`` while the network is cut (a new
  network namespace when we may make one; in any case pip's configuration files and ``PIP_*``
  variables are ignored and proxies point at a closed port), carries its package data, and its
  ``fou`` entry point runs from the installed copy.

The whole locked set (``make wheelhouse`` → fresh venv → ``pip install --no-index -r
requirements.lock`` → ``pip check`` → a demo run) takes minutes and is marked ``slow``
(``make test-slow``); it skips when no wheelhouse has been built.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _offline_env(**extra: str) -> dict[str, str]:
    """Environment for pip with no index reachable: no pip config, dead proxies."""
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(("PIP_", "PYTHON"))}
    env.update(
        PIP_CONFIG_FILE=os.devnull,
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        http_proxy="http://127.0.0.1:9",
        https_proxy="http://127.0.0.1:9",
        HTTP_PROXY="http://127.0.0.1:9",
        HTTPS_PROXY="http://127.0.0.1:9",
        no_proxy="",
    )
    env.update(extra)
    return env


def _no_network_prefix() -> list[str]:
    """``unshare -n`` (a network namespace with only a down loopback) when we may create one."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n"]
    return []


def _run(cmd: list[str], *, offline: bool = True, timeout: float = 600, **kw) -> subprocess.CompletedProcess:
    prefix = _no_network_prefix() if offline else []
    env = kw.pop("env", None) or (_offline_env() if offline else None)
    done = subprocess.run(prefix + cmd, capture_output=True, text=True, timeout=timeout, env=env, **kw)
    assert done.returncode == 0, f"{' '.join(cmd)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


def _make_n(*args: str) -> list[str]:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    done = subprocess.run(["make", "-n", "-B", *args], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def _pip_installs(lines: list[str]) -> list[str]:
    return [ln for ln in lines if " -m pip install " in ln]


def test_offline_setup_installs_from_the_wheelhouse_only(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    offline = _pip_installs(_make_n("setup", "OFFLINE=1", f"WHEELHOUSE={wh}", f"VENV={tmp_path / 'v'}"))
    assert len(offline) == 3  # pip itself, the lock, the project
    for line in offline:
        assert f"--no-index --find-links {wh}" in line, line
    assert any("-r requirements.lock" in ln for ln in offline)
    ordinary = _pip_installs(_make_n("setup", f"VENV={tmp_path / 'v'}"))
    assert len(ordinary) == 3 and not any("--no-index" in ln or "--find-links" in ln for ln in ordinary)


def test_offline_setup_without_a_wheelhouse_says_how_to_make_one(tmp_path: Path) -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    done = subprocess.run(
        ["make", "offline-check", "OFFLINE=1", f"WHEELHOUSE={tmp_path / 'none'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0 and "make wheelhouse" in done.stderr


def test_wheelhouse_recipe_downloads_wheels_only_and_builds_sdists_as_fallback() -> None:
    lines = "\n".join(_make_n("wheelhouse", "WHEELHOUSE=/tmp/wh-dry"))
    assert "pip download" in lines and "--only-binary=:all:" in lines and "--no-deps" in lines
    assert "-r /tmp/wh-dry/requirements.txt" in lines
    assert "pip wheel --quiet --no-deps --wheel-dir /tmp/wh-dry" in lines  # sdist fallback + own wheel


def _fresh_venv(where: Path) -> Path:
    # the interpreter behind the shared venv, so the new one does not inherit its packages
    base = Path(sys._base_executable if hasattr(sys, "_base_executable") else sys.executable)
    _run([str(base), "-m", "venv", str(where)], timeout=180)
    cfg = (where / "pyvenv.cfg").read_text()
    assert "include-system-site-packages = false" in cfg
    return where / "bin" / "python"


def _project_wheel(into: Path, tmp: Path) -> Path:
    """Build this project's wheel from a copy of the sources, without an index or the network."""
    src = tmp / "src-copy"
    shutil.copytree(ROOT / "src", src / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for f in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / f, src / f)
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index"]
        + ["--wheel-dir", str(into), str(src)],
        timeout=300,
    )
    wheels = list(into.glob("fou_analysis-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_project_wheel_installs_offline_into_a_fresh_venv(tmp_path: Path) -> None:
    wh = tmp_path / "wheelhouse"
    _project_wheel(wh, tmp_path)
    py = _fresh_venv(tmp_path / "venv")
    _run(
        [str(py), "-m", "pip", "install", "--no-index", "--no-deps", "--find-links", str(wh), "fou-analysis"],
        timeout=300,
    )
    site = Path(
        _run([str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]).stdout.strip()
    )
    pkg = site / "fou_analysis"
    # package data the reports and the value map need at run time
    for rel in ("data/value_bank.csv", "data/price_index.csv", "data/kommuner_1994_2024.csv"):
        assert (pkg / rel).is_file(), rel
    fou = tmp_path / "venv" / "bin" / "fou"
    assert fou.is_file()
    # the entry point runs from the installed copy; its dependencies are borrowed read-only from
    # the test interpreter (a full offline install of those is the slow test below)
    deps = sysconfig.get_path("purelib")
    env = _offline_env(PYTHONPATH=deps)
    where = _run([str(py), "-c", "import fou_analysis; print(fou_analysis.__file__)"], env=env).stdout
    assert where.strip().startswith(str(site)), where
    helptext = _run([str(fou), "--help"], env=env).stdout
    for command in ("demo", "run", "validate"):
        assert command in helptext


@pytest.mark.slow
def test_the_locked_set_installs_offline_from_the_wheelhouse(tmp_path: Path) -> None:
    """``make wheelhouse`` output → fresh venv, network cut → the pinned set, pip check, a demo run."""
    wh = Path(os.environ.get("FOU_WHEELHOUSE", ROOT / "wheelhouse"))
    if not (wh / ".complete").is_file():
        pytest.skip(f"no wheelhouse at {wh}: run 'make wheelhouse' first (needs the package index once)")
    py = _fresh_venv(tmp_path / "venv")
    pip = [str(py), "-m", "pip", "install", "--quiet", "--no-index", "--find-links", str(wh)]
    _run(pip + ["--upgrade", "pip"], timeout=300)
    _run(pip + ["-r", str(ROOT / "requirements.lock")], timeout=1800)
    _run(pip + ["--no-deps", "fou-analysis"], timeout=300)
    _run([str(py), "-m", "pip", "check"])
    frozen = _run([str(py), "-m", "pip", "freeze", "--all"]).stdout.lower().split()
    pinned = [
        ln.strip().lower()
        for ln in (ROOT / "requirements.lock").read_text().splitlines()
        if ln.strip() and not ln.startswith("#")
    ]
    norm = {ln.replace("_", "-") for ln in frozen}
    assert [p for p in pinned if p.replace("_", "-") not in norm] == []
    root = tmp_path / "project"
    shutil.copytree(ROOT / "cases", root / "cases")
    fou = str(tmp_path / "venv" / "bin" / "fou")
    _run([fou, "demo", "--case", "utstyrsbu", "--root", str(root)], cwd=tmp_path)
    _run([fou, "validate", "utstyrsbu", "--root", str(root)], cwd=tmp_path)
    code = (
        "from fou_analysis import pipeline; from fou_analysis.config import Project, load_plan;"
        f"p = Project.at({str(root)!r}); plan = load_plan('utstyrsbu', project=p);"
        "pipeline.prepare(plan, p); r = pipeline.estimate(plan, p); pipeline.valuate(plan, p, effects=r);"
        "print(sorted(r))"
    )
    assert "loans_per_month" in _run([str(py), "-c", code], cwd=tmp_path, timeout=600).stdout
