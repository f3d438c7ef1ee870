"""write_demo: never touches real data, byte-identical per seed, READMEs and PLANTED agree."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from fou_analysis import demo, privacy
from fou_analysis.exceptions import SpecificationError

EXPECTED_FILES = {
    "utstyrsbu": {"utlan.csv", "survey_pre.csv", "survey_post.csv", "survey_elements.json", "README.md"},
    "noen": {
        "tjenestedata.csv",
        "parorende/dataset.csv",
        "parorende/structure.csv",
        "parorende/labels.csv",
        "README.md",
    },
    "friskgarden": {"register_personmaaned.csv", "deltakere.csv", "ssb_neet_kommune.json", "README.md"},
}
# every case also has the co-creation barometer (a Nettskjema export with its codebook)
for _names in EXPECTED_FILES.values():
    _names |= {"barometer.csv", "barometer_elements.json"}


def _files(folder: Path) -> set[str]:
    return {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.name != ".fou-demo.json"
    }


def test_every_case_has_exactly_the_agreed_files(raw: Path) -> None:
    for case, names in EXPECTED_FILES.items():
        assert _files(raw / case) == names


def test_same_seed_gives_byte_identical_files(raw: Path) -> None:
    # render() regenerates from scratch; the session fixture wrote with the same default seed.
    for case in demo.CASES:
        again = demo.render(case)
        for rel, data in again.items():
            assert (raw / case / rel).read_bytes() == data, f"{case}/{rel} differs between runs"


def test_other_seed_gives_other_data() -> None:
    a = demo.render("noen", seed=1)
    b = demo.render("noen", seed=2)
    assert a["tjenestedata.csv"] != b["tjenestedata.csv"]


def test_existing_real_files_are_never_overwritten(tmp_path: Path) -> None:
    real = tmp_path / "data" / "raw" / "noen" / "tjenestedata.csv"
    real.parent.mkdir(parents=True)
    real.write_text("real data\n", encoding="utf-8")
    for overwrite in (False, True):
        result = demo.write_demo(tmp_path, cases=["noen"], overwrite=overwrite)
        assert result["noen"] == []
        assert result.skipped["noen"] == [real]
        assert real.read_text(encoding="utf-8") == "real data\n"
        assert _files(real.parent) == {"tjenestedata.csv"}


def test_demo_folder_is_skipped_unless_overwrite(tmp_path: Path) -> None:
    first = demo.write_demo(tmp_path, cases=["noen"], seed=3)
    assert len(first["noen"]) == len(EXPECTED_FILES["noen"]) + 1  # + the marker
    second = demo.write_demo(tmp_path, cases=["noen"], seed=4)
    assert second["noen"] == [] and second.skipped["noen"]
    third = demo.write_demo(tmp_path, cases=["noen"], seed=4, overwrite=True)
    assert {p.name for p in third["noen"]} >= {"tjenestedata.csv", "README.md"}
    assert (tmp_path / "data/raw/noen/tjenestedata.csv").read_bytes() == demo.render("noen", seed=4)[
        "tjenestedata.csv"
    ]


def test_edited_demo_file_counts_as_real(tmp_path: Path) -> None:
    demo.write_demo(tmp_path, cases=["noen"], seed=3)
    edited = tmp_path / "data/raw/noen/README.md"
    edited.write_text("my notes\n", encoding="utf-8")
    result = demo.write_demo(tmp_path, cases=["noen"], overwrite=True)
    assert result["noen"] == [] and result.skipped["noen"] == [edited]
    assert edited.read_text(encoding="utf-8") == "my notes\n"


def test_unknown_case_is_a_specification_error(tmp_path: Path) -> None:
    with pytest.raises(SpecificationError, match="unknown demo case"):
        demo.write_demo(tmp_path, cases=["nosuchcase"])
    with pytest.raises(SpecificationError):
        demo.generate("nosuchcase")


def test_marker_lists_checksums_of_written_files(raw: Path) -> None:
    marker = json.loads((raw / "utstyrsbu" / ".fou-demo.json").read_text(encoding="utf-8"))
    assert marker["synthetic"] is True
    assert set(marker["files"]) == EXPECTED_FILES["utstyrsbu"]


@pytest.mark.parametrize("case", demo.CASES)
def test_readme_says_synthetic_and_documents_files_and_planted_values(raw: Path, case: str) -> None:
    text = (raw / case / "README.md").read_text(encoding="utf-8")
    assert "SYNTETISKE DATA" in text and "SYNTHETIC DATA" in text
    assert "## Norsk" in text and "## English" in text
    for rel in EXPECTED_FILES[case] - {"README.md"}:
        assert Path(rel).name in text, f"README of {case} does not mention {rel}"
    planted = {
        "utstyrsbu": ["+12 utlån per\n   måned", "+0.6 dager/uke", "+0.4"],
        "noen": ["**0.8**", "3 poeng lavere", "**ingen effekt**", "Vossius"],
        "friskgarden": ["+8 prosentpoeng", "1.5 prosentpoeng lavere fra 2021"],
    }[case]
    for phrase in planted:
        assert phrase in text, f"README of {case} lacks {phrase!r}"


def test_readme_documents_every_column(raw: Path) -> None:
    text = (raw / "utstyrsbu" / "README.md").read_text(encoding="utf-8")
    header = (raw / "utstyrsbu" / "utlan.csv").read_text(encoding="utf-8").split("\n", 1)[0].split(";")
    survey = (raw / "utstyrsbu" / "survey_pre.csv").read_text(encoding="utf-8").split("\n", 1)[0]
    for col in header + [
        c.strip('"') for c in survey.split(";") if not c.strip('"').startswith("aktiviteter.")
    ]:
        assert f"`{col}`" in text, col
    noen_text = (raw / "noen" / "README.md").read_text(encoding="utf-8")
    for col in (raw / "noen" / "tjenestedata.csv").read_text(encoding="utf-8").split("\n", 1)[0].split(";"):
        assert f"`{col}`" in noen_text, col
    fg_text = (raw / "friskgarden" / "README.md").read_text(encoding="utf-8")
    for col in (
        (raw / "friskgarden" / "register_personmaaned.csv")
        .read_text(encoding="utf-8")
        .split("\n", 1)[0]
        .split(",")
    ):
        assert f"`{col}`" in fg_text, col


def test_planted_is_machine_readable_and_matches_the_brief() -> None:
    p = demo.PLANTED
    assert set(p) == set(demo.CASES)
    assert p["utstyrsbu"]["monthly_loans"]["level_change"] == 12.0
    assert p["utstyrsbu"]["monthly_loans"]["slope_change"] == 0.0
    assert p["utstyrsbu"]["monthly_loans"]["intervention_start"] == "2023-03-01"
    assert p["utstyrsbu"]["survey"]["aktivitet_dager_change"] == 0.6
    assert p["utstyrsbu"]["survey"]["livskvalitet_change"] == 0.4
    assert p["noen"]["admission"]["hazard_ratio"] == 0.8
    assert p["noen"]["caregiver_burden"]["zbi12_change_effect"] == -3.0
    assert p["noen"]["quality_of_life"]["qol_ad_change_effect"] == 0.0
    assert p["friskgarden"]["work_or_education"]["effect_pp"] == pytest.approx(8.0)
    assert p["friskgarden"]["neet_synthetic_control"]["effect_pp"] == -1.5
    assert sum(p["friskgarden"]["neet_synthetic_control"]["donor_weights"].values()) == pytest.approx(1.0)
    json.dumps(p)  # plain JSON types only


def test_demo_files_contain_no_identity_numbers_or_contact_data(raw: Path) -> None:
    scanned = 0
    for path in sorted(raw.rglob("*")):
        if path.is_file() and path.suffix in (".csv", ".json", ".md"):
            findings = [f for f in privacy.scan(path) if f.kind != "sensitive_column"]
            assert findings == [], f"{path.name}: {findings[:3]}"
            scanned += 1
    assert scanned == 23  # 14 data files + 6 barometer files + 3 markers


def test_pseudonyms_look_like_keyed_hashes(raw: Path) -> None:
    text = (raw / "utstyrsbu" / "utlan.csv").read_text(encoding="utf-8")
    borrowers = {line.split(";")[3] for line in text.splitlines()[1:]}
    assert all(re.fullmatch(r"L-[0-9a-f]{8}", b) for b in borrowers)
    people = {
        line.split(";")[0]
        for line in (raw / "noen" / "tjenestedata.csv").read_text(encoding="utf-8").splitlines()[1:]
    }
    assert all(re.fullmatch(r"N-[0-9a-f]{8}", p) for p in people)


def test_placeholder_files_do_not_block_demo_data(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "raw" / "noen"
    folder.mkdir(parents=True)
    (folder / ".gitkeep").write_text("", encoding="utf-8")
    result = demo.write_demo(tmp_path, cases=["noen"], seed=3)
    assert (folder / "tjenestedata.csv") in result["noen"]
    assert (folder / ".gitkeep").exists()


def _drop_from_demo(folder: Path, *names: str) -> dict[str, str]:
    """Make ``folder`` look like a demo folder written before ``names`` were part of the demo."""
    marker = folder / ".fou-demo.json"
    data = json.loads(marker.read_text(encoding="utf-8"))
    for name in names:
        (folder / name).unlink()
        del data["files"][name]
    marker.write_text(json.dumps(data), encoding="utf-8")
    return data["files"]


def test_missing_only_adds_the_files_an_old_demo_folder_lacks_and_rewrites_none(tmp_path: Path) -> None:
    demo.write_demo(tmp_path, cases=["noen"], seed=5)
    folder = tmp_path / "data" / "raw" / "noen"
    old = _drop_from_demo(folder, "barometer.csv", "barometer_elements.json")
    edited = folder / "README.md"  # a demo file someone edited stays as it is
    edited.write_text("my notes\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file() and p.name != ".fou-demo.json"}
    # another default seed asked for: the folder's own seed (5) is used, so the set stays one
    result = demo.write_demo(tmp_path, cases=["noen"], missing_only=True)
    assert sorted(p.name for p in result["noen"]) == [
        ".fou-demo.json",
        "barometer.csv",
        "barometer_elements.json",
    ]
    assert not result.skipped
    expected = demo.render("noen", seed=5)
    assert (folder / "barometer.csv").read_bytes() == expected["barometer.csv"]
    for path, data in before.items():
        assert path.read_bytes() == data, path
    marker = json.loads((folder / ".fou-demo.json").read_text(encoding="utf-8"))
    assert marker["seed"] == 5 and marker["synthetic"] is True
    assert {k: v for k, v in marker["files"].items() if k in old} == old  # earlier entries kept
    assert marker["files"]["barometer.csv"] == hashlib.sha256(expected["barometer.csv"]).hexdigest()
    assert demo.recorded_files(folder).get("README.md") != hashlib.sha256(edited.read_bytes()).hexdigest()
    again = demo.write_demo(tmp_path, cases=["noen"], missing_only=True)  # complete: nothing to do
    assert again["noen"] == [] and not again.skipped


@pytest.mark.parametrize("kind", ["no marker", "unlisted file"])
def test_missing_only_never_touches_a_folder_that_is_not_all_demo(tmp_path: Path, kind: str) -> None:
    demo.write_demo(tmp_path, cases=["noen"])
    folder = tmp_path / "data" / "raw" / "noen"
    _drop_from_demo(folder, "barometer.csv")
    if kind == "no marker":
        (folder / ".fou-demo.json").unlink()
        blocking = sorted(p for p in folder.rglob("*") if p.is_file())
    else:
        (folder / "real_export.csv").write_text("id;score\n1;3\n", encoding="utf-8")
        blocking = [folder / "real_export.csv"]
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    result = demo.write_demo(tmp_path, cases=["noen"], missing_only=True)
    assert result["noen"] == [] and sorted(result.skipped["noen"]) == blocking
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


def test_missing_only_fills_an_empty_folder_and_refuses_overwrite(tmp_path: Path) -> None:
    result = demo.write_demo(tmp_path, cases=["friskgarden"], missing_only=True)
    assert _files(tmp_path / "data" / "raw" / "friskgarden") == EXPECTED_FILES["friskgarden"]
    assert len(result["friskgarden"]) == len(EXPECTED_FILES["friskgarden"]) + 1
    with pytest.raises(SpecificationError, match="overwrite"):
        demo.write_demo(tmp_path, cases=["friskgarden"], missing_only=True, overwrite=True)


def test_fou_demo_missing_only_says_what_it_did(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from fou_analysis import cli

    demo.write_demo(tmp_path, cases=["noen", "utstyrsbu"])
    _drop_from_demo(tmp_path / "data" / "raw" / "noen", "barometer.csv")
    (tmp_path / "data" / "raw" / "utstyrsbu" / ".fou-demo.json").unlink()
    with pytest.raises(SystemExit) as e:
        cli.main(["demo", "--missing-only", "--root", str(tmp_path)])
    assert e.value.code == 0
    out = capsys.readouterr().out.splitlines()
    raw = tmp_path / "data" / "raw"
    assert f"noen: 2 file(s) written to {raw / 'noen'}" in out  # barometer.csv and the marker
    assert [ln for ln in out if ln.startswith("utstyrsbu:")] == [
        "utstyrsbu: left alone (files demo did not write: README.md, barometer.csv, barometer_elements.json, …)"
    ]
    assert (
        f"friskgarden: {len(EXPECTED_FILES['friskgarden']) + 1} file(s) written to {raw / 'friskgarden'}"
        in out
    )
    assert (raw / "noen" / "barometer.csv").exists()
