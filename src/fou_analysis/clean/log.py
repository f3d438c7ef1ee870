"""The cleaning log: every step that drops, recodes or imputes rows is recorded.

Each :class:`LogEntry` holds the file (or table) it concerns, the step, ``rows_in``,
``rows_out``, ``dropped`` and ``changed`` counts and the reason. The invariant
``rows_in == rows_out + dropped`` is checked when an entry is added, so a step that loses rows
without saying why cannot be logged. Row-level details (which row, which column, old and new
value) may be attached per entry for the audit trail; they are never published in reports
(they can identify people) — only the counts are.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pandas as pd

from fou_analysis.exceptions import SpecificationError


@dataclass(frozen=True)
class LogEntry:
    source: str
    step: str
    rows_in: int
    rows_out: int
    dropped: int
    reason: str
    changed: int = 0
    step_nb: str = ""
    reason_nb: str = ""

    def text(self, lang: str) -> tuple[str, str]:
        """(step, reason) in ``lang``; Norwegian falls back to English where none was given."""
        if lang == "nb":
            return self.step_nb or self.step, self.reason_nb or self.reason
        return self.step, self.reason


@dataclass
class CleaningLog:
    """An append-only record of cleaning steps (rows in, rows out, dropped, why).

    Examples
    --------
    >>> log = CleaningLog()
    >>> entry = log.add("survey.csv", "drop test submissions", rows_in=10, rows_out=9, reason="marked TEST")
    >>> log.to_frame()[["rows_in", "rows_out", "dropped"]].iloc[0].tolist()
    [10, 9, 1]
    """

    entries: list[LogEntry] = field(default_factory=list)
    details: dict[int, pd.DataFrame] = field(default_factory=dict)

    def add(
        self,
        source: str,
        step: str,
        *,
        rows_in: int,
        rows_out: int,
        reason: str,
        dropped: int | None = None,
        changed: int = 0,
        detail: pd.DataFrame | None = None,
        step_nb: str = "",
        reason_nb: str = "",
    ) -> LogEntry:
        """Record one step. ``dropped`` defaults to ``rows_in - rows_out``; it must match.

        ``step_nb`` and ``reason_nb`` are the Norwegian texts for the report (English is used
        where they are empty).
        """
        if dropped is None:
            dropped = rows_in - rows_out
        if rows_in != rows_out + dropped or dropped < 0 or changed < 0:
            raise SpecificationError(
                f"cleaning log for {source!r}, step {step!r}: rows_in ({rows_in}) must equal "
                f"rows_out ({rows_out}) + dropped ({dropped}), all non-negative"
            )
        if not reason:
            raise SpecificationError(f"cleaning log for {source!r}, step {step!r}: a reason is required")
        entry = LogEntry(
            source, step, int(rows_in), int(rows_out), int(dropped), reason, int(changed), step_nb, reason_nb
        )
        self.entries.append(entry)
        if detail is not None:
            self.details[len(self.entries) - 1] = detail
        return entry

    def extend(self, other: CleaningLog) -> None:
        offset = len(self.entries)
        self.entries.extend(other.entries)
        for k, v in other.details.items():
            self.details[k + offset] = v

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per step; ``lang="nb"`` gives the Norwegian step and reason texts."""
        cols = ["source", "step", "rows_in", "rows_out", "dropped", "changed", "reason"]
        if not self.entries:
            return pd.DataFrame(columns=cols)
        df = pd.DataFrame([asdict(e) for e in self.entries])
        texts = [e.text(lang) for e in self.entries]
        df["step"] = [t[0] for t in texts]
        df["reason"] = [t[1] for t in texts]
        return df[cols]

    def __len__(self) -> int:
        return len(self.entries)
