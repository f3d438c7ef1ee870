"""The package's own errors.

``DataError`` is raised for bad *input data* and always names the file, and the row and column
where they apply, so that a researcher can open the file and fix it. ``SpecificationError`` is
raised for a bad *request*: a case plan with an unknown field, an estimator called with a
column that does not exist, an option outside its allowed values.

A ``DataError``'s text never shows an identifier in clear: a fødselsnummer typed into a date
column, an e-mail address or a phone number in the offending value is masked
(:func:`fou_analysis.privacy.mask_identifiers`) — in ``str(error)``, in ``error.message`` and so in
every terminal, log and notebook traceback that shows it.
"""

from __future__ import annotations

from os import PathLike


def _mask(text: str) -> str:
    # imported here, not at the top: fou_analysis.privacy imports this module
    from fou_analysis.privacy.scan import mask_identifiers

    return mask_identifiers(str(text))


class FouError(Exception):
    """Base class of every error this package raises on purpose."""


class DataError(FouError, ValueError):
    """Bad input data.

    Parameters
    ----------
    message
        What is wrong, in one sentence.
    file
        The file at fault (always given when the data came from a file).
    row
        1-based row number as a person counts lines in the file (header = row 1), if known.
    column
        Column name (or number) at fault, if known.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | PathLike[str] | None = None,
        row: int | None = None,
        column: str | int | None = None,
    ) -> None:
        self.message = _mask(message)
        self.file = None if file is None else str(file)
        self.row = row
        self.column = column
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.file is not None:
            where.append(f"file {self.file}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return _mask(f"{', '.join(where)}: {self.message}" if where else self.message)


class SpecificationError(FouError, ValueError):
    """A bad request: unknown case, plan field, column name or option."""
