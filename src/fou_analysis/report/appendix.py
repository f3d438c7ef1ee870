"""The reviewer appendix of a case report: methods, references and provenance.

Three parts, each built only from what the report already holds (nothing is re-estimated):

* **Methods** (:func:`methods_section`): per outcome the design in the report language, the
  estimand, the assumptions the design rests on (:data:`ASSUMPTIONS`), every diagnostic with
  its value and verdict, how the interval was computed, the evidence grade
  (:mod:`fou_analysis.effects.evidence`) and the estimator's sources; then the software versions.
* **References** (:func:`reference_list`): the full citation of every source the report used —
  the designs' (:mod:`fou_analysis.report.references`), the evidence scale, the SROI guide and
  R-109 when the report values outcomes, and each value-bank proxy of the value map — sorted by
  author. Sources of designs the report does not use are not listed.
* **Provenance** (:func:`provenance`): git commit and dirty flag of the project root, package
  versions, the plan's SHA-256, the input files with their SHA-256 (as recorded when the tables
  were prepared, :func:`fou_analysis.pipeline.data_sources`), the seed and the run time (UTC).
  The run time appears only here, in the report: result tables stay byte-for-byte reproducible.

Every text exists in bokmål and English; all text from plans, data and results is escaped.
Hand-written: it arranges the package's own results; no library holds these tables.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import platform
import subprocess
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from fou_analysis.config import CasePlan, Project
from fou_analysis.effects.evidence import grade
from fou_analysis.formatting import check_lang
from fou_analysis.report.html_safety import escape, table_html
from fou_analysis.report.method_notes import ESTIMANDS, _pick, design_assumptions, inference_text
from fou_analysis.report.references import (
    CBA_REFERENCES,
    EVIDENCE_REFERENCES,
    REFERENCES,
    SROI_REFERENCES,
    design_references,
)
from fou_analysis.report.sections import VERDICT_MARK, Html, _fmt_value
from fou_analysis.report.text import t

#: Distributions whose versions a reviewer needs to re-run the analysis.
PACKAGES: tuple[str, ...] = ("fou-analysis", "statsmodels", "numpy", "pandas", "scipy")


def software_versions() -> dict[str, str]:
    """Versions of Python and of :data:`PACKAGES` (``"not installed"`` when one is missing)."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            if name == "fou-analysis":
                from fou_analysis import __version__

                out[name] = __version__
            else:
                out[name] = "not installed"
    return out


def _software_line(versions: Mapping[str, str]) -> str:
    return ", ".join(f"{k} {v}" for k, v in versions.items())


def _diagnostics_frame(result: Any, lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                t("check", lang): d.label(lang),
                t("value", lang): _fmt_value(d.value_text(lang), lang),
                t("verdict", lang): f"{VERDICT_MARK.get(d.verdict, '')} {t('verdict_' + d.verdict, lang)}",
                t("meaning", lang): d.text(lang),
            }
            for d in getattr(result, "diagnostics", ())
        ],
        columns=[t("check", lang), t("value", lang), t("verdict", lang), t("meaning", lang)],
    )


def _short(ref_id: str) -> str:
    # "Abadie, A., Diamond, A. & Hainmueller, J. (2010). ..." -> "Abadie, A., Diamond, A. & Hainmueller, J. (2010)"
    return REFERENCES[ref_id].split(").", 1)[0] + ")"


def _estimand(words: tuple[str, str] | None, own: str, lang: str) -> str:
    # The estimator's own term is English: a Norwegian report keeps it only when it is an
    # abbreviation (ATT, ATE) a reader meets in the literature.
    if words is None:
        return own
    text = _pick(words, lang)
    if f"({own})" in text:  # the words already end with the abbreviation: no "(ATT) (ATT)"
        return text
    if lang == "en" or (own.isupper() and own.isalpha()):
        return f"{text} ({own})"
    return text


def methods_section(plan: CasePlan, results: Mapping[str, Any], lang: str) -> Html:
    """Per outcome: design, estimand, assumptions, diagnostics, inference, grade and sources.

    Parameters
    ----------
    plan
        The case plan (designs, arguments and labels of the outcomes).
    results
        Effect results by outcome id, as ``pipeline.estimate`` returns them.
    lang
        ``"nb"`` or ``"en"``.
    """
    check_lang(lang)
    nb = lang == "nb"
    parts = [f"<h3>{'Metoder' if nb else 'Methods'}</h3>"]
    for oid, res in results.items():
        o = plan.outcome(oid)
        design = o.design
        label = o.label.get(lang)
        estimand = ESTIMANDS.get(design)
        est = _estimand(estimand, str(res.estimand), lang)
        g = grade(res, design)
        assumptions = "".join(
            f"<li>{escape(_pick(a, lang))}</li>" for a in design_assumptions(design, o.args)
        )
        refs = "; ".join(
            _short(r) for r in design_references(design, o.args, str(res.method), se=_se_used(res))
        )
        module = f"fou_analysis.effects.{design} ({res.method})"
        parts.append(f"<h4>{escape(label)}</h4><dl>")
        for term, value in (
            (t("design", lang), f"{t('design_' + design, lang)} – {module}"),
            ("Estimand", est),
            ("Inferens" if nb else "Inference", inference_text(design, res, o.args, lang)),
            ("Evidensgrad" if nb else "Evidence grade", f"{g.label(lang)}. {g.meaning(lang)}"),
            ("Kilder" if nb else "Sources", refs or "–"),
        ):
            parts.append(f"<dt>{escape(term)}</dt><dd>{escape(value)}</dd>")
        parts.append(
            f"<dt>{escape(t('assumptions', lang))}</dt><dd><ul>{assumptions}</ul></dd></dl>"
            f"<p><i>{'Kontroller' if nb else 'Diagnostics'}</i></p>"
            + table_html(_diagnostics_frame(res, lang))
        )
    parts.append(
        f"<p><b>{'Programvare' if nb else 'Software'}:</b> {escape(_software_line(software_versions()))}</p>"
    )
    return Html("".join(parts))


def _se_used(res: Any) -> str:
    """The standard-error option a result was computed with, where it keeps one (``did``)."""
    return str(getattr(res, "se_type", None) or "")


def reference_ids(plan: CasePlan, results: Mapping[str, Any], valued: Any = None) -> list[str]:
    """Ids in :data:`~fou_analysis.report.references.REFERENCES` that this report uses."""
    ids: list[str] = []
    for oid, res in results.items():
        o = plan.outcome(oid)
        ids += design_references(o.design, o.args, str(getattr(res, "method", "")), se=_se_used(res))
    if results:
        ids += EVIDENCE_REFERENCES
    if valued is not None:
        ids += SROI_REFERENCES
        if getattr(valued, "cba", None) is not None:
            ids += CBA_REFERENCES
    return list(dict.fromkeys(ids))


def proxy_citations(valued: Any) -> list[str]:
    """The full citation of every proxy in the value map (the scenario map when there is one)."""
    if valued is None:
        return []
    sc = getattr(valued, "scenario", None)
    impact_map = sc.impact_map if sc is not None else valued.impact_map
    sources = impact_map.table.get("proxy_source", pd.Series(dtype=object))
    return list(dict.fromkeys(str(s).strip() for s in sources if isinstance(s, str) and s.strip()))


def reference_list(plan: CasePlan, results: Mapping[str, Any], valued: Any = None) -> list[str]:
    """Full citations of every source this report used, sorted by author (no duplicates)."""
    cites = [REFERENCES[i] for i in reference_ids(plan, results, valued)] + proxy_citations(valued)
    return sorted(dict.fromkeys(cites), key=str.casefold)


def references_section(plan: CasePlan, results: Mapping[str, Any], valued: Any, lang: str) -> Html:
    """The reference list as HTML (escaped)."""
    check_lang(lang)
    items = "".join(f"<li>{escape(c)}</li>" for c in reference_list(plan, results, valued))
    return Html(f"<h3>{'Referanser' if lang == 'nb' else 'References'}</h3><ul>{items}</ul>")


def _git(root: Path, *args: str) -> str | None:
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"}
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=20, env=env, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def git_state(root: str | Path) -> dict[str, Any]:
    """Commit and dirty flag of a project root; ``commit`` is ``None`` when it is no git checkout.

    Never raises: a missing ``git`` or a folder outside any repository gives ``None``. ``dirty``
    counts changes to tracked files only (outputs a run writes are untracked or ignored).
    """
    root = Path(root)
    commit = _git(root, "rev-parse", "HEAD") if root.is_dir() else None
    if not commit:
        return {"commit": None, "dirty": None}
    status = _git(root, "status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": None if status is None else bool(status)}


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def provenance(plan: CasePlan, project: Project, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """Everything a reviewer needs to tie the report to its code, plan, inputs and run.

    Returns
    -------
    dict
        ``commit``, ``dirty`` (see :func:`git_state`), ``versions`` (:func:`software_versions`),
        ``plan_file``, ``plan_sha256``, ``inputs`` (``name``, ``sha256``, ``demo``, ``changed``
        per raw source, from :func:`fou_analysis.pipeline.data_sources`), ``seed`` and
        ``run_time`` (UTC, ISO 8601 to the second).
    """
    from fou_analysis import pipeline

    plan_file = project.case_file(plan.slug)
    inputs = [
        {k: s.get(k) for k in ("name", "sha256", "demo", "changed")}
        for s in pipeline.data_sources(plan, project)
    ]
    when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    return {
        **git_state(project.root),
        "versions": software_versions(),
        "plan_file": f"cases/{plan_file.name}",
        "plan_sha256": _sha256(plan_file),
        "inputs": inputs,
        "seed": plan.seed,
        "run_time": when.isoformat().replace("+00:00", "Z"),
    }


def provenance_table(prov: Mapping[str, Any], lang: str) -> pd.DataFrame:
    """The provenance as a two-column table in the report language."""
    check_lang(lang)
    nb = lang == "nb"
    if prov.get("commit"):
        dirty = prov.get("dirty")
        state = (
            ("med ulagrede endringer" if nb else "with uncommitted changes")
            if dirty
            else ("uten ulagrede endringer" if nb else "no uncommitted changes")
            if dirty is False
            else ("ukjent status" if nb else "status unknown")
        )
        commit = f"{prov['commit']} ({state})"
    else:
        commit = "ikke en git-kopi" if nb else "not a git checkout"
    rows = [
        ("Git-commit" if nb else "Git commit", commit),
        ("Programvare" if nb else "Software", _software_line(prov.get("versions", {}))),
        (f"{'Plan' if nb else 'Plan'} ({prov.get('plan_file')}) SHA-256", prov.get("plan_sha256") or "–"),
    ]
    for s in prov.get("inputs", ()):
        flags = []
        if s.get("demo"):
            flags.append("demodata" if nb else "demo data")
        if s.get("changed"):
            flags.append("endret siden bruk" if nb else "changed since used")
        extra = f" ({', '.join(flags)})" if flags else ""
        rows.append(
            (f"{'Inndata' if nb else 'Input'}: {s.get('name')}{extra} SHA-256", s.get("sha256") or "–")
        )
    rows += [
        ("Frø (seed)" if nb else "Seed", str(prov.get("seed"))),
        ("Kjøretidspunkt (UTC)" if nb else "Run time (UTC)", str(prov.get("run_time"))),
    ]
    return pd.DataFrame(rows, columns=["Hva" if nb else "What", "Verdi" if nb else "Value"])


def provenance_section(
    plan: CasePlan, project: Project, lang: str, *, now: dt.datetime | None = None
) -> Html:
    """The provenance block as HTML (escaped)."""
    title = "Sporbarhet" if lang == "nb" else "Provenance"
    return Html(f"<h3>{title}</h3>" + table_html(provenance_table(provenance(plan, project, now=now), lang)))


def appendix(
    plan: CasePlan,
    project: Project,
    results: Mapping[str, Any],
    valued: Any,
    lang: str,
    *,
    now: dt.datetime | None = None,
) -> Html:
    """The whole reviewer appendix: methods, references and provenance.

    Parameters
    ----------
    plan, project
        The case plan and its project (the plan file and prepared tables' provenance are read).
    results
        Effect results by outcome id.
    valued
        The value outputs (``pipeline.valuate``), or ``None`` when the plan values nothing.
    lang
        ``"nb"`` or ``"en"``.
    now
        Run time to show (default: now, UTC).
    """
    check_lang(lang)
    title = (
        "Vedlegg: metoder, referanser og sporbarhet"
        if lang == "nb"
        else ("Appendix: methods, references and provenance")
    )
    body = (
        f"<h2>{title}</h2>"
        + methods_section(plan, results, lang).body
        + references_section(plan, results, valued, lang).body
        + provenance_section(plan, project, lang, now=now).body
    )
    return Html(f'<div class="fou-appendix">{body}</div>')


__all__ = [
    "PACKAGES",
    "appendix",
    "git_state",
    "methods_section",
    "provenance",
    "provenance_section",
    "provenance_table",
    "proxy_citations",
    "reference_ids",
    "reference_list",
    "references_section",
    "software_versions",
]
