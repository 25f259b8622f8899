"""sc.solve: the fast engine against the independent mpmath reference (1e-11 relative and
better), the certified engine at 40 digits (within 1e-37 of the truth, bounds containing
it), times and columns semantics, and every input error."""

from decimal import Decimal, localcontext
from fractions import Fraction

import mpmath as mp
import numpy as np
import pytest

import exactflow as ef
from reference import COLUMNS, Reference


def horizon_times(sc, n=12):
    """0, a few early times, then out to where the residual has fallen ~200 orders."""
    om = Reference(sc).omega_estimate
    scale = 1.0 / om if om > 0 else 1.0
    ts = [0.0, 1e-3 * scale, 0.1 * scale, 0.5 * scale, scale, 3 * scale, 10 * scale, 40 * scale,
          100 * scale, 300 * scale, 460 * scale]
    return np.array(ts[:n])


def rel_err(x, ref):
    x, ref = mp.mpf(float(x)), mp.mpf(ref)
    if ref == 0:
        return abs(x)
    return abs(x - ref) / abs(ref)


def test_fast_within_1e11_of_the_reference(scenario):
    ts = horizon_times(scenario)
    tr = scenario.solve(ts)
    ref = Reference(scenario)
    assert tr.columns == ef.COLUMNS
    assert len(tr) == len(ts)
    worst = 0.0
    for i, t in enumerate(ts):
        r = ref.at(Fraction(float(t)), 25)
        for c in COLUMNS:
            v, x = r[c], tr[c][i]
            if mp.isnan(v):
                assert np.isnan(x), (c, t)
                continue
            if c == "slope":
                # Relative to the slope's scale (it may cross zero): |theta*| + |residual|.
                scale = abs(ref.at(Fraction(0), 20)["slope"] - r["residual"]) + abs(r["residual"]) + abs(v)
                err = abs(mp.mpf(float(x)) - v) / scale
            elif c == "alignment":
                err = abs(mp.mpf(float(x)) - v)
            elif c in ("norm_u", "norm_w"):
                err = abs(mp.mpf(float(x)) - v) / max(r["norm_u"], r["norm_w"])
            else:
                if abs(v) < mp.mpf("1e-300"):
                    continue  # below f64's normal range
                err = rel_err(x, v)
            worst = max(worst, float(err))
            assert err <= 1e-11, f"{c} at t = {t}: {x!r} vs {mp.nstr(v, 20)} (error {float(err):.3e})"
    assert worst < 1e-12  # the documented bound is ~6e-14 plus omega*t terms


def test_mp_40_digits_within_1e37_and_bounds_contain_the_truth(scenario):
    ts = horizon_times(scenario, 9)
    hp = scenario.solve(ts, digits=40)
    assert isinstance(hp, ef.CertifiedTrajectory)
    assert hp.uncertified == 0
    ref = Reference(scenario, extra_digits=60)
    for i, t in enumerate(ts):
        r = ref.at(Fraction(float(t)), 60)
        for c in COLUMNS:
            v, err = hp[c][i], hp.err[c][i]
            assert isinstance(v, Decimal) and isinstance(err, Decimal)
            truth = r[c]
            if mp.isnan(truth):
                assert v.is_nan()
                continue
            with mp.workdps(120):
                dev = abs(mp.mpf(str(v)) - truth)
                assert dev <= mp.mpf(str(err)), f"{c} at t = {t}: bound {err} does not contain the truth (dev {mp.nstr(dev, 5)})"
                assert dev <= mp.mpf("1e-37") * abs(truth) or dev == 0, f"{c} at t = {t}: {v} vs {mp.nstr(truth, 45)}"
            assert err <= Decimal("1e-38") * abs(v) or v == 0


def test_mp_exact_times_are_exact():
    sc = ef.Scenario.preset("alignment")
    third = sc.solve(["1/3", Fraction(1, 3)], digits=50, columns=["residual"])
    assert third["residual"][0] == third["residual"][1]
    tenth_exact = sc.solve(["0.1"], digits=50, columns=["z"])["z"][0]
    tenth_binary = sc.solve([0.1], digits=50, columns=["z"])["z"][0]
    assert tenth_exact != tenth_binary  # 0.1 as a float is not 1/10
    ref = Reference(sc, 60)
    with mp.workdps(80):
        assert abs(mp.mpf(str(tenth_exact)) - ref.at(Fraction(1, 10), 60)["z"]) < mp.mpf("1e-49")
        assert abs(mp.mpf(str(tenth_binary)) - ref.at(Fraction(0.1), 60)["z"]) < mp.mpf("1e-49")


def test_fast_times_are_binary_values_and_str_times_round():
    sc = ef.Scenario.preset("kernel")
    a = sc.solve(np.array([0.1, 0.25]))
    b = sc.solve([0.1, "0.25"])
    c = sc.solve(["0.1", Fraction(1, 4)])
    for col in ef.COLUMNS:
        assert np.array_equal(a[col], b[col]) and np.array_equal(a[col], c[col])
    assert a["t"][0] == 0.1
    # One number is one time point; float32 arrays are widened exactly.
    assert len(sc.solve(2.5)) == 1
    f32 = np.array([0.1, 1.5], dtype=np.float32)
    assert np.array_equal(sc.solve(f32)["z"], sc.solve(f32.astype(np.float64))["z"])
    # Non-contiguous and integer arrays.
    t = np.linspace(0, 5, 11)
    assert np.array_equal(sc.solve(t[::2])["z"], sc.solve(t[::2].copy())["z"])
    assert np.array_equal(sc.solve(np.arange(4))["z"], sc.solve([0.0, 1.0, 2.0, 3.0])["z"])


def test_batch_equals_pointwise_bit_for_bit():
    sc = ef.Scenario.preset("rescaling")
    t = np.concatenate([np.linspace(0, 1e4, 70_001), [0.0, 3.5]])  # crosses parallel blocks
    whole = sc.solve(t, columns=["z", "residual"])
    for i in (0, 1, 7, 8, 9, 32_767, 32_768, 65_535, 65_536, 70_000, 70_001, 70_002):
        one = sc.solve(t[i : i + 1], columns=["z", "residual"])
        assert whole["z"][i] == one["z"][0] and whole["residual"][i] == one["residual"][0], i


def test_columns_and_trajectory_api():
    sc = ef.Scenario.preset("alignment")
    tr = sc.solve(np.linspace(0, 10, 5), columns=["residual", "z"])
    assert tr.columns == ("t", "z", "residual")
    assert tr["residual"].dtype == np.float64 and tr["residual"].shape == (5,)
    assert not tr["z"].flags.writeable
    assert tr.to_numpy().shape == (5, 3)
    assert np.array_equal(tr.to_numpy()[:, 2], tr["residual"])
    assert set(dict(tr)) == {"t", "z", "residual"}
    assert sc.solve([1.0], columns="ntk,alignment").columns == ("t", "ntk", "alignment")
    assert sc.solve([1.0], columns=[]).columns == ("t",)
    m = tr.metadata
    assert m["engine"] == "fast" and m["command"] == "solve" and m["scenario"] == "alignment"
    assert m["scenario_sha256"] == sc.sha256 and m["width"] == "1000"
    with pytest.raises(KeyError, match="no column 'ntk'"):
        tr["ntk"]
    empty = sc.solve([])
    assert len(empty) == 0 and empty["z"].shape == (0,)
    df = tr.to_pandas()
    assert list(df.columns) == ["t", "z", "residual"] and df.attrs["exactflow"]["engine"] == "fast"


def test_certified_trajectory_api():
    sc = ef.Scenario.preset("saddle")
    hp = sc.solve([0, 1, 2], digits=30, columns=["residual", "norm_u"])
    assert hp.columns == ("t", "residual", "norm_u") and len(hp) == 3 and hp.digits == 30
    assert hp["t"].dtype == np.float64
    assert all(isinstance(x, Decimal) for x in hp["residual"])
    assert hp.metadata["engine"] == "mp" and int(hp.metadata["working_precision_bits"]) >= 100
    with localcontext() as ctx:
        ctx.prec = 30
        assert len(hp["residual"][1].as_tuple().digits) == 30
    assert hp.to_numpy().dtype == np.float64 and hp.to_numpy(dtype=object)[1, 1] == hp["residual"][1]
    df = hp.to_pandas()
    assert list(df.columns) == ["t", "residual", "residual_err", "norm_u", "norm_u_err"]
    assert np.array_equal(hp.to_trajectory()["residual"], hp["residual"].astype(float))


def test_mp_digits_range():
    sc = ef.Scenario.preset("alignment")
    assert len(str(sc.solve([1], digits=10, columns=["z"])["z"][0]).replace(".", "").replace("-", "").split("E")[0]) == 10
    big = sc.solve([1], digits=2000, columns=["z"])["z"][0]
    assert len(big.as_tuple().digits) == 2000
    for bad in (9, 100_001, -1, 0):
        with pytest.raises(ef.ScenarioError, match=r"^digits: the mp engine prints 10 to 100000"):
            sc.solve([1], digits=bad)
    for bad in (2.5, "40", True):
        with pytest.raises(ef.ScenarioError, match="^digits: expected an integer"):
            sc.solve([1], digits=bad)


@pytest.mark.parametrize(
    "times, field, message",
    [
        ([0, -1], "times[1]", "time must be >= 0"),
        (np.array([0.0, np.nan]), "times[1]", "time must be finite"),
        ([float("inf")], "times[0]", "must be finite"),
        (["abc"], "times[0]", "malformed number"),
        (["1e400"], "times[0]", "beyond the f64 range"),
        ([None], "times[0]", "expected a number"),
        (np.zeros((2, 2)), "times", "1-D"),
        ([True], "times[0]", "got bool"),
        ([-0.5], "times[0]", ">= 0"),
    ],
)
def test_time_errors_name_the_field(times, field, message):
    sc = ef.Scenario.preset("alignment")
    for digits in (None, 20):
        with pytest.raises(ef.ScenarioError) as e:
            sc.solve(times, digits=digits)
        assert str(e.value).startswith(field + ": ") and message in str(e.value)
        assert e.value.field == field
        assert isinstance(e.value, ValueError)


def test_column_errors():
    sc = ef.Scenario.preset("alignment")
    with pytest.raises(ef.ScenarioError, match=r'^columns: unknown column "energy"'):
        sc.solve([1], columns=["energy"])
    with pytest.raises(ef.ScenarioError, match="^columns:"):
        sc.solve([1], columns=[1, 2])
    with pytest.raises(ef.ScenarioError, match="^columns:"):
        sc.solve([1], columns=["z,ntk"])
    with pytest.raises(ef.ScenarioError, match="^columns:"):
        sc.solve([1], columns=5)


def test_reused_memory_gives_the_same_bits_and_trim_releases_it():
    sc = ef.Scenario.preset("disalignment")
    t = np.linspace(0, 5000, 300_001)  # 2.4 MB columns: the allocator caches them
    a = sc.solve(t, columns=["z", "residual"])
    a_z, a_e = np.array(a["z"]), np.array(a["residual"])
    del a
    b = sc.solve(t[::-1].copy(), columns=["z", "residual"])  # reuses a's blocks
    assert np.array_equal(b["z"][::-1], a_z) and np.array_equal(b["residual"][::-1], a_e)
    del b
    assert ef._native.trim() > 0
    assert ef._native.trim() == 0
    c = sc.solve(t, columns=["z", "residual"])
    assert np.array_equal(c["z"], a_z)
