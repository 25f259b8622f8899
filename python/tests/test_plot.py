"""ef.plot: figures returned, labelled axes, decade ticks on log axes, one-column size."""

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import exactflow as ef  # noqa: E402
from matplotlib.ticker import LogLocator  # noqa: E402


def decades(axis):
    ticks = [t for t in axis.get_majorticklocs() if t > 0]
    return all(abs(np.log10(t) - round(np.log10(t))) < 1e-9 for t in ticks) and len(ticks) >= 2


def test_trajectory_figure(tmp_path):
    sc = ef.Scenario.preset("alignment")
    fig = ef.plot.trajectory(sc, columns=("alignment", "loss", "ntk"))
    assert isinstance(fig, matplotlib.figure.Figure)
    w, h = fig.get_size_inches()
    assert w == pytest.approx(ef.plot.COLUMN_WIDTH)
    axes = fig.axes
    assert len(axes) == 3
    assert all(ax.get_ylabel() for ax in axes) and axes[-1].get_xlabel().startswith("time")
    loss = axes[1]
    assert loss.get_yscale() == "log" and isinstance(loss.yaxis.get_major_locator(), LogLocator)
    assert decades(loss.yaxis)
    assert axes[0].get_yscale() == "linear" and axes[0].get_title() == "alignment"
    fig.savefig(tmp_path / "t.pdf")
    assert (tmp_path / "t.pdf").stat().st_size > 1000


def test_trajectory_from_tables_with_an_overlay_and_log_time():
    sc = ef.Scenario.preset("kernel")
    tr = sc.solve(np.geomspace(1e-3, 10, 50))
    pts = sc.solve(np.linspace(0, 10, 11), columns=["residual", "z"])
    fig = ef.plot.trajectory(tr, columns=("abs_residual", "z"), overlay=pts, log_time=True, title="kernel")
    a0, a1 = fig.axes
    assert a0.get_xscale() == "log" and decades(a1.xaxis)
    assert len(a0.lines) == 2 and a0.get_legend() is not None and a0.get_title() == "kernel"
    hp = sc.solve([0, 1, 2], digits=20, columns=["ntk"])
    assert len(ef.plot.trajectory(hp, columns=("ntk",)).axes) == 1
    with pytest.raises(ValueError):
        ef.plot.trajectory(tr, columns=())


def test_phase_figure():
    ph = ef.phase(ef.Scenario.preset("alignment"), x=("sigma_u", 1e-4, 1, 12, "log"),
                  y=("sigma_w", 1e-4, 1, 9, "log"))
    fig = ef.plot.phase(ph, title="alignment")
    ax = fig.axes[0]
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_xscale() == "log"
    assert decades(ax.xaxis) and decades(ax.yaxis)
    names = {t.get_text() for t in ax.get_legend().get_texts()}
    assert names == set(np.unique(ph.labels))
    lin = ef.phase(ef.Scenario.preset("alignment"), x=("gamma", "1/2000", "1/500", 3), y=("exy", -1, 1, 1))
    assert ef.plot.phase(lin).axes[0].get_xscale() == "linear"
