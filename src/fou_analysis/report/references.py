"""The methods' sources: one table of references keyed by id, and which ids each design rests on.

The reference list of a report (:func:`fou_analysis.report.appendix.reference_list`) is built
from these tables: the designs of the outcomes it estimates (and the options that change the
method, such as a wild bootstrap or Newey–West standard errors), the evidence scale, and the
value guides when the report values its outcomes. The value bank's proxies bring their own full
citations (``source`` in ``data/value_bank.csv``).

The citations are those named in the module docstrings of :mod:`fou_analysis.effects` and
:mod:`fou_analysis.value`, written out in full. A module dict, not a CSV: the list is short,
edited together with the code that uses a method, and checked by the tests for every design.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Full citation of every method source, keyed by id. Each citation starts with the authors, so
#: sorting the citations sorts the list by author.
REFERENCES: dict[str, str] = {
    "abadie_2021": (
        "Abadie, A. (2021). Using synthetic controls: Feasibility, data requirements, and "
        "methodological aspects. Journal of Economic Literature, 59(2), 391–425."
    ),
    "abadie_diamond_hainmueller_2010": (
        "Abadie, A., Diamond, A. & Hainmueller, J. (2010). Synthetic control methods for comparative "
        "case studies: Estimating the effect of California's tobacco control program. Journal of the "
        "American Statistical Association, 105(490), 493–505."
    ),
    "arkhangelsky_2021": (
        "Arkhangelsky, D., Athey, S., Hirshberg, D. A., Imbens, G. W. & Wager, S. (2021). Synthetic "
        "difference-in-differences. American Economic Review, 111(12), 4088–4118."
    ),
    "borenstein_2009": (
        "Borenstein, M., Hedges, L. V., Higgins, J. P. T. & Rothstein, H. R. (2009). Introduction to "
        "meta-analysis. Chichester: Wiley."
    ),
    "callaway_santanna_2021": (
        "Callaway, B. & Sant'Anna, P. H. C. (2021). Difference-in-differences with multiple time "
        "periods. Journal of Econometrics, 225(2), 200–230."
    ),
    "cameron_gelbach_miller_2008": (
        "Cameron, A. C., Gelbach, J. B. & Miller, D. L. (2008). Bootstrap-based improvements for "
        "inference with clustered errors. Review of Economics and Statistics, 90(3), 414–427."
    ),
    "cox_1972": (
        "Cox, D. R. (1972). Regression models and life-tables. Journal of the Royal Statistical "
        "Society, Series B, 34(2), 187–220."
    ),
    "finansdepartementet_r109_2021": (
        "Finansdepartementet (2021). Rundskriv R-109/2021: Prinsipper og krav ved utarbeidelse av "
        "samfunnsøkonomiske analyser. Oslo: Finansdepartementet."
    ),
    "firpo_possebom_2018": (
        "Firpo, S. & Possebom, V. (2018). Synthetic control method: Inference, sensitivity analysis "
        "and confidence sets. Journal of Causal Inference, 6(2), 20160026."
    ),
    "goodman_bacon_2021": (
        "Goodman-Bacon, A. (2021). Difference-in-differences with variation in treatment timing. "
        "Journal of Econometrics, 225(2), 254–277."
    ),
    "grambsch_therneau_1994": (
        "Grambsch, P. M. & Therneau, T. M. (1994). Proportional hazards tests and diagnostics based "
        "on weighted residuals. Biometrika, 81(3), 515–526."
    ),
    "kaplan_meier_1958": (
        "Kaplan, E. L. & Meier, P. (1958). Nonparametric estimation from incomplete observations. "
        "Journal of the American Statistical Association, 53(282), 457–481."
    ),
    "lakens_2013": (
        "Lakens, D. (2013). Calculating and reporting effect sizes to facilitate cumulative science: "
        "A practical primer for t-tests and ANOVAs. Frontiers in Psychology, 4, 863."
    ),
    "lopez_bernal_2017": (
        "Lopez Bernal, J., Cummins, S. & Gasparrini, A. (2017). Interrupted time series regression "
        "for the evaluation of public health interventions: A tutorial. International Journal of "
        "Epidemiology, 46(1), 348–355."
    ),
    "lunceford_davidian_2004": (
        "Lunceford, J. K. & Davidian, M. (2004). Stratification and weighting via the propensity "
        "score in estimation of causal treatment effects: A comparative study. Statistics in "
        "Medicine, 23(19), 2937–2960."
    ),
    "mackinnon_webb_2017": (
        "MacKinnon, J. G. & Webb, M. D. (2017). Wild bootstrap inference for wildly different "
        "cluster sizes. Journal of Applied Econometrics, 32(2), 233–254."
    ),
    "mackinnon_webb_2020": (
        "MacKinnon, J. G. & Webb, M. D. (2020). Randomization inference for "
        "difference-in-differences with few treated clusters. Journal of Econometrics, 218(2), "
        "435–450."
    ),
    "newey_west_1987": (
        "Newey, W. K. & West, K. D. (1987). A simple, positive semi-definite, heteroskedasticity and "
        "autocorrelation consistent covariance matrix. Econometrica, 55(3), 703–708."
    ),
    "robins_rotnitzky_zhao_1994": (
        "Robins, J. M., Rotnitzky, A. & Zhao, L. P. (1994). Estimation of regression coefficients "
        "when some regressors are not always observed. Journal of the American Statistical "
        "Association, 89(427), 846–866."
    ),
    "santanna_zhao_2020": (
        "Sant'Anna, P. H. C. & Zhao, J. (2020). Doubly robust difference-in-differences estimators. "
        "Journal of Econometrics, 219(1), 101–122."
    ),
    "seabold_perktold_2010": (
        "Seabold, S. & Perktold, J. (2010). statsmodels: Econometric and statistical modeling with "
        "Python. Proceedings of the 9th Python in Science Conference, 92–96."
    ),
    "sherman_1997": (
        "Sherman, L. W., Gottfredson, D., MacKenzie, D., Eck, J., Reuter, P. & Bushway, S. (1997). "
        "Preventing crime: What works, what doesn't, what's promising. A report to the United "
        "States Congress. Washington, DC: US Department of Justice, Office of Justice Programs."
    ),
    "sroi_guide_2012": (
        "Nicholls, J., Lawlor, E., Neitzert, E. & Goodspeed, T. (2012). A guide to social return on "
        "investment (2nd ed.). Liverpool: The SROI Network."
    ),
    "sun_abraham_2021": (
        "Sun, L. & Abraham, S. (2021). Estimating dynamic treatment effects in event studies with "
        "heterogeneous treatment effects. Journal of Econometrics, 225(2), 175–199."
    ),
    "what_works_2016": (
        "What Works Centre for Local Economic Growth (2016). Guide to scoring evidence using the "
        "Maryland Scientific Methods Scale. London: What Works Centre for Local Economic Growth."
    ),
}

#: The sources each design rests on, whatever its options.
DESIGN_REFERENCES: dict[str, tuple[str, ...]] = {
    "prepost": ("lakens_2013", "borenstein_2009"),
    "did": ("goodman_bacon_2021", "mackinnon_webb_2017", "seabold_perktold_2010"),
    "event_study": ("sun_abraham_2021", "seabold_perktold_2010"),
    "staggered_did": ("callaway_santanna_2021", "goodman_bacon_2021"),
    "synthetic_control": ("abadie_diamond_hainmueller_2010", "abadie_2021", "firpo_possebom_2018"),
    "synthetic_did": ("arkhangelsky_2021",),
    "its": ("lopez_bernal_2017", "seabold_perktold_2010"),
    "weighting": ("lunceford_davidian_2004", "seabold_perktold_2010"),
    "survival": ("kaplan_meier_1958", "cox_1972", "grambsch_therneau_1994", "seabold_perktold_2010"),
}

#: Every report that grades an estimate cites the evidence scale.
EVIDENCE_REFERENCES: tuple[str, ...] = ("sherman_1997", "what_works_2016")

#: A report that values its outcomes cites the SROI guide; with a cost–benefit view also R-109.
SROI_REFERENCES: tuple[str, ...] = ("sroi_guide_2012",)
CBA_REFERENCES: tuple[str, ...] = ("finansdepartementet_r109_2021",)


def design_references(
    design: str, args: Mapping[str, Any] | None = None, method: str = "", *, se: str = ""
) -> tuple[str, ...]:
    """The reference ids of one outcome's method: the design's own, plus those of its options.

    Parameters
    ----------
    design
        The plan's design (``Outcome.design``).
    args
        The outcome's arguments in the plan (``Outcome.args``): a wild bootstrap or
        randomisation inference for ``did``, Newey–West for ``its``, the doubly robust estimator
        for ``weighting`` and covariates in ``staggered_did`` add their sources.
    method
        ``EffectResult.method`` (``"weighting_dr"`` names the doubly robust estimator even when
        the plan left ``method`` at its default).
    se
        The standard-error option the result used (``DidResult.se_type``); it wins over
        ``args`` (the pipeline chooses ``se="ri"`` for ``did`` with one treated cluster when the
        plan sets none).

    Examples
    --------
    >>> design_references("did", {"se": "wild"})[-1]
    'cameron_gelbach_miller_2008'
    >>> design_references("did", {}, se="ri")[-1]
    'mackinnon_webb_2020'
    >>> design_references("staggered_did", {"covariates": ["age"]})[-1]
    'santanna_zhao_2020'
    """
    args = args or {}
    ids = list(DESIGN_REFERENCES.get(design, ()))
    se = se or str(args.get("se", args.get("cov", "")))
    if design == "did" and se == "wild":
        ids.append("cameron_gelbach_miller_2008")
    if design == "did" and se == "ri":
        ids.append("mackinnon_webb_2020")
    if design == "its" and se == "hac":
        ids.append("newey_west_1987")
    if design == "weighting" and (args.get("method") == "dr" or method.endswith("_dr")):
        ids += ["robins_rotnitzky_zhao_1994", "santanna_zhao_2020"]
    if design == "staggered_did" and args.get("covariates"):  # doubly robust ATT(g,t)
        ids.append("santanna_zhao_2020")
    return tuple(dict.fromkeys(ids))


__all__ = [
    "CBA_REFERENCES",
    "DESIGN_REFERENCES",
    "EVIDENCE_REFERENCES",
    "REFERENCES",
    "SROI_REFERENCES",
    "design_references",
]
