"""The reviewer appendix (#10 item 6): methods per outcome, the sources used, provenance.

Utstyrsbu (ITS, before/after) and Noen (weighting, survival) are estimated in-process on demo
data (seconds); Friskgården's five panel designs are checked with constructed results (its real
estimation takes minutes), as in ``test_headlines.py``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import importlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from _effect_results import effect_result
from fou_analysis.config import Project, load_plan
from fou_analysis.effects import Diagnostic, EffectResult, Labels
from fou_analysis.effects.evidence import BASE_LEVEL
from fou_analysis.report import appendix, method_notes, provenance, reference_list, t
from fou_analysis.report.references import DESIGN_REFERENCES, REFERENCES, design_references
from fou_analysis.value.bank import load_value_bank

ROOT = Path(__file__).resolve().parents[1]

# The module, not the function of the same name that ``fou_analysis.report`` exports.
appendix_module = importlib.import_module("fou_analysis.report.appendix")

#: Author names that identify each design's own sources (written here, not read from the package).
DESIGN_AUTHORS = {
    "its": ["Lopez Bernal, J., Cummins, S. & Gasparrini, A. (2017)"],
    "prepost": ["Lakens, D. (2013)", "Borenstein, M."],
    "weighting": ["Lunceford, J. K. & Davidian, M. (2004)"],
    "survival": ["Cox, D. R. (1972)", "Kaplan, E. L. & Meier, P. (1958)"],
    "did": ["Goodman-Bacon, A. (2021)", "MacKinnon, J. G. & Webb, M. D. (2017)"],
    "event_study": ["Sun, L. & Abraham, S. (2021)"],
    "staggered_did": ["Callaway, B. & Sant'Anna, P. H. C. (2021)"],
    "synthetic_control": ["Abadie, A., Diamond, A. & Hainmueller, J. (2010)", "Abadie, A. (2021)"],
    "synthetic_did": ["Arkhangelsky, D., Athey, S."],
}


@pytest.fixture(scope="module")
def cases(demo_valued: dict[str, tuple]) -> dict[str, tuple]:
    return demo_valued


def _fake(detail: str = "pre-trend p = 0.4", label: str = "arbeid") -> EffectResult:
    return effect_result(
        method="m",
        estimate=0.05,
        se=0.02,
        ci=(0.01, 0.09),
        p_value=0.01,
        n=500,
        n_treated=10,
        n_control=40,
        diagnostics=(Diagnostic("pre_trend", 0.4, "ok", detail=detail, detail_nb="før-trend p = 0,4"),),
        labels=Labels(outcome={"nb": label, "en": label}),
        inference={"dist": "normal"},
    )


@pytest.fixture(scope="module")
def friskgarden() -> tuple:
    plan = load_plan("friskgarden", project=Project.at(ROOT))
    return plan, {o.id: _fake() for o in plan.outcomes}


def _text(body: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("slug", ["utstyrsbu", "noen"])
def test_methods_name_each_outcomes_design_assumptions_and_diagnostics(cases, slug: str, lang: str) -> None:
    proj, plan, res, valued = cases[slug]
    body = _text(appendix(plan, proj, res, valued, lang).body)
    other = "en" if lang == "nb" else "nb"
    for oid, r in res.items():
        o = plan.outcome(oid)
        assert o.label.get(lang) in body
        assert t(f"design_{o.design}", lang) in body
        for nb_text, en_text in method_notes.ASSUMPTIONS[o.design]:
            assert (nb_text if lang == "nb" else en_text) in body
            assert (en_text if lang == "nb" else nb_text) not in body  # one language only
        for d in r.diagnostics:
            # the check's reader label (not its id) and its text in the report language
            assert d.label(lang) in body and re.sub(r"\s+", " ", d.text(lang)) in body
        # the estimator's English term of the estimand: in the English report only (ATT in both)
        assert (r.estimand in body) == (lang == "en" or r.estimand == "ATT"), r.estimand
    # the outcome of another design brings none of its assumptions
    absent = {"nb": "parallelle trender", "en": "parallel trends"}
    assert absent[lang] not in body and absent[other] not in body
    # software and the grade
    assert "statsmodels" in body and "numpy" in body and "pandas" in body
    assert ("Evidensnivå" if lang == "nb" else "Evidence level") in body


def test_friskgarden_methods_name_every_panel_design(friskgarden) -> None:
    plan, res = friskgarden
    for lang, words in (("nb", "parallelle trender"), ("en", "parallel trends")):
        body = _text(appendix_module.methods_section(plan, res, lang).body)
        assert words in body
        for o in plan.outcomes:
            assert t(f"design_{o.design}", lang) in body
        assert "før-trend p = 0,4" in body if lang == "nb" else "pre-trend p = 0.4" in body


def test_every_design_has_sources_assumptions_and_an_estimand() -> None:
    for design in set(BASE_LEVEL) - {"rct"}:
        assert DESIGN_REFERENCES[design], design
        assert set(DESIGN_REFERENCES[design]) <= set(REFERENCES)
        assert method_notes.ASSUMPTIONS[design] and design in method_notes.ESTIMANDS


@pytest.mark.parametrize("slug", ["utstyrsbu", "noen"])
def test_references_list_every_design_and_proxy_used_and_nothing_else(cases, slug: str) -> None:
    _, plan, res, valued = cases[slug]
    refs = reference_list(plan, res, valued)
    joined = "\n".join(refs)
    used = {plan.outcome(oid).design for oid in res}
    for design, authors in DESIGN_AUTHORS.items():
        for a in authors:
            assert (a in joined) == (design in used), (design, a)
    assert "Sherman, L. W." in joined and "A guide to social return on investment" in joined
    assert "R-109/2021" in joined  # both cases have a cost–benefit view
    # proxies: the bank's full citation of every proxy in the value map, and of no other
    bank = load_value_bank().set_index("id")
    mapped = valued.scenario.impact_map if valued.scenario is not None else valued.impact_map
    proxies = {p for p in mapped.table["proxy_id"] if isinstance(p, str) and p}
    assert proxies
    for pid, row in bank.iterrows():
        assert any(row["source"] in r for r in refs) == (pid in proxies), pid
    assert refs == sorted(refs, key=str.casefold) and len(refs) == len(set(refs))


def test_friskgarden_without_value_lists_no_value_guide_and_every_design(friskgarden) -> None:
    plan, res = friskgarden
    joined = "\n".join(reference_list(plan, res, None))
    for design, authors in DESIGN_AUTHORS.items():
        for a in authors:
            assert (a in joined) == (design in {o.design for o in plan.outcomes}), (design, a)
    assert "social return" not in joined and "R-109" not in joined


def test_options_add_their_sources() -> None:
    assert "cameron_gelbach_miller_2008" in design_references("did", {"se": "wild"})
    assert "mackinnon_webb_2020" in design_references("did", {"se": "ri"})
    assert "mackinnon_webb_2020" not in design_references("did", {})
    assert "newey_west_1987" in design_references("its", {"cov": "hac"})
    assert "santanna_zhao_2020" in design_references("weighting", {}, method="weighting_dr")
    assert "santanna_zhao_2020" not in design_references(
        "weighting", {"method": "ipw"}, method="weighting_ipw"
    )


@pytest.mark.parametrize("slug", ["utstyrsbu", "noen"])
def test_provenance_hashes_equal_hand_hashes_of_plan_and_inputs(cases, slug: str) -> None:
    proj, plan, res, valued = cases[slug]
    prov = provenance(plan, proj)
    plan_file = proj.root / "cases" / f"{slug}.yaml"
    assert prov["plan_sha256"] == hashlib.sha256(plan_file.read_bytes()).hexdigest()
    files = [s for s in prov["inputs"] if (proj.root / "data" / "raw" / slug / s["name"]).is_file()]
    assert files
    for s in files:
        path = proj.root / "data" / "raw" / slug / s["name"]
        assert s["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest(), s["name"]
    assert prov["seed"] == plan.seed
    assert prov["commit"] is None  # a temporary folder is no git checkout: said, never an error
    now = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    for lang, words in (("nb", "ikke en git-kopi"), ("en", "not a git checkout")):
        body = _text(appendix(plan, proj, res, valued, lang, now=now).body)
        assert words in body and "2026-01-02T03:04:05Z" in body and prov["plan_sha256"] in body
        assert all(s["sha256"] in body for s in prov["inputs"])


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_state_names_the_commit_and_a_dirty_checkout(tmp_path: Path) -> None:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()

    git("init", "-q")
    (tmp_path / "a.txt").write_text("1", encoding="utf-8")
    git("add", "a.txt")
    git("commit", "-qm", "one")
    head = git("rev-parse", "HEAD")
    assert appendix_module.git_state(tmp_path) == {"commit": head, "dirty": False}
    (tmp_path / "a.txt").write_text("2", encoding="utf-8")
    assert appendix_module.git_state(tmp_path) == {"commit": head, "dirty": True}
    assert appendix_module.git_state(tmp_path / "missing") == {"commit": None, "dirty": None}


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_markup_in_labels_and_diagnostics_is_escaped(cases, lang: str) -> None:
    proj, plan, res, valued = cases["utstyrsbu"]
    evil = "<script>alert(1)</script>"
    oid = next(iter(res))
    o = plan.outcome(oid)
    bad = o.model_copy(update={"label": o.label.model_copy(update={"nb": evil, "en": evil})})
    bad_plan = plan.model_copy(update={"outcomes": [bad if x.id == oid else x for x in plan.outcomes]})
    bad_res = {**res, oid: _fake(detail=evil)}
    body = appendix(bad_plan, proj, bad_res, valued, lang).body
    assert "<script" not in body
    assert html.escape(evil) in body


def test_case_report_notebook_ends_with_the_appendix_and_the_portfolio_has_none() -> None:
    import nbformat

    case_nb = nbformat.read(ROOT / "notebooks" / "40_report.ipynb", as_version=4)
    last = case_nb.cells[-1]
    assert last.cell_type == "code" and "report.appendix(plan, project, results, valued, lang)" in last.source
    assert sum("report.appendix(" in c.source for c in case_nb.cells) == 1
    portfolio = nbformat.read(ROOT / "notebooks" / "50_portfolio.ipynb", as_version=4)
    assert not any("appendix" in c.source for c in portfolio.cells)


def test_estimand_names_its_abbreviation_once() -> None:
    """A design whose words already end in "(ATT)" is not given a second "(ATT)" (seen in the nb
    reports of #10)."""
    from fou_analysis.report.appendix import _estimand
    from fou_analysis.report.method_notes import ESTIMANDS

    for lang in ("nb", "en"):
        text = _estimand(ESTIMANDS["did"], "ATT", lang)
        assert text.count("(ATT)") == 1, text
    assert _estimand(("effekt", "effect"), "ATT", "en") == "effect (ATT)"
