"""Exact limits (against mpmath, 1e-36), the exact checks, the certification, the
mechanism labels at width 2000, phase diagrams, and their input errors."""

import math
from decimal import Decimal
from fractions import Fraction

import mpmath as mp
import numpy as np
import pytest

import exactflow as ef
from conftest import explicit
from reference import Reference


@pytest.mark.parametrize("make", [explicit, lambda: ef.Scenario.preset("alignment"),
                                  lambda: ef.Scenario.preset("kernel"),
                                  lambda: ef.Scenario.preset("rescaling")])
def test_limits_to_1e36(make):
    sc = make()
    lim = sc.limits(digits=40)
    assert set(lim) == {"z_plus", "ntk_inf", "alignment_inf", "residual_inf"}
    assert all(isinstance(v, Decimal) for v in lim.values())
    ref = Reference(sc).limits(80)
    with mp.workdps(100):
        for k in ("z_plus", "ntk_inf", "alignment_inf"):
            truth = ref[k]
            dev = abs(mp.mpf(str(lim[k])) - truth)
            assert dev <= mp.mpf("1e-36") * abs(truth), (k, lim[k], mp.nstr(truth, 45))
            # Correctly rounded to 40 digits: within half a unit in the 40th digit.
            assert dev <= mp.mpf(10) ** (mp.floor(mp.log10(abs(truth))) - 39) / 2
            assert len(lim[k].as_tuple().digits) == 40
        assert abs(mp.mpf(str(lim.omega)) - ref["omega"]) <= mp.mpf("1e-36") * ref["omega"]
    assert lim["residual_inf"] == 0
    assert all(lim.correctly_rounded.values())
    assert "sqrt" in lim.exact["z_plus"] or "/" in lim.exact["z_plus"]
    # The fast engine late in training agrees.
    tr = sc.solve([1e4 / float(lim.omega)], columns=["z", "ntk", "alignment"])
    assert tr["z"][0] == pytest.approx(float(lim["z_plus"]), rel=1e-12)
    assert tr["ntk"][0] == pytest.approx(float(lim["ntk_inf"]), rel=1e-12)


def test_limits_of_the_saddle_and_digits():
    lim = ef.Scenario.preset("saddle").limits(30)
    assert lim["z_plus"] == 0 and lim["residual_inf"] == 1  # theta* = -1: e -> -theta*
    assert lim.case and lim.gd_stable_at_limit is None or isinstance(lim.gd_stable_at_limit, bool)
    assert len(explicit().limits(digits=200)["z_plus"].as_tuple().digits) == 200
    assert len(explicit().limits(digits=1)["z_plus"].as_tuple().digits) == 1
    for bad in (0, 10_001):
        with pytest.raises(ef.ScenarioError, match="^digits: "):
            explicit().limits(bad)


def test_check():
    r = explicit().check()
    assert r.passed and bool(r) and r.failed == []
    names = [c.name for c in r.checks]
    for n in ("conservation", "gd_drift", "riccati_symbolic", "limits"):
        assert n in names
    assert all(isinstance(c, ef.Check) and c.passed and c.detail for c in r.checks)
    assert r.limits["z_plus"] == explicit().limits()["z_plus"]
    assert r.width == 3 and "PASS conservation" in str(r)
    # A point: the origin is a strict saddle; a point with e = 0 a minimum.
    sad = explicit().check(point=([0, 0, 0], [0, 0, 0]))
    assert sad.point["kind"] == "saddle"
    # gamma * u.w = theta*: theta* = -2.5/1.1, u = (1, 0, 0), w = (theta*/0.9, 0, 0).
    w1 = Fraction(-25, 11) / Fraction(9, 10)
    mn = explicit().check(point=([1, 0, 0], [w1, 0, 0]))
    assert mn.point["kind"] == "minimum" and isinstance(mn.point["a_ntk"], Fraction)
    ns = explicit().check(point=([1, 0, 0], [1, 0, 0]))
    assert ns.point["kind"] == "not_stationary" and ns.point["residual"] != 0
    for kw, field in [(dict(gd_steps=13), "gd_steps"), (dict(gd_steps=-1), "gd_steps"),
                      (dict(digits=29), "digits"), (dict(point=([1], [1, 2])), "point_w"),
                      (dict(point=([], [])), "point_w"), (dict(point=(["x"], [1])), "point_u[0]"),
                      (dict(gd_steps=1.5), "gd_steps")]:
        with pytest.raises(ef.ScenarioError) as e:
            explicit().check(**kw)
        assert str(e.value).startswith(field + ": "), str(e.value)


def test_certify():
    r = explicit().certify(digits=30, points=6, taylor_points=2)
    assert r.passed, str(r)
    names = [l.name for l in r.lines]
    assert "mp-certified" in names and "fast-vs-mp:residual" in names and "taylor-vs-closed-form" in names
    assert all(isinstance(l, ef.CertifyLine) and l.measured and l.bound for l in r.lines)
    for kw, field in [(dict(digits=19), "digits"), (dict(digits=1001), "digits"),
                      (dict(points=1), "points"), (dict(taylor_digits=5), "taylor_digits"),
                      (dict(points=4, taylor_points=5), "taylor_points")]:
        with pytest.raises(ef.ScenarioError) as e:
            explicit().certify(**kw)
        assert str(e.value).startswith(field + ": ")


SEEDS = (0, 5, 123)


def gaussian2000(su, sw, gamma, exy, seed):
    return ef.Scenario.gaussian(width=2000, sigma_u=su, sigma_w=sw, seed=seed, gamma=gamma,
                                exy=exy, eta_u=1, eta_w=1, exx=1)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_five_mechanism_labels_at_width_2000(seed):
    k = gaussian2000(1, 1, 1 / math.sqrt(2000), 1, seed).mechanism()
    assert k.label == "kernel" and abs(k.quantities["ntk_change"]) < 0.1
    a = gaussian2000("1e-3", "1e-3", "1/2000", 1, seed).mechanism()
    assert a.label == "alignment" and a.quantities["alignment_inf"] > 0.99
    d = gaussian2000("1e-3", "1e-3", "1/2000", -1, seed).mechanism()
    assert d.label == "disalignment" and d.quantities["alignment_inf"] < -0.99
    assert gaussian2000(1, "1e-4", "1/2000", 1, seed).mechanism().label == "rescaling-u"
    assert gaussian2000("1e-4", 1, "1/2000", 1, seed).mechanism().label == "rescaling-w"


def test_mechanism_of_the_presets():
    want = {"kernel": "kernel", "alignment": "alignment", "disalignment": "disalignment",
            "rescaling": "rescaling-u", "saddle": "saddle"}
    for p, label in want.items():
        m = ef.Scenario.preset(p).mechanism()
        assert m.label == label and str(m) == label and label in ef.LABELS
        assert set(m.quantities) >= {"ntk_change", "alignment0", "alignment_inf", "rotation_u",
                                     "rotation_w", "norm_ratio_u", "norm_ratio_w", "time_scale"}
        assert m.thresholds["ntk_change"] == 0.1


def test_phase():
    sc = ef.Scenario.preset("alignment")
    ph = ef.phase(sc, x=("sigma_u", 1e-4, 1, 16, "log"), y=("sigma_w", 1e-4, 1, 12, "log"))
    assert ph.labels.shape == (12, 16) and ph.codes.shape == (12, 16)
    assert ph.x.shape == (16,) and ph.y.shape == (12,) and ph.x_log and ph.y_log
    assert ph.x[0] == 1e-4 and ph.x[-1] == 1.0 and ph.x_name == "sigma_u"
    assert ph.ntk_change.shape == (12, 16) and ph.quantities["alignment_inf"].dtype == np.float64
    assert set(ph.counts()) <= set(ef.LABELS)
    # Each cell is the mechanism of that scenario (sweeps run on f64 moments).
    for j, i in [(0, 0), (5, 7), (11, 15)]:
        one = sc.replace(sigma_u=ph.x[i], sigma_w=ph.y[j]).mechanism()
        assert one.label == ph.labels[j, i]
    # The CLI's axis syntax, and a linear axis.
    same = ef.phase(sc, x="sigma_u=1e-4..1:log:16", y="sigma_w=1e-4..1:log:12")
    assert not np.array_equal(same.x, ph.x) or np.array_equal(same.labels, ph.labels)
    lin = ef.phase(sc, x=("gamma", "1/2000", "1/500", 4), y=("exy", -1, 1, 3))
    assert lin.labels.shape == (3, 4) and not lin.x_log
    for x, y, field in [
        (("sigma_u", 0, 1, 4, "log"), ("sigma_w", 1e-4, 1, 3), "x"),
        (("sigma_u", 1e-4, 1, 4), ("sigma_u", 1e-4, 1, 3), "y"),
        (("spin", 1, 2, 3), ("sigma_w", 1e-4, 1, 3), "x"),
        (("sigma_u", 1, 2), ("sigma_w", 1e-4, 1, 3), "x"),
        (("sigma_u", 1, 2, 0), ("sigma_w", 1e-4, 1, 3), "x"),
        (("sigma_u", 1, 2, 3, "cubic"), ("sigma_w", 1e-4, 1, 3), "x"),
        (("sigma_u", 1, 2, 3), ("width", 0, 10, 3), "y"),
        (("sigma_u", 1, 2, 3), ("eta_u", float("nan"), 1, 3), "y"),
        (("sigma_u", 1, 2, 3), "sigma_w=1..2", "y"),
        (("sigma_u", 1, 2, 3000), ("sigma_w", 1, 2, 4000), "y"),
    ]:
        with pytest.raises(ef.ScenarioError) as e:
            ef.phase(sc, x=x, y=y)
        assert str(e.value).startswith(field + ": "), str(e.value)
    explicit_sc = explicit()
    with pytest.raises(ef.ScenarioError, match="^x: a sigma_u sweep needs a gaussian"):
        ef.phase(explicit_sc, x=("sigma_u", 1, 2, 3), y=("gamma", 1, 2, 3))
