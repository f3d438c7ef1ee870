"""Issue #9.1: text from plans and data never reaches a report as live markup.

Every table and HTML fragment of the report and the portfolio is rendered from a plan and
results that carry ``<script>`` and ``<img onerror>`` payloads, then parsed: no ``<script>``
element and no ``on*`` attribute may come out, and the payload must still be there as text
(so the test fails if a section silently drops it instead of escaping it). BeautifulSoup comes
with nbconvert (its dependency), so parsing needs nothing beyond the package's own requirements.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup

from fou_analysis import report
from fou_analysis.clean.log import CleaningLog
from fou_analysis.config import Project, parse_plan
from fou_analysis.effects._result import Diagnostic, EffectResult, Labels
from fou_analysis.framework import portfolio
from fou_analysis.report import html_safety

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


def live_markup(document: str) -> list[str]:
    """Every ``<script>`` element and ``on*`` attribute in an HTML document."""
    soup = BeautifulSoup(document, "html.parser")
    found = [str(s) for s in soup.find_all("script")]
    for tag in soup.find_all(True):
        found += [f"{tag.name} {a}" for a in tag.attrs if a.lower().startswith("on")]
    return found


def text_of(document: str) -> str:
    return BeautifulSoup(document, "html.parser").get_text()


def hostile_plan() -> object:
    data = yaml.safe_load((ROOT / "cases" / "noen.yaml").read_text(encoding="utf-8"))
    data["name"] = {"nb": f"Tiltak {SCRIPT}", "en": f"Initiative {IMG}"}
    data["sector"] = {"nb": IMG, "en": IMG}
    data["partners"][0]["name"] = f"Kommune {IMG}"
    data["logic_model"]["inputs"][0] = {"nb": SCRIPT, "en": SCRIPT}
    data["logic_model"]["outcomes"][0] = {"nb": IMG, "en": IMG}
    data["outcomes"][0]["label"] = {"nb": f"utfall {SCRIPT}", "en": f"outcome {IMG}"}
    data["outcomes"][0]["indicator"] = {"nb": IMG, "en": IMG}
    return parse_plan(data, source="hostile.yaml")


def hostile_result(plan: object) -> EffectResult:
    o = plan.outcomes[0]
    return EffectResult(
        method="weighting",
        estimand="ATT",
        outcome=f"zbi {SCRIPT}",
        estimate=-2.0,
        se=1.0,
        ci=(-4.0, 0.0),
        p_value=0.05,
        n=100,
        diagnostics=(Diagnostic(f"balance {IMG}", f"value {SCRIPT}", "fail", detail=IMG, detail_nb=IMG),),
        notes=(f"note {SCRIPT}",),
        labels=Labels(outcome={"nb": o.label.nb, "en": o.label.en}, unit={"nb": IMG, "en": IMG}),
    )


def rendered_report(plan: object, lang: str, tmp_path: Path) -> list[tuple[str, str]]:
    """Every section of 40_report and 50_portfolio that can carry plan or data text, as HTML."""
    res = hostile_result(plan)
    results = {plan.outcomes[0].id: res}
    log = CleaningLog()
    log.add(f"data/raw/noen/{IMG}.csv", f"step {SCRIPT}", rows_in=10, rows_out=8, reason=f"why {IMG}")
    reliab = {f"zbi {SCRIPT}": SimpleNamespace(n=50, k=12, alpha=0.8, alpha_ci=(0.7, 0.9), omega_total=0.82)}
    descr = pd.DataFrame({"gruppe": ["Noen"] * 12 + [SCRIPT] * 14, "kjonn": [IMG, "K"] * 13})
    (tmp_path / "cases").mkdir(exist_ok=True)
    (tmp_path / "cases" / "portfolio.yaml").write_text(
        yaml.safe_dump(
            {
                "initiatives": [
                    {
                        "slug": "hostile",
                        "name": SCRIPT,
                        "municipality": ["5006"],
                        "sector": "helse_omsorg",
                        "partners": [IMG],
                        "stage": "ide",
                        "story": {"nb": SCRIPT, "en": IMG},
                        "contact_role": IMG,
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    overview = [portfolio.CaseOverview("noen", plan, results, None, barometer=hostile_barometer())]
    return [
        ("header", str(report.header(plan, lang))),
        ("first_screen", str(report.first_screen(plan, results, None, lang))),
        ("about_case", str(report.about_case(plan, lang))),
        ("headline_summary", str(report.headline_summary(plan, results, None, lang))),
        ("logic_model", report.style_table(report.logic_model_table(plan, lang)).to_html()),
        ("cleaning", report.style_table(report.cleaning_table(log, lang)).to_html()),
        ("descriptive", str(report.descriptive_section(plan, {"followup": descr}, lang))),
        ("reliability", report.style_table(report.reliability_table(reliab, lang)).to_html()),
        ("effects", report.style_table(report.graded_effects_table(results, plan, lang)).to_html()),
        ("outcome_box", str(report.graded_outcome_box(res, plan, plan.outcomes[0].id, lang))),
        ("diagnostics", report.style_table(report.diagnostics_table(res, lang)).to_html()),
        ("summary", res.summary(lang)._repr_html_()),
        ("portfolio", report.style_table(portfolio.table(overview, lang)).to_html()),
        ("portfolio_intro", portfolio.intro_html(overview, lang)),
        ("registry", report.style_table(portfolio.registry_table(Project.at(tmp_path), lang)).to_html()),
        *_registry_sections(Project.at(tmp_path), overview, lang),
    ]


def _registry_sections(project: Project, overview: list, lang: str) -> list[tuple[str, str]]:
    """The portfolio's registry sections (stage pipeline, domains, hand-over, cards, headlines)."""
    from fou_analysis.framework.registry import load_registry

    registry = load_registry(project)
    return [
        ("pipeline", portfolio.pipeline_html(registry, lang)),
        ("by_domain", report.style_table(portfolio.by_domain(registry, lang)).to_html()),
        ("by_sector", report.style_table(portfolio.by_sector(registry, lang)).to_html()),
        ("handover", report.style_table(portfolio.handover_table(registry, lang)).to_html()),
        ("cards", portfolio.initiative_cards_html(registry, lang)),
        ("headlines", portfolio.headlines_html(overview, lang)),
        ("barometer_overview", portfolio.barometer_overview_html(overview, lang)),
        ("barometer_table", report.style_table(portfolio.barometer_table(overview, lang)).to_html()),
    ]


def hostile_barometer() -> object:
    """A barometer whose partnership name is markup (four answers a side, every item)."""
    from fou_analysis import framework

    rows = [
        {
            "partnership": SCRIPT,
            "side": side,
            "respondent": f"{side}{r}",
            "item": item,
            "score": 1 + (r + k) % 5,
        }
        for side in ("kommune", "partner")
        for r in range(4)
        for k, item in enumerate(framework.BAROMETER_ITEMS)
    ]
    return framework.barometer(pd.DataFrame(rows))


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_no_payload_is_live_in_any_section(lang: str, tmp_path: Path) -> None:
    plan = hostile_plan()
    sections = rendered_report(plan, lang, tmp_path)
    for name, document in sections:
        assert live_markup(document) == [], name
    everything = text_of("".join(d for _, d in sections))
    # still there, as text: escaped, not dropped
    assert everything.count(SCRIPT) >= 8 and everything.count(IMG) >= 8


def test_the_check_detects_an_unescaped_styler() -> None:
    # The failure this fixes: a plain Styler passes plan text through as markup.
    df = report.logic_model_table(hostile_plan(), "en")
    assert live_markup(df.style.hide(axis="index").to_html())
    assert live_markup(report.style_table(df).to_html()) == []


def test_style_table_escapes_objects_labels_and_axis_names() -> None:
    df = pd.DataFrame({IMG: [[SCRIPT], SCRIPT.encode(), 1.5]}, index=[SCRIPT, "b", "c"])
    df.columns.name = SCRIPT
    df.index.name = IMG
    for index in (False, True):
        out = report.style_table(df, index=index).to_html()
        assert live_markup(out) == []
        assert SCRIPT in text_of(out)


def test_add_csp_removes_scripts_and_forbids_them() -> None:
    doc = (
        "<html><head><title>r</title>"
        '<script src="https://cdnjs.cloudflare.com/x.js"></script>'
        '<SCRIPT type="module">import("https://x")</SCRIPT></head>'
        "<body><p>text</p><script>\nalert(1)\n</script ></body></html>"
    )
    out = html_safety.add_csp(doc)
    soup = BeautifulSoup(out, "html.parser")
    assert soup.find_all("script") == []
    meta = soup.head.find("meta")  # the first element of <head>: it covers everything after it
    assert meta is soup.head.contents[0]
    assert meta["http-equiv"] == "Content-Security-Policy"
    policy = dict(p.strip().split(" ", 1) for p in meta["content"].split(";"))
    assert policy["default-src"] == "'none'"  # no script-src: scripts fall back to 'none'
    assert "script-src" not in policy and policy["img-src"] == "data:"
    assert "cdnjs" not in out and soup.body.p.get_text() == "text"


def test_exported_notebook_has_csp_and_no_script(tmp_path: Path) -> None:
    import nbformat

    from fou_analysis.report.runner import export_html

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"text/html": report.style_table(report.logic_model_table(hostile_plan(), "en")).to_html()},
        )
    ]
    nb.cells.append(cell)
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    out = export_html(path, hide_code=True)
    assert live_markup(out) == []
    assert 'http-equiv="Content-Security-Policy"' in out
    assert SCRIPT in text_of(out)


def test_a_dollar_in_a_file_name_is_drawn_as_text() -> None:
    import io

    import matplotlib as mpl
    import matplotlib.pyplot as plt

    log = CleaningLog()
    log.add("$\\nosuchcommand{x}$.csv", "step", rows_in=10, rows_out=8, reason="r")
    with mpl.rc_context():
        report.set_style()
        ax = report.cleaning_flow(log, "en")
        ax.figure.savefig(io.BytesIO(), format="png")  # mathtext would raise ValueError here
        mpl.rcParams["text.parse_math"] = True  # the check can fail: matplotlib's default
        ax = report.cleaning_flow(log, "en")
        with pytest.raises(ValueError):
            ax.figure.savefig(io.BytesIO(), format="png")
    plt.close("all")


def test_result_summaries_escape_their_text_and_tables() -> None:
    from fou_analysis.clean.reliability import ReliabilitySummary
    from fou_analysis.summary import Summary

    table = pd.DataFrame({IMG: [SCRIPT]})
    for summary in (
        Summary(title=SCRIPT, sentence=IMG, table=table, diagnostics=(("warn", SCRIPT),), notes=(IMG,)),
        ReliabilitySummary(title=SCRIPT, sentence=IMG, table=table, notes=(SCRIPT,)),
    ):
        out = summary._repr_html_()
        assert live_markup(out) == []
        assert text_of(out).count(SCRIPT) >= 2 and text_of(out).count(IMG) >= 2
