"""Where the data came from: only untouched `fou demo` inputs are called synthetic demo data.

Issue #8.4: every report and the portfolio said "synthetic demo data" unconditionally. The
sentence now follows the prepared tables' provenance and the demo marker (`.fou-demo.json`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fou_analysis import demo, io, pipeline
from fou_analysis.config import Project, load_plan
from fou_analysis.framework import portfolio
from fou_analysis.report import data_origin, data_origin_text, headline_summary, t

ROOT = Path(__file__).resolve().parents[1]


def _project(tmp_path: Path, name: str = "p") -> Project:
    root = tmp_path / name
    root.mkdir()
    shutil.copytree(ROOT / "cases", root / "cases")
    return Project.at(root)


@pytest.fixture(scope="module")
def demo_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project root with the demo data of noen and utstyrsbu written by `fou demo`."""
    root = tmp_path_factory.mktemp("demo")
    demo.write_demo(root, cases=["noen", "utstyrsbu"])
    return root


def _copy_raw(src_root: Path, project: Project, case: str, *, keep_marker: bool) -> Path:
    dst = project.raw_dir(case)
    shutil.copytree(src_root / "data" / "raw" / case, dst)
    if not keep_marker:
        (dst / demo.MARKER).unlink()
    return dst


def _flip_one_byte(path: Path, old: bytes, new: bytes) -> None:
    data = path.read_bytes()
    assert data.count(old) >= 1 and len(old) == len(new)
    path.write_bytes(data.replace(old, new, 1))


def test_demo_case_says_synthetic_in_both_languages(tmp_path: Path, demo_raw: Path) -> None:
    project = _project(tmp_path)
    _copy_raw(demo_raw, project, "noen", keep_marker=True)
    plan = load_plan("noen", project=project)
    pipeline.prepare(plan, project)
    sources = pipeline.data_sources(plan, project)
    assert sorted(s["name"] for s in sources) == ["parorende", "tjenestedata.csv"]
    assert all(s["demo"] and not s["changed"] for s in sources)
    for lang in ("nb", "en"):
        assert data_origin_text(sources, lang) == t("honesty_note", lang)
    assert "synthetic demo data" in data_origin_text(sources, "en")
    assert "syntetiske demodata" in data_origin_text(sources, "nb")


def test_real_files_are_named_with_date_and_hash_never_called_demo(tmp_path: Path, demo_raw: Path) -> None:
    # the same bytes as the demo, but not written here by `fou demo` (no marker): real data
    project = _project(tmp_path)
    raw = _copy_raw(demo_raw, project, "noen", keep_marker=False)
    plan = load_plan("noen", project=project)
    pipeline.prepare(plan, project)
    sources = pipeline.data_sources(plan, project)
    assert not any(s["demo"] for s in sources)
    en, nb = data_origin_text(sources, "en"), data_origin_text(sources, "nb")
    for text in (en, nb):
        assert "synthetic" not in text.lower() and "syntetisk" not in text.lower()
        assert "demo" not in text.lower()
        assert "tjenestedata.csv" in text and "parorende" in text
        assert io.sha256(raw / "tjenestedata.csv")[:12] in text
    import datetime as dt

    mtime = dt.datetime.fromtimestamp((raw / "tjenestedata.csv").stat().st_mtime, dt.UTC).date()
    assert f"modified {mtime:%Y-%m-%d}" in en and f"endret {mtime:%d.%m.%Y}" in nb
    assert en.startswith("The numbers are based on these files:")
    assert nb.startswith("Tallene bygger på disse filene:")


def test_a_demo_file_changed_by_one_byte_is_no_longer_demo(tmp_path: Path, demo_raw: Path) -> None:
    project = _project(tmp_path)
    raw = _copy_raw(demo_raw, project, "noen", keep_marker=True)
    _flip_one_byte(raw / "tjenestedata.csv", b";93;M;", b";92;M;")
    plan = load_plan("noen", project=project)
    pipeline.prepare(plan, project)
    by_name = {s["name"]: s for s in pipeline.data_sources(plan, project)}
    assert by_name["tjenestedata.csv"]["demo"] is False
    assert by_name["parorende"]["demo"] is True  # the untouched SurveyXact folder still is
    en = data_origin_text(list(by_name.values()), "en")
    real_part, demo_part = en.split("Synthetic demo data", 1)
    assert "tjenestedata.csv" in real_part and "tjenestedata.csv" not in demo_part
    assert "parorende" in demo_part and "parorende" not in real_part
    assert en != t("honesty_note", "en")
    # the HTML paragraph escapes what it shows
    assert "&#x27;fou demo&#x27;" in str(data_origin(list(by_name.values()), "en"))


def test_file_changed_after_preparing_is_flagged(tmp_path: Path, demo_raw: Path) -> None:
    project = _project(tmp_path)
    raw = _copy_raw(demo_raw, project, "noen", keep_marker=False)
    plan = load_plan("noen", project=project)
    pipeline.prepare(plan, project)
    _flip_one_byte(raw / "tjenestedata.csv", b";93;M;", b";92;M;")
    by_name = {s["name"]: s for s in pipeline.data_sources(plan, project)}
    assert by_name["tjenestedata.csv"]["changed"] and by_name["tjenestedata.csv"]["modified"] is None
    assert not by_name["parorende"]["changed"]
    assert "has changed or moved since the tables were made" in data_origin_text(list(by_name.values()), "en")


def test_nothing_prepared_says_so_and_the_summary_follows_the_sources(tmp_path: Path) -> None:
    project = _project(tmp_path)
    plan = load_plan("noen", project=project)
    assert pipeline.data_sources(plan, project) == []
    assert "run 'fou run' first" in data_origin_text([], "en")
    real = [
        {"name": "a.csv", "sha256": "0123456789abcdef", "demo": False, "modified": None, "changed": False}
    ]
    body = str(headline_summary(plan, {}, None, "en", sources=real))
    assert "a.csv (sha256 0123456789ab)" in body and "synthetic" not in body
    assert t("honesty_note", "en") not in str(headline_summary(plan, {}, None, "en"))


def test_demo_folder_hash_matches_the_provenance_convention(demo_raw: Path) -> None:
    folder = demo_raw / "data" / "raw" / "noen"
    prov = io.provenance([folder / "parorende", folder / "tjenestedata.csv"])["sources"]
    assert demo.demo_sha256(folder, "parorende") == prov[0]["sha256"]
    assert demo.demo_sha256(folder, "tjenestedata.csv") == prov[1]["sha256"]
    assert demo.demo_sha256(folder, "nope.csv") is None
    assert demo.demo_sha256(folder.parent / "friskgarden", "deltakere.csv") is None  # no marker


def test_portfolio_states_the_origin_per_case(tmp_path: Path, demo_raw: Path) -> None:
    project = _project(tmp_path)
    _copy_raw(demo_raw, project, "noen", keep_marker=True)
    _copy_raw(demo_raw, project, "utstyrsbu", keep_marker=False)
    for case in ("noen", "utstyrsbu"):
        pipeline.prepare(load_plan(case, project=project), project)
    overview = portfolio.collect(project, ["noen", "utstyrsbu", "friskgarden"])
    html_en = portfolio.intro_html(overview, "en")
    items = dict(
        (li.split("</b>")[0].removeprefix("<b>"), li.split("</b>: ", 1)[1])
        for li in html_en.split("<ul>")[-1].removesuffix("</ul>").removeprefix("<li>").split("</li><li>")
    )
    items = {k: v.removesuffix("</li>") for k, v in items.items()}
    noen, utstyrsbu, friskgarden = (o.plan.name.get("en") for o in overview)
    assert items[noen] == t("honesty_note", "en")
    assert "utlan.csv" in items[utstyrsbu] and "synthetic" not in items[utstyrsbu]
    assert "not recorded yet" in items[friskgarden]
    assert "Hvor dataene kommer fra" in portfolio.intro_html(overview, "nb")
