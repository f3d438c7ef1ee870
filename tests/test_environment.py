"""The dependency lists stay in step: pyproject.toml, environment.yml and requirements.lock."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# conda-forge names that differ from PyPI names
CONDA_TO_PYPI = {"python-duckdb": "duckdb"}


def _norm(name: str) -> str:
    return re.split(r"[<>=!~\[ ;]", name.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    names = {_norm(d) for d in data["project"]["dependencies"]}
    names |= {_norm(d) for d in data["project"]["optional-dependencies"]["test"]}
    return names


def _conda() -> set[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    names = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            names |= {_norm(d) for d in dep["pip"] if not d.startswith("-e")}
        elif not dep.startswith(("python=", "pip")):
            names.add(CONDA_TO_PYPI.get(_norm(dep), _norm(dep)))
    return names


def test_environment_yml_lists_the_same_packages_as_pyproject() -> None:
    assert _conda() == _pyproject()


def test_client_fixed_packages_are_dependencies() -> None:
    fixed = {"jupyterlab", "pandas", "statsmodels", "seaborn", "papermill", "nbval"}
    assert fixed <= _pyproject()


def test_every_dependency_is_pinned_in_the_lock_file() -> None:
    lock = (ROOT / "requirements.lock").read_text().splitlines()
    pinned = {_norm(line) for line in lock if "==" in line and not line.startswith("#")}
    assert _pyproject() <= pinned, _pyproject() - pinned
    assert all("==" in line for line in lock if line.strip() and not line.startswith("#"))
