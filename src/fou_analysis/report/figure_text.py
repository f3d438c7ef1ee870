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

import hashlib
import json
import os
from typing import Any

ENV_LOG = "FOU_FIGURE_TEXT_LOG"
"""Environment variable naming the JSON-lines file the texts are appended to."""
ENV_SOURCE = "FOU_FIGURE_TEXT_SOURCE"
"""Environment variable naming the notebook (for the finding's location)."""

_seen: set[tuple[str, str | None, str]] = set()


def _shell() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is always there in a kernel
        return None
    return get_ipython()


def cell_key(source: str) -> str:
    """A short key of a cell's source: the runner finds the cell's number by it."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def _cell_key() -> str | None:
    """The key of the cell being run, from the kernel's current execute request.

    Used rather than IPython's execution count, which is already one ahead when the inline
    backend draws a cell's remaining figures after the cell (and nbclient sends no cell id).
    """
    kernel = getattr(_shell(), "kernel", None)
    try:
        parent = kernel.get_parent() if kernel is not None else {}
    except Exception:  # another kernel flavour: the runner then says "a figure" only
        return None
    code = (parent or {}).get("content", {}).get("code")
    return cell_key(code) if isinstance(code, str) else None


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


def figure_title(fig: Any) -> str:
    """The figure's title: its suptitle, else the titles of its axes joined by "; " ("" if none).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, (a, b) = plt.subplots(1, 2)
    >>> _ = a.set_title("Før"); _ = b.set_title("Etter")
    >>> figure_title(fig)
    'Før; Etter'
    >>> plt.close(fig)
    """
    sup = getattr(fig, "_suptitle", None)
    if sup is not None and sup.get_visible() and sup.get_text().strip():
        return sup.get_text().strip()
    titles = []
    for ax in fig.get_axes():
        for loc in ("center", "left", "right"):
            text = ax.get_title(loc=loc).strip()
            if text and text not in titles:
                titles.append(text)
    return "; ".join(titles)


def record(fig: Any) -> None:
    """Append the figure's texts (those not yet recorded) to the file :data:`ENV_LOG` names.

    Once per figure and cell it also appends ``{"figure_title": ...}`` (the figure's title, in
    drawing order), which the exported report uses as the image's alt text.
    """
    path = os.environ.get(ENV_LOG)
    if not path:
        return
    source = os.environ.get(ENV_SOURCE, "")
    cell = _cell_key()
    lines = []
    if getattr(fig, "_fou_title_recorded", None) != (source, cell):
        fig._fou_title_recorded = (source, cell)  # once per figure (ids are reused after close)
        title = figure_title(fig)
        lines.append(
            json.dumps(
                {"source": source, "cell": cell, "text": title, "figure_title": title}, ensure_ascii=False
            )
        )
    for s in figure_texts(fig):
        key = (source, cell, s)
        if key in _seen:
            continue
        _seen.add(key)
        lines.append(json.dumps({"source": source, "cell": cell, "text": s}, ensure_ascii=False))
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
