"""Record every text drawn into a figure, so the run can scan it for personal data.

Figures reach a report as PNG images: a fødselsnummer in a title, an axis label, a tick label
or a legend is invisible to a text scan of the HTML or the notebook. When ``fou run`` executes
a notebook it sets :data:`ENV_LOG` to a JSON-lines file in its private staging folder; the
notebook's first cell calls :func:`fou_analysis.report.set_style`, which calls
:func:`install`. From then on every figure drawn in the kernel (shown inline, saved or
rendered by ``plt.show()``) appends each visible text artist's string to that file, and the
runner scans the file before anything is published.

Why drawing and not the inline backend's flush: ``plt.show()`` closes figures before IPython's
``post_execute`` hooks run, and figures displayed as a cell's value never pass through pyplot;
every route to an image, however, draws the figure, so wrapping :meth:`Figure.draw` sees them
all. Matplotlib has no public "after draw" hook for every figure (``draw_event`` must be
connected figure by figure; ``figure.hooks`` only covers pyplot figures).

Outside ``fou run`` (no :data:`ENV_LOG`), :func:`install` does nothing.
"""

from __future__ import annotations

import json
import os
from typing import Any

ENV_LOG = "FOU_FIGURE_TEXT_LOG"
"""Environment variable naming the JSON-lines file the texts are appended to."""
ENV_SOURCE = "FOU_FIGURE_TEXT_SOURCE"
"""Environment variable naming the notebook (for the finding's location)."""

_seen: set[tuple[str, int | None, str]] = set()


def _execution_count() -> int | None:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is always there in a kernel
        return None
    shell = get_ipython()
    return getattr(shell, "execution_count", None) if shell is not None else None


def figure_texts(fig: Any) -> list[str]:
    """Every visible, non-empty text of a figure: titles, labels, tick labels, legends, annotations.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set_title("Tittel"); _ = ax.set_xlabel("x-akse")
    >>> fig.canvas.draw()
    >>> {"Tittel", "x-akse"} <= set(figure_texts(fig))
    True
    >>> plt.close(fig)
    """
    from matplotlib.text import Text

    out = []
    for artist in fig.findobj(Text):
        if not artist.get_visible():
            continue
        s = artist.get_text()
        if s and s.strip():
            out.append(s)
    return out


def record(fig: Any) -> None:
    """Append the figure's texts (those not yet recorded) to the file :data:`ENV_LOG` names."""
    path = os.environ.get(ENV_LOG)
    if not path:
        return
    source = os.environ.get(ENV_SOURCE, "")
    cell = _execution_count()
    lines = []
    for s in figure_texts(fig):
        key = (source, cell, s)
        if key in _seen:
            continue
        _seen.add(key)
        lines.append(json.dumps({"source": source, "execution_count": cell, "text": s}, ensure_ascii=False))
    if lines:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")


def install() -> bool:
    """Wrap :meth:`matplotlib.figure.Figure.draw` so every drawn figure is recorded (idempotent).

    Returns ``True`` when recording is active (inside ``fou run``). Writes a marker line, so
    the runner can tell "no figure text" from "the recorder never ran".
    """
    path = os.environ.get(ENV_LOG)
    if not path:
        return False
    from matplotlib.figure import Figure

    if not getattr(Figure.draw, "_fou_records_text", False):
        original = Figure.draw

        def draw(self: Any, renderer: Any) -> Any:
            result = original(self, renderer)
            try:
                record(self)
            except OSError:  # the run's staging folder is gone: nothing to report to
                pass
            return result

        draw._fou_records_text = True  # type: ignore[attr-defined]
        draw.__wrapped__ = original  # type: ignore[attr-defined]
        draw.__doc__ = original.__doc__
        Figure.draw = draw  # type: ignore[method-assign]
    marker = {"source": os.environ.get(ENV_SOURCE, ""), "installed": True}
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(marker) + "\n")
    return True
