"""The estimate stage uses randomisation inference for ``did`` when there is one treated cluster.

A small synthetic panel (14 municipalities × 8 years, one municipality treated from year 5) run
through the pipeline as a plan: without ``se`` in the plan the result's inference is RI with a
note in nb and en; ``se: cluster`` in the plan keeps the cluster-robust standard error and its
warning. ``fou validate`` accepts the plan.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from fou_analysis import pipeline
from fou_analysis.config import Project, load_plan, parse_plan
from fou_analysis.effects.did import NOTE_RI_DEFAULT
from fou_analysis.pipeline.stages import estimate_outcome
from fou_analysis.report.appendix import methods_section, reference_ids
from fou_analysis.validate import validate_case

ROOT = Path(__file__).resolve().parents[1]
SLUG = "enkommune"
N_MUNI, N_YEARS, START = 14, 8, 5


def _panel(seed: int = 5) -> pd.DataFrame:
    """Municipality × year; municipality 0 treated from year START with effect 2.0."""
    rng = np.random.default_rng(seed)
    m = np.repeat(np.arange(N_MUNI), N_YEARS)
    y = np.tile(np.arange(1, N_YEARS + 1), N_MUNI)
    d = ((m == 0) & (y >= START)).astype(int)
    out = rng.normal(size=N_MUNI)[m] + 0.3 * y + rng.normal(scale=0.5, size=m.size) + 2.0 * d
    return pd.DataFrame({"kommune_id": [f"K{i:02d}" for i in m], "aar": y, "behandlet": d, "utfall": out})


def _plan_dict(**did_args: Any) -> dict[str, Any]:
    """The jtrain plan's descriptive parts with one raw file, one table and one ``did`` outcome."""
    base = yaml.safe_load((ROOT / "tests/cases/jtrain/cases/jtrain.yaml").read_text(encoding="utf-8"))
    args = {"outcome": "utfall", "treated": "behandlet", "post": None, "unit": "kommune_id", "time": "aar"}
    base.update(
        slug=SLUG,
        raw=[{"id": "kommunedata", "path": "kommunedata.csv", "format": "csv", "personal_data": False}],
        tables=[
            {
                "id": "panel",
                "recipe": "tidy",
                "sources": ["kommunedata"],
                "params": {"keys": ["kommune_id", "aar"]},
            }
        ],
        outcomes=[
            {
                "id": "utfall",
                "label": {"nb": "utfall", "en": "outcome"},
                "indicator": {"nb": "et tall", "en": "a number"},
                "table": "panel",
                "design": "did",
                "args": {**args, **did_args},
            }
        ],
        describe=[],
    )
    return base


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("ri_default")
    (root / "cases").mkdir()
    (root / "cases" / f"{SLUG}.yaml").write_text(
        yaml.safe_dump(_plan_dict(), allow_unicode=True), encoding="utf-8"
    )
    raw = root / "data" / "raw" / SLUG
    raw.mkdir(parents=True)
    _panel().to_csv(raw / "kommunedata.csv", index=False)
    return Project.at(root)


def _estimate(**did_args: Any) -> Any:
    plan = parse_plan(_plan_dict(**did_args))
    return plan, estimate_outcome(plan, "utfall", {"panel": _panel()})


def test_fou_validate_accepts_the_plan(project: Project) -> None:
    assert validate_case(SLUG, project=project) == []


def test_one_treated_municipality_without_se_is_estimated_by_randomisation_inference(
    project: Project,
) -> None:
    plan = load_plan(SLUG, project=project)
    prepared = pipeline.prepare(plan, project, write=False)
    res = pipeline.estimate(plan, project, tables=prepared.tables, write=False)["utfall"]
    assert res.se_type == "ri" and res.inference["dist"] == "ri"
    # one treated among 14 clusters: every assignment enumerated, p at least 1/14
    assert res.ri["enumerated"] and res.ri["reps"] == N_MUNI
    assert res.p_value >= 1 / N_MUNI - 1e-12
    assert res.p_value == pytest.approx(res.ri["p_value"])
    assert NOTE_RI_DEFAULT in res.notes
    en, nb = res.summary("en").notes, res.summary("nb").notes
    assert any("randomisation inference" in n and "MacKinnon & Webb 2017" in n for n in en)
    assert any("randomiseringsinferens" in n and "MacKinnon & Webb 2017" in n for n in nb)
    assert not any(n == NOTE_RI_DEFAULT for n in nb)  # translated, not the English text
    # RI is the remedy here, so the few-clusters check warns instead of failing
    diag = {d.name: d for d in res.diagnostics}
    assert diag["treated_clusters"].verdict == "warn" and "randomiseringsinferens" in diag[
        "treated_clusters"
    ].text("nb")


def test_the_cluster_robust_fit_is_what_ri_replaces() -> None:
    """Same estimate and se as the cluster-robust fit; only the p-value and interval differ."""
    _, ri = _estimate()
    _, cl = _estimate(se="cluster")
    assert ri.estimate == pytest.approx(cl.estimate, rel=1e-12) and ri.se == pytest.approx(cl.se, rel=1e-12)
    assert ri.ci != pytest.approx(cl.ci)


def test_explicit_cluster_se_in_the_plan_wins_and_keeps_the_warning() -> None:
    _, res = _estimate(se="cluster")
    assert res.se_type == "cluster" and res.inference["dist"] == "t"
    assert NOTE_RI_DEFAULT not in res.notes
    diag = {d.name: d for d in res.diagnostics}
    assert diag["treated_clusters"].verdict == "fail" and "se='ri'" in diag["treated_clusters"].detail


def test_many_treated_municipalities_keep_the_cluster_default() -> None:
    plan = parse_plan(_plan_dict())
    panel = _panel().assign(behandlet=lambda d: ((d["kommune_id"] < "K07") & (d["aar"] >= START)).astype(int))
    res = estimate_outcome(plan, "utfall", {"panel": panel})
    assert res.se_type == "cluster" and NOTE_RI_DEFAULT not in res.notes


def test_a_2x2_plan_without_unit_and_time_keeps_cluster_se() -> None:
    """RI needs two-way fixed effects; the 2×2 model keeps its cluster-robust result and warning."""
    plan = parse_plan(_plan_dict(post="etter", unit=None, time=None, cluster="kommune_id"))
    panel = _panel().assign(
        behandlet=lambda d: (d["kommune_id"] == "K00").astype(int), etter=lambda d: d["aar"] >= START
    )
    panel["etter"] = panel["etter"].astype(int)
    res = estimate_outcome(plan, "utfall", {"panel": panel})
    assert res.se_type == "cluster" and NOTE_RI_DEFAULT not in res.notes
    assert {d.name: d.verdict for d in res.diagnostics}["treated_clusters"] == "fail"


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_appendix_names_randomisation_inference_and_its_source(lang: str) -> None:
    plan, res = _estimate()
    html = str(methods_section(plan, {"utfall": res}, lang))
    inference = re.search(r"<dt>Inferen[cs]e?</dt><dd>(.*?)</dd>", html).group(1)
    assert inference.startswith("randomiseringsinferens" if lang == "nb" else "randomisation inference")
    assert "CRVE" not in inference
    assert "mackinnon_webb_2020" in reference_ids(plan, {"utfall": res})
