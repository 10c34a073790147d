"""Charts of the documents as PNG images, drawn by matplotlib (Agg, no display) with the Noto CJK
fonts of Debian's ``fonts-noto-cjk``. The same data give the same bytes: the PNG carries no
software or time stamp. Colours are those of the web pages' charts (``web/static``)."""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib import font_manager, rc_context
from matplotlib.figure import Figure

log = logging.getLogger(__name__)

# Fonts tried in order; the first installed one draws the Chinese (Debian: fonts-noto-cjk).
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "WenQuanYi Zen Hei")
PALETTE = ("#1f6f8b", "#e07a1f", "#3a9d5d", "#b23a48", "#6c5b7b", "#7f7f7f")
DPI = 150


def _font() -> str:
    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in names:
            return name
    log.warning("no CJK font found (install fonts-noto-cjk): Chinese labels will show as boxes")
    return "DejaVu Sans"


def _figure(width: float, height: float) -> tuple[Figure, Any]:
    """A figure outside pyplot (no global state: safe in the web app's threads)."""
    fig = Figure(figsize=(width, height))
    return fig, fig.add_subplot()


def _png(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, metadata={"Software": None}, bbox_inches="tight")
    return out.getvalue()


def _style() -> dict[str, Any]:
    return {
        "font.family": [_font(), "DejaVu Sans"],
        "axes.unicode_minus": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "font.size": 9,
    }


def lines(
    series: Mapping[str, Mapping[int, float]],
    *,
    ylabel: str,
    title: str,
    bands: Mapping[str, tuple[Mapping[int, float], Mapping[int, float]]] | None = None,
    mark_year: int | None = None,
) -> bytes:
    """Lines by year (e.g. CO2 by scenario), each with an optional shaded band (low, high)."""
    with rc_context(_style()):
        fig, ax = _figure(6.4, 3.2)
        for i, (name, values) in enumerate(series.items()):
            colour = PALETTE[i % len(PALETTE)]
            years = sorted(values)
            ax.plot(years, [values[y] for y in years], color=colour, label=name, linewidth=1.6)
            if bands and name in bands:
                low, high = bands[name]
                band_years = sorted(low)
                ax.fill_between(
                    band_years,
                    [low[y] for y in band_years],
                    [high[y] for y in band_years],
                    color=colour,
                    alpha=0.15,
                    linewidth=0,
                )
        if mark_year is not None:
            ax.axvline(mark_year, color="#999999", linestyle="--", linewidth=0.8)
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.legend(frameon=False, fontsize=8)
        ax.grid(axis="y", color="#e5e5e5")
        return _png(fig)


def bars(labels: Sequence[str], values: Sequence[float], *, ylabel: str, title: str) -> bytes:
    """Signed bars (e.g. the LMDI effects): increases orange, decreases blue."""
    with rc_context(_style()):
        fig, ax = _figure(6.4, 3.0)
        colours = [PALETTE[1] if v > 0 else PALETTE[0] for v in values]
        ax.bar(range(len(values)), values, color=colours)
        ax.set_xticks(range(len(labels)), labels, fontsize=8)
        ax.axhline(0, color="#333333", linewidth=0.8)
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.grid(axis="y", color="#e5e5e5")
        return _png(fig)


def stacked(years: Sequence[int], parts: Mapping[str, Sequence[float]], *, ylabel: str, title: str) -> bytes:
    """Stacked bars by year (e.g. CO2 by source)."""
    with rc_context(_style()):
        fig, ax = _figure(6.4, 3.2)
        bottom = [0.0] * len(years)
        for i, (name, values) in enumerate(parts.items()):
            ax.bar(years, values, bottom=bottom, label=name, color=PALETTE[i % len(PALETTE)])
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.set_xticks(list(years), [str(y) for y in years])
        ax.legend(frameon=False, fontsize=8, ncol=min(4, len(parts)))
        ax.grid(axis="y", color="#e5e5e5")
        return _png(fig)
