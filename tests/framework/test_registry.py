"""Issue #11.4: the registry of every initiative — schema, demo content, staff-form import and
the `fou import-initiatives` command (merge atomically, never overwrite without --replace)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from fou_analysis import DataError
from fou_analysis.cli import app
from fou_analysis.config import Project
from fou_analysis.exceptions import SpecificationError
from fou_analysis.framework import import_registry, load_registry, merge_initiatives
from fou_analysis.framework.registry import INVENTED_MARK, parse_registry

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures" / "registry"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    shutil.copytree(ROOT / "cases", tmp_path / "cases")
    return Project.at(tmp_path)


def test_the_demo_registry_holds_the_seed_cases_and_about_thirty_invented_ones() -> None:
    reg = load_registry(Project.at(ROOT))
    measured = [i for i in reg.initiatives if i.case]
    assert sorted(i.case for i in measured) == ["friskgarden", "noen", "utstyrsbu"]
    assert not any(i.invented for i in measured)
    invented = [i for i in reg.initiatives if i.invented]
    assert 25 <= len(invented) <= 35 and len(reg.initiatives) == len(invented) + 3
    for i in reg.initiatives:  # every entry complete enough for the portfolio
        assert i.story is not None and i.domains and i.sector and i.stage, i.slug
    text = (ROOT / "cases" / "portfolio.yaml").read_text(encoding="utf-8")
    assert INVENTED_MARK in text  # marked by a comment as well as the field
    # every story passes the privacy scan (the schema refuses one that does not)
    from fou_analysis import privacy

    assert privacy.scan(text) == []


def _entry(**kw: object) -> dict:
    base = {"slug": "x", "name": "X", "municipality": "5006", "sector": "oppvekst", "stage": "pilot"}
    return {**base, **kw}


def test_an_unknown_field_is_rejected_with_a_suggestion() -> None:
    with pytest.raises(
        SpecificationError, match=r"initiative 'x': unknown field 'domain' \(did you mean 'domains'"
    ):
        parse_registry({"initiatives": [_entry(domain=["health"])]}, source="reg.yaml")


@pytest.mark.parametrize(
    "field,value,pattern",
    [
        ("stage", "drfit", r"'drfit' is not one of .*did you mean 'drift'"),
        ("sector", "helse", r"'helse' is not one of"),
        ("evidence", "before-after", r"did you mean 'before_after'"),
        ("municipality", "Steinkjer", r"four digits"),
    ],
)
def test_values_outside_the_vocabularies_are_refused(field: str, value: str, pattern: str) -> None:
    with pytest.raises(SpecificationError, match=pattern):
        parse_registry({"initiatives": [_entry(**{field: value})]})


def test_duplicate_slugs_and_missing_case_plans_are_refused(project: Project) -> None:
    with pytest.raises(SpecificationError, match="duplicate initiative slug"):
        parse_registry({"initiatives": [_entry(), _entry()]})
    path = project.cases_dir / "portfolio.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["initiatives"][0]["case"] = "utstyrbu"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SpecificationError, match=r"case 'utstyrbu' has no plan.*did you mean 'utstyrsbu'"):
        load_registry(project)


def test_a_story_with_an_email_is_refused() -> None:
    story = {"nb": "Kontakt kari@example.no", "en": "Contact kari@example.no"}
    with pytest.raises(SpecificationError, match="personal data") as err:
        parse_registry({"initiatives": [_entry(story=story)]})
    assert "kari@example.no" not in str(err.value)


def test_import_reads_a_csv_staff_form() -> None:
    got = import_registry(FIX / "staff_form.csv")
    assert [i.slug for i in got] == ["turvenn-for-unge", "lekeplass-dugnad", "matsvinnkjokkenet"]
    first, second = got[0], got[1]
    assert first.sector == "helse_omsorg" and first.stage == "pilot" and first.form == "frivillighet"
    assert first.domains == ["health", "social_relations"] and first.evidence == "counts"
    assert first.partners == ["Steinkjer kommune", "Frivilligsentralen"]
    assert first.handover is not None and first.handover.operator == "Frivilligsentralen"
    assert first.municipality == ["5006"]  # "Steinkjer" by name
    # labels in either language and a municipality number
    assert second.sector == "teknisk" and second.stage == "ide" and second.form == "innbyggere"
    assert second.municipality == ["5053"] and second.domains == ["participation"]
    assert second.story is not None and second.story.en.startswith("(Only in Norwegian")
    assert not any(i.invented for i in got)


def test_import_reads_a_nettskjema_export_with_checkbox_domains() -> None:
    got = import_registry(FIX / "staff_form_nettskjema.csv")
    assert [(i.name, i.domains) for i in got] == [("Trygg heim", ["health", "safety"]), ("Kulturkveld", [])]


def test_import_names_file_row_and_column_with_a_suggestion() -> None:
    with pytest.raises(DataError) as err:
        import_registry(FIX / "staff_form_bad_sector.csv")
    e = err.value
    assert e.row == 3 and e.column == "sektor" and e.file.endswith("staff_form_bad_sector.csv")
    assert "did you mean 'oppvekst'" in str(e)


def test_import_refuses_a_phone_number_in_a_story_masked() -> None:
    with pytest.raises(DataError, match="personal data") as err:
        import_registry(FIX / "staff_form_phone.csv")
    assert err.value.row == 2 and err.value.column == "historie"
    assert "912 34 567" not in str(err.value)


def test_import_needs_the_required_columns(tmp_path: Path) -> None:
    f = tmp_path / "form.csv"
    f.write_text("navn;fase\nA;pilot\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"missing column\(s\) for sector"):
        import_registry(f)


def test_merge_adds_then_keeps_existing_entries_unless_replace(project: Project) -> None:
    before = load_registry(project)
    new = import_registry(FIX / "staff_form.csv")
    r1 = merge_initiatives(project, new)
    assert r1.added == [i.slug for i in new] and not r1.skipped
    after = load_registry(project)
    assert len(after.initiatives) == len(before.initiatives) + 3
    assert {i.slug for i in before.initiatives} <= {i.slug for i in after.initiatives}
    text = (project.cases_dir / "portfolio.yaml").read_text(encoding="utf-8")
    assert text.startswith("# The portfolio registry") and INVENTED_MARK in text
    # staff-reported entries sit before the invented examples
    assert text.index("turvenn-for-unge") < text.index(INVENTED_MARK)

    changed = [new[0].model_copy(update={"stage": "drift"})]
    r2 = merge_initiatives(project, changed)
    assert r2.skipped == ["turvenn-for-unge"] and r2.path is None
    assert load_registry(project).get("turvenn-for-unge").stage == "pilot"
    r3 = merge_initiatives(project, changed, replace=True)
    assert r3.replaced == ["turvenn-for-unge"]
    assert load_registry(project).get("turvenn-for-unge").stage == "drift"


def test_cli_import_initiatives(project: Project) -> None:
    from typer.testing import CliRunner

    runner = CliRunner()
    n_before = len(load_registry(project).initiatives)
    args = ["import-initiatives", str(FIX / "staff_form.csv"), "--root", str(project.root)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "3 added" in first.output
    again = runner.invoke(app, args)
    assert again.exit_code == 0 and "3 already registered" in again.output and "--replace" in again.output
    bad = runner.invoke(
        app, ["import-initiatives", str(FIX / "staff_form_bad_sector.csv"), "--root", str(project.root)]
    )
    assert bad.exit_code == 1 and "row 3" in bad.output and "Traceback" not in bad.output
    assert len(load_registry(project).initiatives) == n_before + 3  # the bad file changed nothing


def test_cli_portfolio_import_merges_before_rendering(project: Project, monkeypatch) -> None:
    """`fou portfolio --import FILE` (issue #11) merges the staff form, then renders the overview
    (rendering is stubbed here: the e2e suite runs the real notebook)."""
    from types import SimpleNamespace

    from typer.testing import CliRunner

    from fou_analysis.report import runner as runner_mod

    rendered: list[int] = []

    def fake_run_portfolio(proj, **kwargs):
        rendered.append(len(load_registry(proj).initiatives))
        return SimpleNamespace(report=proj.root / "reports" / "portfolio" / "report.html")

    monkeypatch.setattr(runner_mod, "run_portfolio", fake_run_portfolio)
    n_before = len(load_registry(project).initiatives)
    res = CliRunner().invoke(
        app, ["portfolio", "--import", str(FIX / "staff_form.csv"), "--root", str(project.root)]
    )
    assert res.exit_code == 0, res.output
    assert "3 added" in res.output and "portfolio:" in res.output
    assert rendered == [n_before + 3]  # the overview saw the merged registry
    bad = CliRunner().invoke(
        app, ["portfolio", "--import", str(FIX / "staff_form_bad_sector.csv"), "--root", str(project.root)]
    )
    assert bad.exit_code == 1 and "row 3" in bad.output and rendered == [n_before + 3]  # nothing rendered
