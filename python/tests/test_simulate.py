"""ef.simulate: each method against the closed form (an independent route to the same
trajectory), GD full vs its exact reduced map, GD's edge of stability, every input error,
and a method's failure."""

import warnings
from decimal import Decimal

import numpy as np
import pytest

import exactflow as ef
from conftest import explicit


def test_flow_methods_follow_the_closed_form():
    sc = explicit()
    t = np.linspace(0, 3, 13)
    exact = sc.solve(t)
    for method, kw, tol in (("dop853", dict(rtol=1e-13), 1e-10), ("rk4", dict(step=0.002), 1e-9)):
        tr = ef.simulate(sc, method, times=t, **kw)
        assert isinstance(tr, ef.Trajectory) and tr.columns == ef.COLUMNS and tr.metadata["method"] == method
        for c in ("z", "residual", "ntk", "norm_u"):
            np.testing.assert_allclose(tr[c], exact[c], rtol=tol, err_msg=f"{method} {c}")
        assert "accepted" in tr.metadata["steps"]
    taylor = ef.simulate(sc, "taylor", times=["0", "1/2", 2], digits=30)
    assert isinstance(taylor, ef.DecimalTrajectory) and taylor.err == {}
    hp = sc.solve(["0", "1/2", 2], digits=30)
    for c in ("z", "residual", "ntk"):
        for a, b in zip(taylor[c], hp[c]):
            assert abs(a - b) <= Decimal("1e-26") * abs(b), (c, a, b)


def test_gradient_descent():
    sc = ef.Scenario.preset("kernel").replace(eta_u="0.1", eta_w="0.1")  # a*ntk ~ 0.2
    full = ef.simulate(sc, "gd", steps=50, every=10)
    red = ef.simulate(sc, "gd-reduced", steps=50, every=10)
    assert list(full["t"]) == [0, 10, 20, 30, 40, 50]
    np.testing.assert_allclose(full["residual"], red["residual"], rtol=1e-11)
    assert full.stability["first_unstable_step"] is None and full.stability["last_step"] == 50
    # GD is Euler's method on the flow with dt = 1: close to the flow for small steps.
    flow = sc.solve(full["t"])
    np.testing.assert_allclose(full["ntk"], flow["ntk"], rtol=1e-2)
    mp = ef.simulate(sc, "gd-reduced", steps=50, every=25, digits=40)
    assert isinstance(mp, ef.DecimalTrajectory) and mp.digits == 40 and len(mp) == 3
    assert float(mp["residual"][-1]) == pytest.approx(red["residual"][-1], rel=1e-12)
    assert int(mp.metadata["working_precision_bits"]) > 130
    # Past the edge of stability: a*ntk >= 2.
    hot = ef.Scenario.preset("kernel").replace(eta_u=40, eta_w=40)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # it may diverge within the steps
        run = ef.simulate(hot, "gd-reduced", steps=5)
    assert run.stability["first_unstable_step"] is not None and "a*ntk" in run.metadata["edge_of_stability"]


@pytest.mark.parametrize(
    "kw, field, message",
    [
        (dict(method="gd"), "steps", "needs it"),
        (dict(method="gd", steps=5, times=[1]), "times", "does not apply"),
        (dict(method="rk4"), "times", "needs it"),
        (dict(method="rk4", times=[1], rtol=1e-9), "rtol", "does not apply"),
        (dict(method="dop853", times=[1], rtol=1.0), "rtol", "must be in [1e-15, 1e-2]"),
        (dict(method="rk4", times=[1], step=0), "step", "must be in [1e-4, 1]"),
        (dict(method="gd", steps=10**9), "steps", "at most"),
        (dict(method="gd", steps=3, every=0), "every", "at least 1"),
        (dict(method="gd", steps=-1), "steps", ">= 0"),
        (dict(method="gd", steps=1.5), "steps", "expected an integer"),
        (dict(method="taylor", times=[1], digits=5), "digits", "between 10 and 1000"),
        (dict(method="taylor", times=[-1]), "times[0]", ">= 0"),
        (dict(method="rk4", times=["1e400"]), "times[0]", "f64 range"),
        (dict(method="warp", steps=1), "method", "unknown method"),
        (dict(method=3), "method", "expected a name"),
        (dict(method="rk4", times=[1], step="big"), "step", "expected a number"),
    ],
)
def test_simulate_input_errors(kw, field, message):
    with pytest.raises(ef.ScenarioError) as e:
        ef.simulate(explicit(), **kw)
    assert str(e.value).startswith(field + ": ") and message in str(e.value), str(e.value)


def test_a_failing_method_returns_the_rows_so_far_and_warns_or_raises():
    # Gradient descent past the edge of stability diverges (the scenario: a*ntk -> 4.3).
    with pytest.warns(RuntimeWarning, match="diverged at step"):
        tr = ef.simulate(explicit(), "gd", steps=100)
    assert isinstance(tr, ef.Trajectory) and 1 <= len(tr) < 101 and tr["t"][0] == 0
    assert "diverged" in tr.failure and tr.metadata["failure"] == tr.failure
    assert tr.stability["first_unstable_step"] is not None
    assert np.all(np.isfinite(tr["residual"]))
    wild = explicit().replace(eta_u=1e6, eta_w=1e6)
    with pytest.raises(ef.SimulationError) as e:
        ef.simulate(wild, "gd", steps=2000, on_failure="raise")
    assert "gd" in str(e.value) and isinstance(e.value.trajectory, ef.Trajectory)
    assert len(e.value.trajectory) >= 1 and e.value.trajectory["t"][0] == 0
    with pytest.raises(ef.ScenarioError, match="^on_failure:"):
        ef.simulate(explicit(), "gd", steps=3, on_failure="ignore")
    ok = ef.simulate(explicit(), "gd", steps=3)
    assert ok.failure is None
