"""ef.compare and ef.testing.assert_trajectory_close: exact decisions, the report, the
pytest helper catching a 1e-6 perturbation at rtol 1e-9 and naming column, time and
deviation, every table kind, every input error."""

import re
from decimal import Decimal

import numpy as np
import pytest

import exactflow as ef
from exactflow.testing import assert_trajectory_close
from conftest import explicit


def rk4_trainer(sc, t_end, n_steps, record_every):
    """A user's numpy gradient-flow trainer (RK4 on the raw flow), the kind of code the
    helper is for: returns times and the residual, NTK and alignment along the way."""
    f = {k: float(v) for k, v in sc.fields.items() if k in ("gamma", "eta_u", "eta_w", "exx", "exy")}
    g, eu, ew, a = f["gamma"], f["eta_u"], f["eta_w"], f["exx"]
    th = f["exy"] / a
    u, w = sc.u0.copy(), sc.w0.copy()
    h = t_end / n_steps

    def field(u, w):
        e = g * (u @ w) - th
        return -eu * a * g * e * w, -ew * a * g * e * u

    ts, res, ntk, al = [], [], [], []
    for n in range(n_steps + 1):
        if n % record_every == 0:
            ts.append(n * h)
            res.append(g * (u @ w) - th)
            ntk.append(g * g * (eu * (w @ w) + ew * (u @ u)))
            al.append((u @ w) / np.sqrt((u @ u) * (w @ w)))
        if n == n_steps:
            break
        k1 = field(u, w)
        k2 = field(u + h / 2 * k1[0], w + h / 2 * k1[1])
        k3 = field(u + h / 2 * k2[0], w + h / 2 * k2[1])
        k4 = field(u + h * k3[0], w + h * k3[1])
        u = u + h / 6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0])
        w = w + h / 6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1])
    return {"t": np.array(ts), "residual": np.array(res), "ntk": np.array(ntk), "alignment": np.array(al)}


def test_helper_passes_the_exact_trajectory_and_catches_a_1e6_perturbation():
    sc = ef.Scenario.preset("kernel")
    t = np.linspace(0, 3, 301)
    tr = sc.solve(t)
    report = assert_trajectory_close(tr, sc, rtol=1e-9)
    assert report.passed and report.rows == 301
    cand = {c: np.array(tr[c]) for c in ("t", "z", "residual", "ntk")}
    cand["residual"][137] *= 1 + 1e-6
    with pytest.raises(AssertionError) as e:
        assert_trajectory_close(cand, sc, rtol=1e-9)
    msg = str(e.value)
    assert "column 'residual'" in msg and "1 of 301 cells" in msg
    t137 = t[137]
    m = re.search(r"worst at t = (\S+) \(row 138\)", msg)
    assert m and float(m.group(1)) == t137, msg
    dev = float(re.search(r"\|deviation\| = (\S+) >", msg).group(1))
    assert dev == pytest.approx(abs(tr["residual"][137]) * 1e-6, rel=1e-3)
    assert "'z'" not in msg and "'ntk'" not in msg  # only the failing column is named


def test_helper_on_a_real_trainer_and_tolerances():
    sc = explicit()
    run = rk4_trainer(sc, 2.0, 4000, 100)
    assert_trajectory_close(run, sc, rtol=1e-9, atol=1e-12)
    with pytest.raises(AssertionError, match="residual"):
        assert_trajectory_close(rk4_trainer(sc, 2.0, 40, 2), sc, rtol=1e-9)
    # Tolerances as text and Decimal; columns restricts the comparison.
    assert_trajectory_close(run, sc, rtol="1e-9", atol=Decimal("1e-12"), columns=["ntk"])


def test_helper_accepts_every_table_kind():
    pd = pytest.importorskip("pandas")
    sc = ef.Scenario.preset("alignment")
    tr = sc.solve(np.linspace(0, 100, 11), columns=["residual", "ntk"])
    kinds = [tr, tr.to_dict(), tr.to_pandas(), pd.DataFrame(tr.to_dict())]
    rec = np.zeros(11, dtype=[("t", "f8"), ("residual", "f8")])
    rec["t"], rec["residual"] = tr["t"], tr["residual"]
    kinds.append(rec)
    for k in kinds:
        assert assert_trajectory_close(k, sc, rtol=1e-12).passed


@pytest.mark.parametrize(
    "cand, kw, field, message",
    [
        ({"residual": [1.0]}, {}, "candidate", 'no column "t"'),
        ({"t": [0.0], "energy": [1.0]}, {}, "candidate", "unknown column 'energy'"),
        ({"t": [0.0]}, {}, "candidate", "no value column"),
        ({"t": [-1.0], "z": [1.0]}, {}, "times[0]", ">= 0"),
        ({"t": [0.0], "z": [1.0]}, {"columns": ["ntk"]}, "candidate", "no column 'ntk'"),
        ({"t": [0.0], "z": [1.0]}, {"columns": ["spin"]}, "columns", "unknown column"),
        ({"t": [0.0], "z": [1.0]}, {"rtol": -1.0}, "rtol", "not a finite number >= 0"),
        ({"t": [0.0], "z": [1.0]}, {"atol": "x"}, "atol", "not a finite number >= 0"),
        ({"t": [0.0], "z": ["a"]}, {}, "candidate", "not numeric"),
        (np.zeros(3), {}, "candidate", "no column names"),
        (42, {}, "candidate", "expected a Trajectory"),
    ],
)
def test_helper_input_errors(cand, kw, field, message):
    with pytest.raises(ef.ScenarioError) as e:
        assert_trajectory_close(cand, ef.Scenario.preset("alignment"), **kw)
    assert str(e.value).startswith(field + ": ") and message in str(e.value), str(e.value)


def test_compare_report(tmp_path):
    sc = ef.Scenario.preset("disalignment")
    t = np.linspace(0, 2000, 41)
    ref = sc.solve(t, digits=25)
    cand = sc.solve(t)
    r = ef.compare(ref, cand, rtol=1e-12)
    assert r.passed and bool(r) and r.rows == 41
    assert {c.column for c in r.columns} == set(ef.COLUMNS) - {"t"}
    assert r["residual"].compared == 41 and r["residual"].worst.error <= r["residual"].worst.allowed
    bad = cand.to_dict()
    bad = {k: np.array(v) for k, v in bad.items()}
    bad["ntk"][40] += 1e-3 * abs(bad["ntk"][40])
    r = ef.compare(ref, bad, rtol=1e-9)
    assert not r.passed and r["ntk"].failed == 1 and r["z"].passed
    w = r["ntk"].worst
    assert float(w.t) == t[40] and not w.passed and w.row == 41
    assert "FAIL ntk" in str(r) and "result: FAIL" in str(r)
    # Missing rows and columns not compared.
    short = {k: v[:-1] for k, v in cand.to_dict().items() if k in ("t", "z")}
    r = ef.compare(cand, short)
    assert not r.passed and len(r.missing_rows) == 1 and "ntk" in r.not_compared
    # Exact decisions: a tolerance of exactly the difference passes, a hair less fails.
    a = {"t": np.array([0.0]), "z": np.array([1.0])}
    b = {"t": np.array([0.0]), "z": np.array([1.0 + 2**-40])}
    assert ef.compare(a, b, rtol=0, atol=Decimal(2**-40)).passed  # Decimal(float) is exact
    assert not ef.compare(a, b, rtol=0, atol=2**-40).passed  # a float means its shortest decimal
    assert not ef.compare(a, b, rtol=0, atol=Decimal(2**-40) * Decimal("0.999999")).passed
    # Files as the CLI writes them.
    p = tmp_path / "ref.csv"
    rows = ["# exactflow: test", "t,z", "0,1.0000000000000000000001"]
    p.write_text("\n".join(rows) + "\n")
    assert ef.compare(p, {"t": [0.0], "z": [1.0]}, rtol=1e-20).passed
    assert not ef.compare(str(p), {"t": [0.0], "z": [1.0]}, rtol=1e-23).passed
    for args, field in [((p, 42), "candidate"), ((tmp_path / "none.csv", a), "reference"),
                        ((a, b, "x"), "rtol"), ((a, b, 1e-9, float("nan")), "atol"),
                        ((a, {"t": [0.0]}, 1e-9, 0, ["ntk"]), "reference"), ((a, b, 1e-9, 0, []), "columns")]:
        with pytest.raises(ef.ScenarioError) as e:
            ef.compare(*args)
        assert str(e.value).startswith(field), str(e.value)


def test_compare_options_as_the_cli():
    r = {"t": np.array([0.0, 0.1]), "z": np.array([1.0, 2.0])}
    dec = ef.compare(("reference", r)[1], {"t": [0.0, 0.1], "z": [1.0, 2.0]})
    assert dec.passed
    # Certified values at the exact time 1/10 against float64 ones at the double 0.1: a
    # float time matches the decimal time it is the rounding of; time_rtol also matches.
    sc = ef.Scenario.preset("kernel")
    hp = sc.solve(["0", "0.1"], digits=25, columns=["z"])
    assert hp.times_exact[1] == Decimal("0.1") and ef.compare(hp, hp).passed
    fast = sc.solve([0.0, 0.1], columns=["z"])
    assert ef.compare(hp, fast, rtol=1e-12).passed
    ok = ef.compare(hp, fast, rtol=1e-12, time_rtol=1e-15)
    assert ok.passed and ok.rows == 2
    assert not ef.compare(hp, {"t": [0.0, 0.1 + 2**-55], "z": fast["z"]}, rtol=1e-12).passed
    # NaN fails unless nan_equal; extra candidate rows fail unless allowed.
    n1 = {"t": [0.0], "alignment": [float("nan")]}
    assert not ef.compare(n1, n1).passed and ef.compare(n1, n1, nan_equal=True).passed
    more = {"t": [0.0, 0.1, 0.2], "z": [1.0, 2.0, 3.0]}
    bad = ef.compare(r, more)
    assert not bad.passed and bad.extra_rows and ef.compare(r, more, allow_extra_rows=True).passed
    # A column in one table only: listed; fails with strict.
    extra = {"t": [0.0, 0.1], "z": [1.0, 2.0], "ntk": [1.0, 1.0]}
    rep = ef.compare(r, extra)
    assert rep.passed and rep.extra_columns == ["ntk"] and not ef.compare(r, extra, strict=True).passed
    with pytest.raises(ef.ScenarioError, match="^reference: the reference's t at row 2"):
        ef.compare({"t": [1.0, 0.5], "z": [1.0, 1.0]}, r)
    with pytest.raises(ef.ScenarioError, match="^time_rtol:"):
        ef.compare(r, r, time_rtol=-1.0)
    with pytest.raises(ef.ScenarioError, match="^candidate: t at row 2"):
        assert_trajectory_close({"t": [1.0, 1.0], "z": [1.0, 1.0]}, sc)
