"""Export a case's effects and value tables as CSV and XLSX, next to its report.

The tables are built from the result objects the notebooks saved in ``data/processed/<case>/``
(read with :func:`fou_analysis.pipeline.load_artefact` only), so they show exactly the numbers
in the report:

* ``effects``: the tidy :meth:`EffectResult.to_frame` of every outcome, one row each, labelled
  by the plan's ``outcome_id`` in the first column;
* ``sroi_by_outcome``: the SROI calculation row by row (quantity, proxy, deadweight,
  attribution, drop-off, present value …);
* ``impact_map``: the impact map as checked.

Column names are the package's identifiers (the same in both report languages); the files are
machine-readable data for re-analysis, not prose. Each file is written atomically. The runner
writes them into its staging folder and scans them like every other output before publishing.
"""

from __future__ import annotations

import io as _io
import re
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from fou_analysis.config import CasePlan, Project
from fou_analysis.exceptions import SpecificationError


def case_tables(plan: CasePlan, project: Project) -> dict[str, pd.DataFrame]:
    """The exportable tables of a case whose results exist (missing artefacts are skipped).

    Returns
    -------
    dict of str to DataFrame
        ``effects``, and where the plan values the outcomes ``sroi_by_outcome`` and
        ``impact_map``; empty if the notebooks have not run yet.
    """
    from fou_analysis.pipeline import load_artefact

    out: dict[str, pd.DataFrame] = {}
    effects = _load(load_artefact, plan, project, "effects")
    if effects:
        frames = [res.to_frame(headline_only=True).assign(outcome_id=oid) for oid, res in effects.items()]
        df = pd.concat(frames, ignore_index=True, sort=False)
        out["effects"] = df[["outcome_id", *[c for c in df.columns if c != "outcome_id"]]]
    valued = _load(load_artefact, plan, project, "value") if plan.value else None
    if valued is not None:
        out["sroi_by_outcome"] = valued.sroi.by_outcome.reset_index(drop=True)
        out["impact_map"] = valued.impact_map.to_frame().reset_index(drop=True)
    return out


def _load(load_artefact: Any, plan: CasePlan, project: Project, name: str) -> Any:
    try:
        return load_artefact(plan, project, name)
    except SpecificationError:  # not produced (yet): nothing to export
        return None


_FIXED_TIME = "2000-01-01T00:00:00Z"
_TIMESTAMP_RE = re.compile(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _xlsx_bytes(df: pd.DataFrame, sheet: str) -> bytes:
    """The workbook's bytes, identical on every rerun with the same data.

    openpyxl stamps the save time into ``docProps/core.xml`` and every zip entry; both are
    replaced by a fixed time, so a rerun does not change a published file that did not change.
    """
    buf = _io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        df.to_excel(writer, sheet_name=sheet[:31], index=False)
    out = _io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _TIMESTAMP_RE.sub(rf"\g<1>{_FIXED_TIME}\g<2>", data.decode("utf-8")).encode("utf-8")
            dst.writestr(
                zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED
            )
    return out.getvalue()


def export_tables(plan: CasePlan, project: Project, folder: Path) -> list[Path]:
    """Write each table of :func:`case_tables` as ``<name>.csv`` (UTF-8) and ``<name>.xlsx``.

    Parameters
    ----------
    plan, project
        The case and the project whose ``data/processed/<case>/`` holds the results.
    folder
        Target folder (created); the runner passes its private staging folder.

    Returns
    -------
    list of Path
        The files written (private, 0600: the runner publishes them after the privacy scan).
    """
    from fou_analysis import io

    tables = case_tables(plan, project)
    if not tables:
        return []
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in tables.items():
        csv = df.to_csv(index=False, lineterminator="\n").encode("utf-8")
        written.append(io.atomic_write_bytes(folder / f"{name}.csv", csv))
        written.append(io.atomic_write_bytes(folder / f"{name}.xlsx", _xlsx_bytes(df, name)))
    return written
