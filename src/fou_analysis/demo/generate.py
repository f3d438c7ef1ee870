"""Generate the demo cases in memory and render them as the exact bytes of their files."""

from __future__ import annotations

from typing import Any

import pandas as pd

from fou_analysis.demo import (
    _noen_survey,
    _readmes,
    _ssb_neet,
    _utstyrsbu_survey,
    friskgarden,
    noen,
    utstyrsbu,
)
from fou_analysis.demo._common import frame_bytes, json_bytes
from fou_analysis.exceptions import SpecificationError

CASES = ("utstyrsbu", "noen", "friskgarden")
DEFAULT_SEED = 20261128


def _check_case(case: str) -> None:
    if case not in CASES:
        raise SpecificationError(f"unknown demo case {case!r}; choose one of {', '.join(CASES)}")


def generate(case: str, seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """Generate one demo case in memory.

    Parameters
    ----------
    case
        ``"utstyrsbu"``, ``"noen"`` or ``"friskgarden"``.
    seed
        Seed of the generator; the same seed always gives the same data.

    Returns
    -------
    dict
        One entry per file, keyed by the file's stem (``"utlan"``, ``"survey_pre"``,
        ``"parorende_dataset"``, ``"ssb_neet_kommune"`` …): a DataFrame holding exactly the
        file's columns (as text where the file has text), or the JSON object. Entries starting
        with ``truth_`` are not written: they hold the latent truth (expected monthly counts,
        latent scores, potential outcomes) for tests.

    Examples
    --------
    >>> from fou_analysis import demo
    >>> frames = demo.generate("utstyrsbu", seed=1)
    >>> list(frames["utlan"].columns)[:3]
    ['Utlån-ID', 'Gjenstand', 'Kategori']
    """
    _check_case(case)
    if case == "utstyrsbu":
        log, monthly = utstyrsbu.loans(seed)
        surveys = _utstyrsbu_survey.surveys(utstyrsbu.borrowers(seed), log, seed)
        return {
            "utlan": log,
            "survey_pre": surveys["survey_pre"],
            "survey_post": surveys["survey_post"],
            "survey_elements": _utstyrsbu_survey.elements(),
            "truth_monthly": monthly,
            "truth_survey": surveys["truth_survey"],
        }
    if case == "noen":
        records, persons = noen.service_records(seed)
        dataset, latent, _ = _noen_survey.caregiver_survey(persons, seed)
        return {
            "tjenestedata": records,
            "parorende_dataset": dataset,
            "truth_persons": persons,
            "truth_caregiver": latent,
        }
    frames = friskgarden.register(seed)
    table = _ssb_neet.neet_table(seed)
    return {
        "register_personmaaned": frames["register_personmaaned"],
        "deltakere": frames["deltakere"],
        "ssb_neet_kommune": _ssb_neet.jsonstat(table, seed),
        "truth_persons": frames["truth_persons"],
        "truth_neet_by_unit": table["by_unit"],
        "truth_neet_by_code": table["by_code"],
        "truth_steinkjer_counterfactual": pd.Series(
            table["counterfactual"], index=_ssb_neet.YEARS, name="counterfactual"
        ),
    }


def render(case: str, seed: int = DEFAULT_SEED) -> dict[str, bytes]:
    """The files of one case as ``{relative path: bytes}`` (README and barometer export included)."""
    _check_case(case)
    g = generate(case, seed)
    if case == "utstyrsbu":
        files = {
            "utlan.csv": frame_bytes(g["utlan"], sep=";"),
            "survey_pre.csv": frame_bytes(g["survey_pre"], sep=";", quote_all=True),
            "survey_post.csv": frame_bytes(g["survey_post"], sep=";", quote_all=True),
            "survey_elements.json": json_bytes(g["survey_elements"], indent=2, trailing_newline=False),
        }
        facts = {
            "utlan_rows": len(g["utlan"]),
            "pre_rows": len(g["survey_pre"]),
            "post_rows": len(g["survey_post"]),
        }
        readme = _readmes.utstyrsbu(seed, facts)
    elif case == "noen":
        files = {"tjenestedata.csv": frame_bytes(g["tjenestedata"], sep=";")}
        for name, data in _noen_survey.export_bytes(g["parorende_dataset"]).items():
            files[f"parorende/{name}"] = data
        events = int(g["truth_persons"]["event"].sum())
        share = noen.N_NOEN / (noen.N_NOEN + noen.N_COMPARISON)
        facts = {
            "persons": len(g["tjenestedata"]),
            "survey_rows": len(g["parorende_dataset"]),
            "events": events,
            "power": noen.approximate_power(events, share),
        }
        readme = _readmes.noen_readme(seed, facts)
    else:
        files = friskgarden.register_bytes(g)
        files["ssb_neet_kommune.json"] = json_bytes(g["ssb_neet_kommune"], indent=4, trailing_newline=True)
        readme = _readmes.friskgarden_readme(seed, {"register_rows": len(g["register_personmaaned"])})
    from fou_analysis.demo import barometer  # imports this module: load it late

    files.update(barometer.barometer_files(case, seed))
    readme += barometer.readme_section(case)
    files["README.md"] = readme.encode("utf-8")
    return files
