"""Evidence grades: how much a reader can trust that an estimate is an effect.

Every estimate in a report carries a grade on the **Maryland Scientific Methods Scale** (SMS;
Sherman, Gottfredson, MacKenzie, Eck, Reuter and Bushway 1997, *Preventing Crime: What Works,
What Doesn't, What's Promising*, US Department of Justice), with the levels 1–5 as the UK What
Works Centre for Local Economic Growth uses them (*Guide to scoring evidence using the Maryland
Scientific Methods Scale*, What Works Centre for Local Economic Growth, London, 2016):

1. a before/after or cross-sectional comparison with no control variables;
2. a before/after comparison (no untreated comparison group), or a cross-sectional comparison
   with a comparison group, *with* control variables;
3. before and after, treated *and* comparison group (difference-in-differences and its kin);
4. quasi-random variation in treatment (instrument, discontinuity);
5. random assignment (randomised controlled trial).

Mapping used here (the base level of each design, :data:`BASE_LEVEL`):

``prepost`` → 2
    Before/after on the same people, no comparison group. Never a causal effect: regression to
    the mean, maturation and history (things that happened meanwhile) can each produce the
    change. (Strictly, the guide puts a before/after without control variables at level 1; the
    project places it at 2 as the ceiling, and a failed diagnostic such as attrition takes it
    to 1.)
``its`` → 2
    Interrupted time series of one series: before/after, with the trend and the season modelled
    as control variables (level 2 (b) in the guide). A comparative ITS with an untreated series
    would be level 3; ``effects.its`` fits a single series, so it is graded 2.
``survival`` → 2
    A comparison group adjusted for covariates, but no outcome before the start (level 2 (a)).
``did``, ``event_study``, ``staggered_did``, ``synthetic_control``, ``synthetic_did``,
``weighting`` → 3
    A comparison group with a pre-period or overlap check.
``rct`` → 5
    Not used by any case yet; listed so that the scale is complete.

**Rule:** the grade is the base level minus one for each diagnostic whose verdict is ``"fail"``
(the data contradict an assumption of the design), and never below 1. Doubtful (``"warn"``)
diagnostics are shown next to the number but do not lower the grade.

Also here: :func:`reader_n`, the number a reader counts (persons, municipalities), since a
panel's ``EffectResult.n`` counts person-months or municipality-years.

Hand-written: the scale is a table and a rule, no library holds it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from fou_analysis.exceptions import SpecificationError
from fou_analysis.formatting import check_lang, format_number

#: The base level on the Maryland SMS of each design (before failed diagnostics).
BASE_LEVEL: dict[str, int] = {
    "prepost": 2,
    "its": 2,
    "survival": 2,
    "did": 3,
    "event_study": 3,
    "staggered_did": 3,
    "synthetic_control": 3,
    "synthetic_did": 3,
    "weighting": 3,
    "rct": 5,
}

#: Designs without an untreated comparison: their estimate is never called a causal effect.
BEFORE_AFTER_ONLY = frozenset({"prepost"})

#: What each level means, in one sentence (nb, en).
LEVEL_MEANING: dict[int, tuple[str, str]] = {
    1: (
        "Nivå 1: en enkel sammenligning uten kontroll for andre forklaringer – sier svært lite om årsak.",
        "Level 1: a simple comparison with no control for other explanations – says very little about cause.",
    ),
    2: (
        "Nivå 2: før–etter eller sammenligning på ett tidspunkt, med kontrollvariabler, men uten "
        "sammenligningsgruppe fulgt over tid – ikke nok til å kalle tallet en effekt.",
        "Level 2: before–after, or a comparison at one point in time, with control variables but no "
        "comparison group followed over time – not enough to call the number an effect.",
    ),
    3: (
        "Nivå 3: sammenligningsgruppe fulgt før og etter – et rimelig grunnlag for en effekt, "
        "hvis gruppene ellers ville utviklet seg likt.",
        "Level 3: a comparison group followed before and after – a reasonable basis for an effect, "
        "if the groups would otherwise have developed alike.",
    ),
    4: (
        "Nivå 4: tilnærmet tilfeldig fordeling av tiltaket (naturlig eksperiment) – sterkt grunnlag.",
        "Level 4: near-random assignment of the initiative (natural experiment) – a strong basis.",
    ),
    5: (
        "Nivå 5: tilfeldig fordeling (randomisert forsøk) – det sterkeste grunnlaget.",
        "Level 5: random assignment (randomised trial) – the strongest basis.",
    ),
}

#: The threats to a before/after comparison (nb, en), listed wherever such a result appears.
BEFORE_AFTER_THREATS: tuple[tuple[str, str], ...] = (
    (
        "regresjon mot gjennomsnittet (de som starter lavt, scorer ofte høyere neste gang uansett)",
        "regression to the mean (those who start low often score higher the next time anyway)",
    ),
    (
        "modning (barn og unge endrer seg med alderen)",
        "maturation (children and young people change as they grow older)",
    ),
    (
        "historie (annet som skjedde i samme periode, f.eks. årstid, skole, nye tilbud)",
        "history (other things that happened in the same period, e.g. season, school, new services)",
    ),
)

SMS_CITATION = (
    "Maryland Scientific Methods Scale (Sherman et al. 1997), nivåer som i What Works Centre for Local "
    "Economic Growth (2016): Guide to scoring evidence using the Maryland Scientific Methods Scale."
)


@dataclass(frozen=True)
class EvidenceGrade:
    """The evidence grade of one estimate.

    Attributes
    ----------
    design
        The design that produced the estimate.
    base
        Level of the design before diagnostics (:data:`BASE_LEVEL`).
    level
        Level after one step down per failed diagnostic (at least 1).
    failed
        Names of the diagnostics that failed (each cost one level).
    """

    design: str
    base: int
    level: int
    failed: tuple[str, ...] = ()

    @property
    def causal(self) -> bool:
        """False for before/after-only designs: never read as a causal effect."""
        return self.design not in BEFORE_AFTER_ONLY

    def label(self, lang: str = "nb") -> str:
        """Short badge text, e.g. ``"Evidensnivå 3 av 5"``."""
        check_lang(lang)
        s = f"Evidensnivå {self.level} av 5" if lang == "nb" else f"Evidence level {self.level} of 5"
        if not self.causal:
            s += " · ikke en årsakseffekt" if lang == "nb" else " · not a causal effect"
        return s

    def meaning(self, lang: str = "nb") -> str:
        """One sentence on what the level means, and why it is lower than the design's."""
        check_lang(lang)
        nb = lang == "nb"
        s = LEVEL_MEANING[self.level][0 if nb else 1]
        if self.failed:
            from fou_analysis.effects._checks import check_label

            names = ", ".join(check_label(n, lang).lower() for n in self.failed)
            one = len(self.failed) == 1  # one level down per failed check: say how many failed
            s += (
                f" Senket fra nivå {self.base} fordi {'en kontroll' if one else 'flere kontroller'} "
                f"ikke holder ({names})."
                if nb
                else f" Lowered from level {self.base} because {'a check fails' if one else 'checks fail'} ({names})."
            )
        return s

    def threats(self, lang: str = "nb") -> tuple[str, ...]:
        """Threats to validity a reader must know of (before/after-only designs; else empty)."""
        check_lang(lang)
        if self.causal:
            return ()
        return tuple(t[0 if lang == "nb" else 1] for t in BEFORE_AFTER_THREATS)

    def caveat(self, lang: str = "nb") -> str:
        """For before/after results: the threats to reading the change as an effect, in one sentence."""
        if self.causal:
            return ""
        threats = "; ".join(self.threats(lang))
        if lang == "nb":
            return f"Før–etter uten sammenligningsgruppe: endringen kan også skyldes {threats}."
        return f"Before–after with no comparison group: the change can also be due to {threats}."

    def badge(self, lang: str = "nb") -> str:
        """The grade as an escaped HTML badge (with the meaning as its tooltip)."""
        colour = {1: "#fde2e1", 2: "#fff4d6", 3: "#e6f0fa", 4: "#e3f4e1", 5: "#d4edda"}[self.level]
        return (
            f'<span class="fou-evidence" title="{html.escape(self.meaning(lang), quote=True)}" '
            f'style="background:{colour};padding:1px 6px;border-radius:8px;font-size:90%;white-space:nowrap">'
            f"{html.escape(self.label(lang))}</span>"
        )


def grade(result: Any, design: str) -> EvidenceGrade:
    """Grade one estimate on the Maryland SMS.

    Parameters
    ----------
    result
        An :class:`~fou_analysis.effects.EffectResult` (anything with ``diagnostics``, each with
        ``name`` and ``verdict``).
    design
        The plan's design for the outcome (``EffectResult.method`` names the estimator, e.g.
        ``weighting_dr``, not the design).

    Returns
    -------
    EvidenceGrade

    Raises
    ------
    SpecificationError
        An unknown design.

    Examples
    --------
    >>> from fou_analysis.effects import Diagnostic
    >>> class R:
    ...     diagnostics = (Diagnostic("pre_trend", 0.01, "fail"),)
    >>> g = grade(R(), "did")
    >>> (g.base, g.level, g.failed)
    (3, 2, ('pre_trend',))
    """
    if design not in BASE_LEVEL:
        raise SpecificationError(f"no evidence level for design {design!r}; known: {', '.join(BASE_LEVEL)}")
    base = BASE_LEVEL[design]
    failed = tuple(dict.fromkeys(d.name for d in getattr(result, "diagnostics", ()) if d.verdict == "fail"))
    return EvidenceGrade(design=design, base=base, level=max(1, base - len(failed)), failed=failed)


#: The unit a reader counts per design (nb, en), when the plan does not name one.
READER_UNIT: dict[str, tuple[str, str]] = {
    "prepost": ("personer", "persons"),
    "weighting": ("personer", "persons"),
    "survival": ("personer", "persons"),
    "did": ("personer", "persons"),
    "event_study": ("personer", "persons"),
    "staggered_did": ("personer", "persons"),
    "synthetic_control": ("kommuner", "municipalities"),
    "synthetic_did": ("kommuner", "municipalities"),
    "its": ("perioder", "periods"),
    "rct": ("personer", "persons"),
}

#: Panel designs: ``n`` counts unit-periods; the reader's n is treated + comparison units.
PANEL_DESIGNS = frozenset({"did", "event_study", "staggered_did", "synthetic_control", "synthetic_did"})


@dataclass(frozen=True)
class ReaderN:
    """The number of units a reader counts, with its unit word per language."""

    count: int
    unit: tuple[str, str]
    observations: int

    def text(self, lang: str = "nb") -> str:
        """E.g. ``"750 personer"``; a panel adds its observations (``"(63 000 observasjoner)"``)."""
        check_lang(lang)
        s = f"{format_number(self.count, 0, lang)} {self.unit[0 if lang == 'nb' else 1]}"
        if self.observations != self.count:
            word = "observasjoner" if lang == "nb" else "observations"
            s += f" ({format_number(self.observations, 0, lang)} {word})"
        return s


def reader_n(result: Any, design: str, unit: tuple[str, str] | None = None) -> ReaderN:
    """The n a reader counts: units (persons, municipalities), not unit-periods.

    For panel designs (:data:`PANEL_DESIGNS`) ``EffectResult.n`` counts rows of the panel
    (person-months, municipality-years) while ``n_treated`` and ``n_control`` count units; the
    reader's n is their sum. For the other designs ``n`` already counts units (persons; periods
    of the one series for ``its``).

    Parameters
    ----------
    result
        An effect result (``n``, ``n_treated``, ``n_control``).
    design
        The plan's design.
    unit
        ``(nb, en)`` unit words; default from :data:`READER_UNIT`.
    """
    obs = int(result.n)
    count = obs
    if design in PANEL_DESIGNS and result.n_treated is not None and result.n_control is not None:
        count = int(result.n_treated) + int(result.n_control)
    return ReaderN(count=count, unit=unit or READER_UNIT.get(design, ("enheter", "units")), observations=obs)


__all__ = [
    "BASE_LEVEL",
    "BEFORE_AFTER_ONLY",
    "BEFORE_AFTER_THREATS",
    "EvidenceGrade",
    "LEVEL_MEANING",
    "READER_UNIT",
    "ReaderN",
    "SMS_CITATION",
    "grade",
    "reader_n",
]
