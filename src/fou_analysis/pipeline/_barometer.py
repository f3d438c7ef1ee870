"""The co-creation barometer of a case: read the export the plan names and score it.

Composes :func:`fou_analysis.pipeline.read_raw` (the same reader, codebook and column rules as
every other raw file), :func:`fou_analysis.framework.barometer_long` and
:func:`fou_analysis.framework.barometer` with the arguments of the plan's ``barometer``
section; no statistics of its own. With ``write=True`` (the case report does this) the result
is saved as the signed artefact ``barometer`` (:func:`fou_analysis.pipeline.save_artefact`) so
that the portfolio can show every partnership without reading raw files again.
"""

from __future__ import annotations

from typing import Any

from fou_analysis.config import CasePlan, Project
from fou_analysis.exceptions import SpecificationError


def barometer(plan: CasePlan, project: Project, *, frame: Any = None, write: bool = False) -> Any:
    """Score the case's co-creation barometer, or ``None`` when the plan has no ``barometer`` section.

    Parameters
    ----------
    plan, project
        The case and the checkout; the export is the raw file ``plan.barometer.raw``.
    frame
        The export as already read by :func:`~fou_analysis.pipeline.read_raw` (``fou validate``
        passes it to avoid reading twice); default: read it.
    write
        Save the result as the case's ``barometer`` artefact (``data/processed/<case>/barometer.pkl``)
        for the portfolio; a plan without a barometer removes a stale one.

    Returns
    -------
    fou_analysis.framework.BarometerResult or None
        Side scores, gaps (kommune − partner) and changes between waves, small sides suppressed.

    Raises
    ------
    DataError
        The export is missing, unreadable, or holds a side, item or score that is not allowed
        (naming file, row and column).
    SpecificationError
        A column the plan names is not in the export, or no item column has the plan's prefix.
    """
    from fou_analysis import framework
    from fou_analysis.pipeline.stages import read_raw

    spec = plan.barometer
    if spec is None:
        if write:
            (project.processed_dir(plan.slug) / "barometer.pkl").unlink(missing_ok=True)
        return None
    df = read_raw(plan, project, spec.raw) if frame is None else frame
    source = str(project.raw_dir(plan.slug) / plan.raw_file(spec.raw).path)
    try:
        long = framework.barometer_long(
            df,
            partnership=None if spec.partnership_column else plan.barometer_partnership(),
            partnership_column=spec.partnership_column,
            side=spec.side,
            side_codes=spec.side_codes,
            wave=spec.wave,
            respondent=spec.respondent,
            prefix=spec.prefix,
            missing_codes=spec.missing_codes,
            source=source,
        )
    except SpecificationError as e:
        raise SpecificationError(f"cases/{plan.slug}.yaml: barometer: {e}") from None
    result = framework.barometer(long, level=spec.level, n_min=spec.n_min, source=source)
    if write:
        from fou_analysis.pipeline.stages import save_artefact

        save_artefact(plan, project, "barometer", result)
    return result


def unknown_items(plan: CasePlan, columns: Any) -> list[str]:
    """Columns with the barometer's prefix that are not items of the barometer (typos, old items)."""
    from fou_analysis.framework import BAROMETER_ITEMS

    if plan.barometer is None:
        return []
    prefix = plan.barometer.prefix
    return [
        str(c) for c in columns if str(c).startswith(prefix) and str(c)[len(prefix) :] not in BAROMETER_ITEMS
    ]
