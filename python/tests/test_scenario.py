"""Scenario construction: every number kind exactly, presets, files, Gaussian draws,
overrides, equality and pickling, and every input error naming its field as the CLI does."""

import os
import pickle
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

import exactflow as ef
from conftest import ROOT, explicit


def test_the_issue_example_and_exact_numbers():
    sc = explicit()
    f = sc.fields
    assert f["gamma"] == Fraction(9, 10) and f["eta_w"] == Fraction(13, 10)
    assert f["exy"] == Fraction(-5, 2) and f["eyy"] == Fraction(25, 4) / Fraction(11, 10)
    assert sc.gamma == Fraction(9, 10) and sc.width == 3
    u, w = sc.initial_weights_exact()
    assert u == [Fraction(1, 10), Fraction(-1, 5), Fraction(3, 10)]
    assert sc.u0.dtype == np.float64 and list(sc.u0) == [0.1, -0.2, 0.3]
    assert list(sc.w0) == [0.5, 0.1, -0.7]


@pytest.mark.parametrize(
    "value, exact",
    [
        ("0.1", Fraction(1, 10)),
        ("3/7", Fraction(3, 7)),
        ("1e-3", Fraction(1, 1000)),
        (7, Fraction(7)),
        (10**30, Fraction(10**30)),
        (Fraction(2, 3), Fraction(2, 3)),
        (0.1, Fraction(0.1)),  # the double's exact binary value
        (Decimal("0.1"), Fraction(1, 10)),
        (np.float64(0.3), Fraction(0.3)),
        (np.float32(0.3), Fraction(float(np.float32(0.3)))),
        (np.int64(-4), Fraction(-4)),
    ],
)
def test_number_kinds(value, exact):
    sc = ef.Scenario(gamma=value, exy=1, u0=[value, 1], w0=[1, 1])
    assert sc.gamma == exact
    assert sc.initial_weights_exact()[0][0] == exact


def test_arrays_and_strings_as_weights():
    a = ef.Scenario(exy=1, u0=np.array([0.1, 0.2]), w0=(Fraction(1, 3), "2/3"))
    assert a.initial_weights_exact() == ([Fraction(0.1), Fraction(0.2)], [Fraction(1, 3), Fraction(2, 3)])
    b = ef.Scenario(exy=1, u0="0.1,0.2", w0=np.array([1, 2], dtype=np.int32))
    assert b.initial_weights_exact() == ([Fraction(1, 10), Fraction(2, 10)], [Fraction(1), Fraction(2)])
    c = ef.Scenario(exy=1, u0=np.array([0.5, 0.25], dtype=np.float32), w0=[1, 1])
    assert c.initial_weights_exact()[0] == [Fraction(1, 2), Fraction(1, 4)]


def test_defaults():
    sc = ef.Scenario(exy=2, u0=[1], w0=[1])
    f = sc.fields
    assert (f["gamma"], f["eta_u"], f["eta_w"], f["exx"], f["eyy"]) == (1, 1, 1, 1, 4)


def test_presets_files_gaussian_and_overrides(tmp_path):
    for name in ef.PRESETS:
        sc = ef.Scenario.preset(name)
        assert sc.name == name and sc.fields["init"] == "gaussian"
    al = ef.Scenario.preset("alignment")
    assert al.width == 1000 and al.u0.shape == (1000,) and al.w0.dtype == np.float64
    wide = ef.Scenario.preset("alignment", width=2000)
    assert wide.width == 2000 and wide.fields["sigma_u"] == Fraction(1, 1000)
    assert np.array_equal(wide.u0[:10], ef.Scenario.preset("alignment", width=2000).u0[:10])
    g = ef.Scenario.gaussian(width=1000, sigma_u="0.01", sigma_w="0.01", seed=7, gamma="0.9",
                             eta_u="0.7", eta_w="13/10", exx="1.1", exy="-2.5")
    f = g.fields
    assert (f["width"], f["seed"], f["tie"], f["sigma_u"]) == (1000, 7, "none", Fraction(1, 100))
    assert g.u0.shape == (1000,)
    # The pinned stream: scripts/gaussian_reference.py's first values for seed 7.
    tied = ef.Scenario.gaussian(16, 1, 1, seed=3, tie="equal", exy=1)
    assert np.array_equal(tied.u0, tied.w0)
    opp = ef.Scenario.gaussian(16, 1, 1, seed=3, tie="opposite", exy=1)
    assert np.array_equal(opp.u0, -opp.w0)
    # Explicit weights replace a Gaussian initialization.
    ex = al.replace(u0=[1, 2], w0=[3, 4])
    assert ex.width == 2 and ex.fields["init"] == "explicit" and ex.fields["gamma"] == Fraction(1, 1000)
    back = ex.replace(init="gaussian", width=5, sigma_u=1, sigma_w=1)
    assert back.width == 5
    # Files, and the canonical text round trip.
    p = tmp_path / "s.toml"
    p.write_text(explicit().to_toml())
    fs = ef.Scenario.from_toml(p)
    assert fs == explicit() and fs.name == "s" and hash(fs) == hash(explicit())
    assert ef.Scenario.from_toml(os.path.join(ROOT, "benches", "anchor_scenario.toml")).width == 100
    assert ef.Scenario.from_toml_str('[data]\nexy = 1\n[init]\nu0 = [1]\nw0 = ["0.5"]\n').fields["exy"] == 1
    assert pickle.loads(pickle.dumps(al)) == al and pickle.loads(pickle.dumps(al)).name == "alignment"
    assert pickle.loads(pickle.dumps(explicit())) == explicit()
    assert "alignment" in repr(al) and "gaussian width=1000" in repr(al)
    assert al != ef.Scenario.preset("disalignment") and al != "alignment"


FIELD_ERRORS = [
    (dict(gamma="0"), "model.gamma", "must be nonzero"),
    (dict(gamma="abc"), "model.gamma", "malformed number"),
    (dict(gamma="inf"), "model.gamma", "non-finite"),
    (dict(gamma=float("nan")), "model.gamma", "must be finite"),
    (dict(gamma=Decimal("NaN")), "model.gamma", "must be finite"),
    (dict(gamma=[1]), "model.gamma", "expected a number"),
    (dict(gamma=True), "model.gamma", "got bool"),
    (dict(gamma=Fraction(10**20000, 3)), "model.gamma", "too large"),
    (dict(eta_u="-1"), "model.eta_u", "must be > 0, got -1"),
    (dict(eta_w=0), "model.eta_w", "must be > 0"),
    (dict(exx="-0.5"), "data.exx", "must be > 0"),
    (dict(exy=None), "data.exy", "missing"),
    (dict(eyy="0.5"), "data.eyy", "must be >= exy^2/exx"),
    (dict(u0=["1", "x"]), "init.u0[1]", "malformed number"),
    (dict(u0=[1, float("inf")]), "init.u0[1]", "must be finite"),
    (dict(u0=np.array([1.0, np.nan])), "init.u0[1]", "must be finite"),
    (dict(u0=np.zeros((1, 2))), "init.u0", "1-D"),
    (dict(u0=5), "init.u0", "1-D sequence"),
    (dict(w0=[1, 2, 3]), "init.w0", "same length"),
    (dict(u0=None), "init.u0", "missing"),
    (dict(u0=[], w0=[]), "init.u0", "width must be at least 1"),
]


@pytest.mark.parametrize("change, field, message", FIELD_ERRORS)
def test_scenario_errors_name_the_field(change, field, message):
    kw = dict(gamma=1, exy=1, u0=[1, 2], w0=[3, 4])
    kw.update(change)
    with pytest.raises(ef.ScenarioError) as e:
        ef.Scenario(**kw)
    assert isinstance(e.value, ValueError)
    assert str(e.value).startswith(field + ": "), str(e.value)
    assert message in str(e.value)
    assert e.value.field == field


def test_the_messages_are_the_cli_ones():
    # The same validation text the CLI prints on exit 2 (crates/exactflow-core scenario.rs).
    with pytest.raises(ef.ScenarioError, match=r"^model\.eta_u: must be > 0, got -1$"):
        ef.Scenario(eta_u=-1, exy=1, u0=[1], w0=[1])
    with pytest.raises(ef.ScenarioError, match=r"^data\.exy: missing \("):
        ef.Scenario(u0=[1], w0=[1])


@pytest.mark.parametrize(
    "make, field, message",
    [
        (lambda: ef.Scenario.preset("nope"), "preset", "unknown preset"),
        (lambda: ef.Scenario.preset("alignment", width=0), "init.width", "at least 1"),
        (lambda: ef.Scenario.preset("alignment", width=10**7), "init.width", "exceeds the limit"),
        (lambda: ef.Scenario.preset("alignment", width=2.5), "init.width", "non-negative integer"),
        (lambda: ef.Scenario.preset("alignment", seed=-1), "init.seed", "non-negative integer"),
        (lambda: ef.Scenario.preset("alignment", seed=2**64), "init.seed", "too large"),
        (lambda: ef.Scenario.preset("alignment", sigma_u="-1"), "init.sigma_u", "must be >= 0"),
        (lambda: ef.Scenario.preset("alignment", tie="both"), "init.tie", "expected one of"),
        (lambda: ef.Scenario.preset("alignment", init="other"), "init.kind", "expected one of"),
        (lambda: ef.Scenario.preset("alignment", colour="red"), "colour", "unknown scenario field"),
        (lambda: ef.Scenario.preset("alignment", name=3), "name", "expected a string"),
        (lambda: ef.Scenario.gaussian(width=10, sigma_u=None, sigma_w=1, exy=1), "init.sigma_u", "missing"),
        (lambda: ef.Scenario.gaussian(width=10, sigma_u=1, sigma_w=1), "data.exy", "missing"),
        (lambda: ef.Scenario.from_toml("/nonexistent/s.toml"), "/nonexistent/s.toml", "cannot read"),
        (lambda: ef.Scenario.from_toml_str("[model]\ngamma = \n"), "scenario", "not valid TOML"),
        (lambda: ef.Scenario.from_toml_str('[model]\ngama = "1"\n'), "model.gama", "unknown key"),
        (lambda: ef.Scenario.from_toml_str('[data]\nexy = "x"\n'), "data.exy", "malformed"),
    ],
)
def test_constructor_errors(make, field, message):
    with pytest.raises(ef.ScenarioError) as e:
        make()
    assert str(e.value).startswith(field + ": "), str(e.value)
    assert message in str(e.value) and e.value.field == field


def test_bad_input_never_panics():
    """Hostile values anywhere: every refusal is a ScenarioError, never another exception."""
    class Weird:
        def as_integer_ratio(self):
            raise RuntimeError("boom")

    class Liar:
        def as_integer_ratio(self):
            return ("a", "b")

    values = [None, "", " ", "1/0", "0/0", "--1", "1e99999", "1" * 5000, object(), Weird(), Liar(),
              [], {}, b"1", complex(1, 1), float("-inf"), -0.0, 1e-320, 10**400, Fraction(1, 10**400)]
    for v in values:
        for field in ("gamma", "eta_u", "exx", "exy", "eyy"):
            kw = dict(gamma=1, exy=1, u0=[1, 2], w0=[3, 4])
            kw[field] = v
            try:
                ef.Scenario(**kw)
            except ef.ScenarioError:
                pass
        for field in ("u0", "w0"):
            kw = dict(gamma=1, exy=1, u0=[1, 2], w0=[3, 4])
            kw[field] = [v, 1]
            try:
                ef.Scenario(**kw)
            except ef.ScenarioError:
                pass
