"""Issue #9.5: a pickle planted in data/processed/ is refused before it can run any code."""

from __future__ import annotations

import pickle
import shutil
import stat
from pathlib import Path

import pandas as pd
import pytest

from fou_analysis.config import Project, load_plan
from fou_analysis.exceptions import DataError, SpecificationError
from fou_analysis.pipeline import artefacts, load_artefact, save_artefact

ROOT = Path(__file__).resolve().parents[1]


class Planted:
    """Unpickling this creates ``target``: what a hostile artefact would do (more harmfully)."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self) -> tuple:
        return (open, (str(self.target), "w"))


@pytest.fixture
def project(tmp_path: Path) -> Project:
    shutil.copytree(ROOT / "cases", tmp_path / "cases")
    return Project.at(tmp_path)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_round_trip_and_private_workspace(project: Project) -> None:
    plan = load_plan("noen", project=project)
    obj = {"table": pd.DataFrame({"a": [1, 2]}), "x": 1.5}
    path = save_artefact(plan, project, "effects", obj)
    back = load_artefact(plan, project, "effects")
    pd.testing.assert_frame_equal(back["table"], obj["table"])
    assert back["x"] == 1.5
    assert path.read_bytes().startswith(artefacts.MAGIC)
    processed = project.root / "data" / "processed"
    assert _mode(processed) == 0o700 and _mode(processed / "noen") == 0o700
    assert _mode(processed / artefacts.KEY_FILE) == 0o600
    assert len((processed / artefacts.KEY_FILE).read_bytes()) == artefacts.KEY_BYTES


def test_the_planted_pickle_is_live(tmp_path: Path) -> None:
    # The test below can fail: unpickled as before, the planted file runs code.
    target = tmp_path / "pwned"
    pickle.loads(pickle.dumps(Planted(target))).close()
    assert target.exists()


def _plant(project: Project, slug: str, name: str, blob: bytes) -> Path:
    folder = project.root / "data" / "processed" / slug
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.pkl"
    path.write_bytes(blob)
    return path


@pytest.mark.parametrize("with_key", [False, True])
@pytest.mark.parametrize("forge", ["plain", "fake_header", "other_key"])
def test_planted_pickle_is_refused_and_runs_nothing(
    project: Project, tmp_path: Path, with_key: bool, forge: str
) -> None:
    plan = load_plan("noen", project=project)
    if with_key:  # a real run happened before: the project has its key
        save_artefact(plan, project, "cleaning", {"ok": True})
    target = tmp_path / "pwned"
    payload = pickle.dumps(Planted(target))
    if forge == "plain":
        blob = payload
    elif forge == "fake_header":
        blob = artefacts.MAGIC + b"0" * 64 + b"\n" + payload
    else:  # signed properly, but by another project's key
        other = Project.at(tmp_path / "elsewhere")
        shutil.copytree(ROOT / "cases", other.root / "cases")
        signed = artefacts.save(other, "noen", "effects", Planted(target))
        blob = signed.read_bytes()
    path = _plant(project, "noen", "effects", blob)
    with pytest.raises(
        DataError, match=r"artefact was not written by this project; re-run `fou run noen`"
    ) as e:
        load_artefact(plan, project, "effects")
    assert str(path) in str(e.value)
    assert not target.exists()


def test_an_artefact_cannot_stand_in_for_another_name_or_case(project: Project) -> None:
    noen = load_plan("noen", project=project)
    utstyrsbu = load_plan("utstyrsbu", project=project)
    path = save_artefact(noen, project, "effects", {"effects": 1})
    _plant(project, "noen", "value", path.read_bytes())
    _plant(project, "utstyrsbu", "effects", path.read_bytes())
    with pytest.raises(DataError, match="not written by this project"):
        load_artefact(noen, project, "value")
    with pytest.raises(DataError, match="not written by this project"):
        load_artefact(utstyrsbu, project, "effects")


def test_a_changed_byte_is_refused(project: Project) -> None:
    plan = load_plan("noen", project=project)
    path = save_artefact(plan, project, "effects", {"estimate": 1.0})
    blob = bytearray(path.read_bytes())
    blob[-2] ^= 1
    path.write_bytes(bytes(blob))
    with pytest.raises(DataError, match="not written by this project"):
        load_artefact(plan, project, "effects")


def test_a_missing_artefact_is_still_a_specification_error(project: Project) -> None:
    with pytest.raises(SpecificationError, match="does not exist"):
        load_artefact(load_plan("noen", project=project), project, "effects")


def test_portfolio_refuses_a_planted_pickle(project: Project, tmp_path: Path) -> None:
    from fou_analysis.framework import portfolio

    target = tmp_path / "pwned"
    _plant(project, "noen", "effects", pickle.dumps(Planted(target)))
    with pytest.raises(DataError, match="not written by this project"):
        portfolio.collect(project, ["utstyrsbu", "noen"])
    assert not target.exists()


def test_the_key_is_made_once(project: Project) -> None:
    first = artefacts.project_key(project, create=True)
    assert artefacts.project_key(project, create=True) == first
    assert artefacts.project_key(project, create=False) == first
    leftovers = [p for p in (project.root / "data" / "processed").iterdir() if p.name != artefacts.KEY_FILE]
    assert leftovers == []  # no temporary key files left behind
