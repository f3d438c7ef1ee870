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
from fou_analysis.formatting import check_lang, format_number
from fou_analysis.report.html_safety import escape, table_html
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

#: The assumptions each design rests on (nb, en).
ASSUMPTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "prepost": (
        (
            "ingen sammenligningsgruppe: endringen er ikke en årsakseffekt (regresjon mot gjennomsnittet, "
            "modning og historie kan gi samme endring)",
            "no comparison group: the change is not a causal effect (regression to the mean, maturation "
            "and history can produce the same change)",
        ),
        (
            "de som bare svarte én gang, skiller seg ikke fra dem som svarte begge gangene (frafall)",
            "those who answered only once do not differ from those who answered both times (attrition)",
        ),
        ("samme måleinstrument før og etter", "the same instrument before and after"),
        (
            "omtrent normalfordelte endringer eller moderat n (t-intervallet)",
            "roughly normal changes or a moderate n (the t interval)",
        ),
    ),
    "did": (
        (
            "parallelle trender: uten tiltaket ville gruppene utviklet seg likt",
            "parallel trends: without the initiative the groups would have developed alike",
        ),
        ("ingen foregripelse (ingen effekt før start)", "no anticipation (no effect before the start)"),
        ("ingen smitte mellom gruppene (SUTVA)", "no spill-over between the groups (SUTVA)"),
        (
            "ved ulike startdatoer: samme effekt for alle kohorter (ellers forskjøvet DiD)",
            "with different start dates: the same effect for every cohort (else staggered DiD)",
        ),
    ),
    "event_study": (
        ("parallelle trender", "parallel trends"),
        (
            "ingen foregripelse utover referanseperioden",
            "no anticipation beyond the reference period",
        ),
        ("ingen smitte mellom enheter (SUTVA)", "no spill-over between units (SUTVA)"),
        (
            "samme effekt for alle startkohorter (Sun & Abraham 2021)",
            "the same effect for every adoption cohort (Sun & Abraham 2021)",
        ),
    ),
    "staggered_did": (
        (
            "parallelle trender for den valgte sammenligningsgruppen",
            "parallel trends for the chosen comparison group",
        ),
        (
            "ingen foregripelse utover det antall perioder planen oppgir",
            "no anticipation beyond the number of periods the plan states",
        ),
        (
            "tiltaket slås ikke av igjen (en gang behandlet, alltid behandlet)",
            "treatment does not switch off (once treated, always treated)",
        ),
        ("ingen smitte mellom enheter (SUTVA)", "no spill-over between units (SUTVA)"),
    ),
    "synthetic_control": (
        ("ingen foregripelse", "no anticipation"),
        ("ingen smitte til giverenhetene", "no spill-over to the donor units"),
        (
            "utviklingen uten tiltaket er en vektet blanding av givernes (innenfor deres konvekse hylster)",
            "the path without the initiative is a weighted mix of the donors' (inside their convex hull)",
        ),
        (
            "god tilpasning i en lang førperiode",
            "a good fit over a long pre-period",
        ),
        (
            "den behandlede enheten er utbyttbar med giverne (for permutasjonstesten)",
            "the treated unit is exchangeable with the donors (for the permutation test)",
        ),
    ),
    "synthetic_did": (
        (
            "alle behandlede starter samtidig og slutter ikke (blokkdesign)",
            "all treated units start at the same time and do not stop (block design)",
        ),
        ("ingen foregripelse", "no anticipation"),
        ("ingen smitte mellom enheter", "no interference between units"),
        (
            "vektede kontroller og perioder balanserer de behandlede opp til en konstant (faktormodell)",
            "weighted controls and periods balance the treated block up to a constant (factor model)",
        ),
    ),
    "its": (
        (
            "trenden (og sesongen) før tiltaket ville fortsatt uten tiltaket",
            "the trend (and season) before the initiative would have continued without it",
        ),
        (
            "ingen annen endring på samme tidspunkt (historie)",
            "no other change at the same time (history)",
        ),
        (
            "samme målemåte og befolkning gjennom hele serien",
            "the same measurement and population throughout the series",
        ),
        (
            "korrelasjonen i restleddene fanges av kovariansmodellen",
            "the residual correlation is captured by the covariance model",
        ),
    ),
    "weighting": (
        (
            "ingen umålt konfundering: alle felles årsaker til deltakelse og utfall er blant kovariatene",
            "no unmeasured confounding: every common cause of participation and outcome is a covariate",
        ),
        (
            "overlapp: alle kunne ha vært i begge grupper (0 < e(X) < 1)",
            "overlap: everyone could have been in either group (0 < e(X) < 1)",
        ),
        (
            "riktig tilbøyelighetsmodell (IPW) eller én av to riktige modeller (dobbelt robust)",
            "a correct propensity model (IPW) or either of two correct models (doubly robust)",
        ),
        ("ingen smitte mellom personer", "no interference between persons"),
    ),
    "survival": (
        (
            "proporsjonale hasarder (konstant hasardratio over tid)",
            "proportional hazards (a constant hazard ratio over time)",
        ),
        (
            "ikke-informativ sensurering (de som forsvinner ut, har samme prognose)",
            "non-informative censoring (those lost to follow-up have the same prognosis)",
        ),
        (
            "for en årsakstolkning: gruppene er sammenlignbare gitt kovariatene",
            "for a causal reading: the groups are comparable given the covariates",
        ),
    ),
}

#: What each design estimates, in words (nb, en); the estimator's own term follows in brackets.
ESTIMANDS: dict[str, tuple[str, str]] = {
    "prepost": ("gjennomsnittlig endring hos de samme personene", "mean change in the same people"),
    "did": ("gjennomsnittlig effekt for de behandlede (ATT)", "average effect on the treated (ATT)"),
    "event_study": (
        "gjennomsnitt av effektene etter start, periode for periode",
        "mean of the effects after the start, period by period",
    ),
    "staggered_did": (
        "gjennomsnittlig effekt for de behandlede, vektet over startkohorter",
        "average effect on the treated, weighted over adoption cohorts",
    ),
    "synthetic_control": (
        "gjennomsnittlig avvik fra den syntetiske kontrollen etter start",
        "mean gap to the synthetic control after the start",
    ),
    "synthetic_did": (
        "gjennomsnittlig effekt for de behandlede (vektet dobbel differanse)",
        "average effect on the treated (weighted double difference)",
    ),
    "its": ("nivåendring ved tiltaksstart", "level change at the start of the initiative"),
    "weighting": (
        "effekt i den valgte populasjonen (ATT eller ATE)",
        "effect in the chosen population (ATT or ATE)",
    ),
    "survival": ("log hasardratio mellom gruppene", "log hazard ratio between the groups"),
}

_SE = {
    "classical": ("klassiske standardfeil", "classical standard errors"),
    "hc1": (
        "heteroskedastisitetsrobuste standardfeil (HC1)",
        "heteroskedasticity-robust standard errors (HC1)",
    ),
    "cluster": ("klyngerobuste standardfeil (CRVE)", "cluster-robust standard errors (CRVE)"),
    "wild": (
        "restriktert wild cluster bootstrap; intervall ved testinversjon",
        "restricted wild cluster bootstrap; interval by test inversion",
    ),
    "ri": (
        "randomiseringsinferens over klynger; intervall ved testinversjon",
        "randomisation inference over clusters; interval by test inversion",
    ),
}

_ITS_COV = {
    "ar1": (
        "sandwich-kovarians med AR(1)-korrelerte restledd",
        "sandwich covariance with AR(1)-correlated residuals",
    ),
    "hac": ("Newey–West (HAC)", "Newey–West (HAC)"),
    "model": (
        "modellbaserte standardfeil (OLS / kvasi-Poisson)",
        "model-based standard errors (OLS / quasi-Poisson)",
    ),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "nb" else pair[1]


def inference_text(design: str, result: Any, args: Mapping[str, Any] | None, lang: str) -> str:
    """How one result's interval and p-value were computed, in words, with the level.

    Parameters
    ----------
    design
        The plan's design.
    result
        The effect result (``inference``, ``level``, and ``se_type`` where the design keeps it).
    args
        The outcome's plan arguments (the standard-error option when the result does not keep it).
    lang
        ``"nb"`` or ``"en"``.
    """
    check_lang(lang)
    nb = lang == "nb"
    args = args or {}
    se = str(getattr(result, "se_type", None) or args.get("se") or args.get("cov") or "")
    if design in ("did", "event_study"):
        text = _pick(_SE.get(se or "cluster", (se, se)), lang)
    elif design == "staggered_did":
        text = (
            "analytiske standardfeil fra influensfunksjonene, klynget på enhet"
            if nb
            else "analytic standard errors from the influence functions, clustered by unit"
        )
    elif design == "synthetic_control":
        text = (
            "permutasjonstest med placebo på hver giver (oppløsning 1/(J + 1)); intervall ved testinversjon"
            if nb
            else "permutation test with a placebo on every donor (resolution 1/(J + 1)); interval by test inversion"
        )
    elif design == "synthetic_did":
        kind = se or "placebo"
        text = (
            f"standardfeil ved {'jackknife' if kind == 'jackknife' else 'placebo-omfordeling'}"
            if nb
            else f"{'jackknife' if kind == 'jackknife' else 'placebo'} standard error"
        )
    elif design == "its":
        text = _pick(_ITS_COV.get(se or "ar1", (se, se)), lang)
    elif design == "weighting":
        reps = args.get("bootstrap")
        if reps:
            text = f"bootstrap med {reps} trekk" if nb else f"bootstrap with {reps} resamples"
        else:
            text = (
                "sandwich fra M-estimering (tilbøyelighetsmodellen regnet med)"
                if nb
                else "M-estimation sandwich (the propensity model accounted for)"
            )
    elif design == "survival":
        text = (
            "Cox-modellens standardfeil; log-rank-test" if nb else "Cox model standard errors; log-rank test"
        )
    elif design == "prepost":
        text = "parvis t-test" if nb else "paired t-test"
    else:
        text = se or "–"
    inf = getattr(result, "inference", {}) or {}
    dist = inf.get("dist") if isinstance(inf, Mapping) else None
    if dist == "t" and "df" in inf:
        ref = (
            f"t-fordeling med {format_number(inf['df'], 0, lang)} frihetsgrader"
            if nb
            else (f"t distribution with {format_number(inf['df'], 0, lang)} degrees of freedom")
        )
        text = f"{text}; {ref}"
    elif dist == "normal":
        text = f"{text}; {'normalfordeling' if nb else 'normal distribution'}"
    pct = format_number(100 * float(getattr(result, "level", 0.95)), 0, lang)
    return f"{text}; {pct} % {'intervall' if nb else 'interval'}"


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
                t("check", lang): d.name,
                t("value", lang): _fmt_value(d.value, lang),
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
    if lang == "en" or (own.isupper() and own.isalpha()):
        return f"{_pick(words, lang)} ({own})"
    return _pick(words, lang)


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
        assumptions = "".join(f"<li>{escape(_pick(a, lang))}</li>" for a in ASSUMPTIONS.get(design, ()))
        refs = "; ".join(_short(r) for r in design_references(design, o.args, str(res.method)))
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


def reference_ids(plan: CasePlan, results: Mapping[str, Any], valued: Any = None) -> list[str]:
    """Ids in :data:`~fou_analysis.report.references.REFERENCES` that this report uses."""
    ids: list[str] = []
    for oid, res in results.items():
        o = plan.outcome(oid)
        ids += design_references(o.design, o.args, str(getattr(res, "method", "")))
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
    "ASSUMPTIONS",
    "ESTIMANDS",
    "PACKAGES",
    "appendix",
    "git_state",
    "inference_text",
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
