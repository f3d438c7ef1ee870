"""Issue #9.1 end to end: a real `fou run` of a case whose plan and data carry script payloads
(case name, partner name, logic model, outcome label, a data category, a raw file name) writes a
report in which none of them is live, with the Content-Security-Policy and no script at all."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from fou_analysis import demo

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def report_html(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(ROOT / "cases", root / "cases")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    demo.write_demo(root, cases=["noen"])
    raw = root / "data" / "raw" / "noen"
    # a data category: men are coded with the payload
    with (raw / "tjenestedata.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    k = rows[0].index("kjonn")
    for r in rows[1:]:
        r[k] = IMG if r[k] == "M" else r[k]
    hostile_name = f"{IMG}.csv"  # a raw file name (shown in the cleaning table)
    with (raw / hostile_name).open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(rows)
    (raw / "tjenestedata.csv").unlink()
    plan_path = root / "cases" / "noen.yaml"
    plan = yaml.safe_load(plan_path.read_text(encoding="utf-8"))
    plan["name"] = {"nb": f"Noen {SCRIPT}", "en": f"Noen {SCRIPT}"}
    plan["partners"][0]["name"] = f"Steinkjer {IMG}"
    plan["logic_model"]["inputs"][0] = {"nb": SCRIPT, "en": SCRIPT}
    plan["outcomes"][0]["label"] = {"nb": f"belastning {IMG}", "en": f"burden {IMG}"}
    plan["raw"][0]["path"] = hostile_name
    plan["raw"][0]["columns"]["kjonn"]["allowed"] = ["K", IMG]
    plan_path.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    res = subprocess.run(
        [sys.executable, "-m", "fou_analysis.cli", "run", "noen", "--root", str(root), "--lang", "en"],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert res.returncode == 0, res.stderr[-3000:]
    return (root / "reports" / "noen" / "report.en.html").read_text(encoding="utf-8")


def test_no_payload_is_live_in_the_report(report_html: str) -> None:
    soup = BeautifulSoup(report_html, "html.parser")
    assert soup.find_all("script") == []  # the report needs none, so none is allowed
    handlers = [(t.name, a) for t in soup.find_all(True) for a in t.attrs if a.lower().startswith("on")]
    assert handlers == []
    assert soup.find_all("img", src="x") == []


def test_every_payload_is_shown_as_text(report_html: str) -> None:
    text = BeautifulSoup(report_html, "html.parser").get_text()
    assert f"Noen {SCRIPT}" in text  # case name
    assert f"Steinkjer {IMG}" in text  # partner
    assert f"burden {IMG}" in text or f"Burden {IMG}" in text  # outcome label
    assert f"{IMG}.csv" in text  # raw file name in the cleaning table
    assert text.count(SCRIPT) >= 2 and text.count(IMG) >= 4  # logic model, data category, ...


def test_the_report_has_the_policy_and_needs_no_network(report_html: str) -> None:
    soup = BeautifulSoup(report_html, "html.parser")
    meta = soup.head.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert meta is not None and "default-src 'none'" in meta["content"]
    assert "cdnjs" not in report_html and "require.min.js" not in report_html
    assert len(soup.find_all("img", src=lambda s: s and s.startswith("data:image/png"))) >= 3  # figures
