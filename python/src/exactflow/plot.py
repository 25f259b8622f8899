"""Figures for papers (matplotlib, an optional dependency): trajectories and phase
diagrams with publication defaults — labelled axes, decade ticks on log axes, sizes
legible at one column width (3.4 in, 8 pt text) — each function returning its Figure.

::

    import exactflow as ef
    fig = ef.plot.trajectory(ef.Scenario.preset("alignment"))
    fig.savefig("alignment.pdf")
    ph = ef.phase(ef.Scenario.preset("alignment"), x=("sigma_u", 1e-4, 1, 64, "log"),
                  y=("sigma_w", 1e-4, 1, 48, "log"))
    ef.plot.phase(ph).savefig("phase.pdf")
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Sequence, Tuple, Union

import numpy as np

from . import _native
from ._core import PhaseDiagram, Scenario
from ._tables import CertifiedTrajectory, Trajectory

__all__ = ["trajectory", "phase", "LABEL_COLORS", "COLUMN_WIDTH", "rc"]

#: One column of a two-column paper, in inches.
COLUMN_WIDTH = 3.4

#: The mechanism labels' colours (the same as the CLI's heatmaps).
LABEL_COLORS: Dict[str, str] = {
    "kernel": "#a0a0a0",
    "alignment": "#1f77b4",
    "disalignment": "#d62728",
    "rescaling-u": "#2ca02c",
    "rescaling-w": "#ff7f0e",
    "saddle": "#282828",
}

#: matplotlib settings applied (locally, through ``rc_context``) to every figure.
rc: Dict[str, Any] = {
    "font.size": 8,
    "axes.labelsize": 8,
    "axes.titlesize": 8,
    "legend.fontsize": 7,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "lines.linewidth": 1.2,
    "lines.markersize": 3,
    "axes.linewidth": 0.6,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "savefig.dpi": 300,
    "savefig.bbox": "tight",
    "figure.dpi": 150,
    "mathtext.default": "regular",
}

_AXIS_LABELS = {
    "t": r"time $t$",
    "z": r"$z(t)$",
    "slope": r"slope $\gamma\, u\cdot w$",
    "residual": r"residual $e(t)$",
    "abs_residual": r"$|e(t)|$",
    "loss": r"loss $L(t)$",
    "ntk": "NTK",
    "alignment": r"alignment $\cos\angle(u,w)$",
    "norm_u": r"$|u|$",
    "norm_w": r"$|w|$",
    "width": r"width $d$",
    "sigma_u": r"$\sigma_u$",
    "sigma_w": r"$\sigma_w$",
    "eta_u": r"$\eta_u$",
    "eta_w": r"$\eta_w$",
    "gamma": r"$\gamma$",
    "exx": r"$E[x^2]$",
    "exy": r"$E[xy]$",
}

#: Columns drawn on a log axis by default (positive, spanning decades).
_LOG = {"loss", "abs_residual", "z"}


def _plt() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("exactflow.plot needs matplotlib: pip install matplotlib") from e
    return plt


def _decades(ax: Any, axis: str) -> None:
    """Major ticks at powers of ten labelled 10^k, unlabelled minor ticks between."""
    from matplotlib.ticker import LogFormatterSciNotation, LogLocator, NullFormatter

    a = ax.xaxis if axis == "x" else ax.yaxis
    a.set_major_locator(LogLocator(base=10.0, numticks=7))
    a.set_major_formatter(LogFormatterSciNotation(base=10.0))
    a.set_minor_locator(LogLocator(base=10.0, subs=np.arange(2, 10) * 0.1, numticks=12))
    a.set_minor_formatter(NullFormatter())


def _column(tr: Any, name: str) -> np.ndarray:
    if name == "abs_residual":
        return np.abs(_column(tr, "residual"))
    v = tr[name]
    return np.asarray(v, dtype=np.float64)


def trajectory(
    source: Union[Scenario, Trajectory, CertifiedTrajectory],
    columns: Sequence[str] = ("alignment", "loss", "ntk"),
    *,
    times: Optional[Any] = None,
    overlay: Optional[Any] = None,
    overlay_label: str = "gradient descent",
    log: Optional[Sequence[str]] = None,
    log_time: bool = False,
    title: Optional[str] = None,
    width: float = COLUMN_WIDTH,
) -> Any:
    """Trajectory panels, one per column, stacked over a shared time axis.

    ``source``: a :class:`~exactflow.Scenario` (its closed form at ``times``, default 400
    points from 0 to the engine's horizon, by which the residual has fallen 12 orders) or a
    trajectory table. ``columns``: any trajectory column or ``abs_residual``; ``log``
    those on a log axis (default: ``loss``, ``abs_residual``, ``z``) with decade ticks.
    ``overlay``: a second table drawn as points (e.g. gradient descent from
    ``ef.simulate``, or your own trainer's output as a dict with ``t``). Returns the
    matplotlib Figure.
    """
    plt = _plt()
    if isinstance(source, Scenario):
        if times is None:
            h = _native.horizon(source._native)
            times = np.geomspace(h * 1e-4, h, 400) if log_time else np.linspace(0.0, h, 400)
        tr: Any = source.solve(times)
        name = source.name
    else:
        tr, name = source, None
    cols = list(columns)
    if not cols:
        raise ValueError("columns: give at least one column")
    logs = set(_LOG if log is None else log)
    with plt.rc_context(rc):
        fig, axes = plt.subplots(len(cols), 1, sharex=True, squeeze=False,
                                 figsize=(width, 1.25 + 1.05 * len(cols)))
        t = np.asarray(tr["t"], dtype=np.float64)
        for ax, c in zip(axes[:, 0], cols):
            y = _column(tr, c)
            keep = np.isfinite(y) & ((y > 0) if c in logs else True)
            if log_time:
                keep &= t > 0
            ax.plot(t[keep], y[keep], color="#1f77b4", label="gradient flow (exact)")
            if overlay is not None:
                ot = np.asarray(overlay["t"], dtype=np.float64)
                oy = _column(overlay, c)
                ok = np.isfinite(oy) & ((oy > 0) if c in logs else True)
                if log_time:
                    ok &= ot > 0
                ax.plot(ot[ok], oy[ok], "o", color="#d62728", markerfacecolor="none",
                        markeredgewidth=0.8, label=overlay_label)
            ax.set_ylabel(_AXIS_LABELS.get(c, c))
            if c in logs:
                ax.set_yscale("log")
                _decades(ax, "y")
            ax.grid(True, which="major", linewidth=0.3, alpha=0.5)
        bottom = axes[-1, 0]
        bottom.set_xlabel(_AXIS_LABELS["t"] + (" (GD: step)" if overlay is not None else ""))
        if log_time:
            bottom.set_xscale("log")
            _decades(bottom, "x")
        if overlay is not None:
            axes[0, 0].legend(loc="best", frameon=False)
        if title or name:
            axes[0, 0].set_title(title if title is not None else str(name))
        fig.align_ylabels(axes[:, 0])
        fig.tight_layout()
    return fig


def _edges(v: np.ndarray, log: bool) -> np.ndarray:
    """Cell edges around the sweep's values (geometric midpoints on a log axis)."""
    v = np.asarray(v, dtype=np.float64)
    if len(v) == 1:
        return np.array([v[0] / 2, v[0] * 2]) if log else np.array([v[0] - 0.5, v[0] + 0.5])
    if log:
        lv = np.log10(v)
        mid = (lv[1:] + lv[:-1]) / 2
        e = np.concatenate([[lv[0] - (mid[0] - lv[0])], mid, [lv[-1] + (lv[-1] - mid[-1])]])
        return 10.0**e
    mid = (v[1:] + v[:-1]) / 2
    return np.concatenate([[v[0] - (mid[0] - v[0])], mid, [v[-1] + (v[-1] - mid[-1])]])


def phase(
    diagram: PhaseDiagram,
    *,
    title: Optional[str] = None,
    width: float = COLUMN_WIDTH,
    legend: bool = True,
) -> Any:
    """The phase diagram as a categorical heatmap of the mechanism labels (colours
    :data:`LABEL_COLORS`), log axes with decade ticks where the sweep is geometric, a
    legend of the labels present. Returns the matplotlib Figure."""
    plt = _plt()
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch

    names = list(_native.LABELS)
    cmap = ListedColormap([LABEL_COLORS[n] for n in names])
    norm = BoundaryNorm(np.arange(len(names) + 1) - 0.5, len(names))
    with plt.rc_context(rc):
        fig, ax = plt.subplots(figsize=(width, width * 0.8))
        ax.pcolormesh(_edges(diagram.x, diagram.x_log), _edges(diagram.y, diagram.y_log),
                      diagram.codes, cmap=cmap, norm=norm, shading="flat", rasterized=True)
        ax.set_xlabel(_AXIS_LABELS.get(diagram.x_name, diagram.x_name))
        ax.set_ylabel(_AXIS_LABELS.get(diagram.y_name, diagram.y_name))
        if diagram.x_log:
            ax.set_xscale("log")
            _decades(ax, "x")
        if diagram.y_log:
            ax.set_yscale("log")
            _decades(ax, "y")
        if legend:
            present = [n for n in names if (diagram.labels == n).any()]
            ax.legend(handles=[Patch(facecolor=LABEL_COLORS[n], label=n) for n in present],
                      loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
        if title:
            ax.set_title(title)
        fig.tight_layout()
    return fig
