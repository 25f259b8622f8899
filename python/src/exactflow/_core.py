"""The scenario and what can be asked of it: trajectories (fast and certified), exact
limits, exact checks, the certification, the mechanism, phase diagrams and comparisons.

Everything here converts and dispatches to the Rust library (``exactflow._native``);
no formula is evaluated in Python."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from . import _native
from ._native import ScenarioError
from ._tables import CertifiedTrajectory, DecimalTrajectory, Trajectory

__all__ = [
    "Scenario",
    "Limits",
    "Check",
    "CheckReport",
    "CertifyLine",
    "CertifyReport",
    "Mechanism",
    "PhaseDiagram",
    "Deviation",
    "ColumnReport",
    "CompareReport",
    "phase",
    "compare",
    "simulate",
]

Number = Union[str, int, float, Fraction, Decimal, np.integer, np.floating]
"""A number: ``str`` (exact decimal or ``p/q``, as in scenario files), ``int``,
``fractions.Fraction``, ``float`` (its exact binary value), ``decimal.Decimal``, numpy
scalars."""

Numbers = Union[Sequence[Number], np.ndarray, str]
"""A 1-D sequence of numbers (list, tuple, numpy array, or a comma-separated string)."""

PathLike = Union[str, "os.PathLike[str]"]


def _fields(**kw: Any) -> Dict[str, Any]:
    return {k: v for k, v in kw.items() if v is not None}


def _times(times: Any) -> Any:
    """Float arrays of other widths become float64 (exactly); everything else is passed
    as it is (exact conversion in Rust)."""
    if isinstance(times, np.ndarray) and times.dtype.kind == "f" and times.dtype != np.float64:
        if times.dtype.itemsize < 8:
            return times.astype(np.float64)
    return times


class Scenario:
    """A scenario: model, data moments and initialization, every number exact.

    ``Scenario(gamma="0.9", eta_u="0.7", eta_w="13/10", exx="1.1", exy="-2.5",
    u0=["0.1", "-0.2", "0.3"], w0=["0.5", "0.1", "-0.7"])`` builds an explicit one; numbers
    may be ``str`` (exact: ``"0.1"`` is 1/10, ``"3/7"`` a ratio), ``int``,
    ``fractions.Fraction``, ``float`` (its exact binary value: ``0.1`` is
    3602879701896397/2**55), ``decimal.Decimal`` or numpy scalars; ``u0``/``w0`` any 1-D
    sequence or numpy array. Defaults as in scenario files: ``gamma = eta_u = eta_w = exx =
    1``, ``eyy = exy**2/exx``; ``exy`` is required. :meth:`preset`, :meth:`gaussian` and
    :meth:`from_toml` build the others.

    Bad input raises :class:`ScenarioError` (a ``ValueError``) naming the field as scenario
    files spell it (``model.eta_u: must be > 0, got -1``).
    """

    __slots__ = ("_native",)

    def __init__(
        self,
        gamma: Optional[Number] = None,
        eta_u: Optional[Number] = None,
        eta_w: Optional[Number] = None,
        exx: Optional[Number] = None,
        exy: Optional[Number] = None,
        eyy: Optional[Number] = None,
        u0: Optional[Numbers] = None,
        w0: Optional[Numbers] = None,
        *,
        name: Optional[str] = None,
    ) -> None:
        self._native = _native.Scenario.build(
            _fields(
                name=name, gamma=gamma, eta_u=eta_u, eta_w=eta_w, exx=exx, exy=exy,
                eyy=eyy, u0=u0, w0=w0,
            )
        )

    @classmethod
    def _wrap(cls, native: "_native.Scenario") -> "Scenario":
        self = cls.__new__(cls)
        self._native = native
        return self

    @classmethod
    def preset(cls, name: str, /, **overrides: Any) -> "Scenario":
        """A built-in scenario (``alignment``, ``disalignment``, ``rescaling``, ``kernel``,
        ``saddle``; :data:`exactflow.PRESETS`), with ``overrides`` applied field by field
        as CLI flags apply over ``--preset`` (e.g. ``width=2000``)."""
        sc = cls._wrap(_native.Scenario.preset(name))
        return sc.replace(**overrides) if overrides else sc

    @classmethod
    def from_toml(cls, path: PathLike, /, **overrides: Any) -> "Scenario":
        """A scenario file (the schema of docs/cli.md), with ``overrides`` applied."""
        sc = cls._wrap(_native.Scenario.from_toml(os.fspath(path)))
        return sc.replace(**overrides) if overrides else sc

    @classmethod
    def from_toml_str(cls, text: str, /, **overrides: Any) -> "Scenario":
        """Scenario TOML text (as in a scenario file)."""
        sc = cls._wrap(_native.Scenario.from_toml_str(text))
        return sc.replace(**overrides) if overrides else sc

    @classmethod
    def gaussian(
        cls,
        width: int,
        sigma_u: Number,
        sigma_w: Number,
        seed: int = 0,
        *,
        tie: str = "none",
        gamma: Optional[Number] = None,
        eta_u: Optional[Number] = None,
        eta_w: Optional[Number] = None,
        exx: Optional[Number] = None,
        exy: Optional[Number] = None,
        eyy: Optional[Number] = None,
        name: Optional[str] = None,
    ) -> "Scenario":
        """A seeded Gaussian initialization: ``u0 = sigma_u * g``, ``w0 = sigma_w * h`` with
        ``g, h`` the pinned standard normals of ``seed`` (ChaCha20 + Box-Muller: the same
        weights on every machine and version; docs/cli.md). ``tie`` relates the layers:
        ``"none"`` (independent), ``"equal"`` (``h = g``), ``"opposite"`` (``h = -g``)."""
        return cls._wrap(
            _native.Scenario.build(
                _fields(
                    init="gaussian", width=width, sigma_u=sigma_u, sigma_w=sigma_w,
                    seed=seed, tie=tie, gamma=gamma, eta_u=eta_u, eta_w=eta_w, exx=exx,
                    exy=exy, eyy=eyy, name=name,
                )
            )
        )

    def replace(self, **overrides: Any) -> "Scenario":
        """A copy with fields overridden (the keywords of :class:`Scenario` and
        :meth:`gaussian`: ``gamma, eta_u, eta_w, exx, exy, eyy, u0, w0, width, sigma_u,
        sigma_w, seed, tie, name``; ``init="gaussian"|"explicit"``). Explicit ``u0``/``w0``
        replace a Gaussian initialization and Gaussian fields an explicit one."""
        return Scenario._wrap(_native.Scenario.build(overrides, self._native))

    # -- the scenario's numbers -------------------------------------------------------

    @property
    def name(self) -> Optional[str]:
        """The name (preset, file stem or ``name=``), if any."""
        return self._native.name

    @property
    def width(self) -> int:
        """The width ``d``."""
        return self._native.width

    @property
    def u0(self) -> np.ndarray:
        """``u0`` as float64 (for a Gaussian initialization the pinned draw, each weight
        rounded once from its exact value ``sigma_u * g``)."""
        return self._native.u0

    @property
    def w0(self) -> np.ndarray:
        """``w0`` as float64."""
        return self._native.w0

    def initial_weights_exact(self) -> Tuple[List[Fraction], List[Fraction]]:
        """``(u0, w0)`` exactly, as Fractions."""
        u, w = self._native.initial_weights_exact()
        return [Fraction(p, q) for p, q in u], [Fraction(p, q) for p, q in w]

    @property
    def fields(self) -> Dict[str, Union[Fraction, str, int]]:
        """The exact fields: ``gamma, eta_u, eta_w, exx, exy, eyy`` as Fractions, ``init``
        (``"explicit"``/``"gaussian"``) and, for a Gaussian one, ``width, sigma_u,
        sigma_w, seed, tie``."""
        out: Dict[str, Union[Fraction, str, int]] = {}
        for k, v in self._native.fields():
            if k in ("init", "tie"):
                out[k] = v
            elif k in ("width", "seed"):
                out[k] = int(v)
            else:
                out[k] = Fraction(v)
        return out

    def __getattr__(self, name: str) -> Any:
        if name in ("gamma", "eta_u", "eta_w", "exx", "exy", "eyy", "sigma_u", "sigma_w", "seed", "tie"):
            f = self.fields
            if name in f:
                return f[name]
        raise AttributeError(f"'Scenario' object has no attribute {name!r}")

    def to_toml(self) -> str:
        """The canonical scenario file text (exact ``p/q`` numbers); ``from_toml_str``
        reads it back to an equal scenario."""
        return self._native.canonical_toml()

    @property
    def sha256(self) -> str:
        """The fingerprint of the exact problem (``scenario_sha256`` in tables' metadata)."""
        return self._native.sha256()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Scenario) and self._native == other._native

    def __hash__(self) -> int:
        return hash(self._native)

    def __reduce__(self) -> Any:
        return (Scenario.from_toml_str, (self.to_toml(),), None) if self.name is None else (
            _named, (self.to_toml(), self.name))

    def __repr__(self) -> str:
        f = self.fields
        what = (
            f"gaussian width={f['width']} sigma_u={f['sigma_u']} sigma_w={f['sigma_w']} seed={f['seed']}"
            if f["init"] == "gaussian"
            else f"explicit width={self.width}"
        )
        name = f"{self.name!r}: " if self.name else ""
        return (
            f"<exactflow.Scenario {name}gamma={f['gamma']} eta_u={f['eta_u']} eta_w={f['eta_w']} "
            f"exx={f['exx']} exy={f['exy']} eyy={f['eyy']}; {what}>"
        )

    # -- engines ----------------------------------------------------------------------

    def solve(
        self,
        times: Any,
        columns: Optional[Union[Sequence[str], str]] = None,
        *,
        digits: Optional[int] = None,
    ) -> Any:
        """The closed-form trajectory at ``times`` (any 1-D array-like, or one number).

        Without ``digits``: the fast engine (f64; every column keeps a relative accuracy
        near 1e-13, docs/derivation.md), a :class:`Trajectory` of float64 columns filled by
        the engine with the GIL released. A float time is its exact binary value
        (``0.1`` is the double nearest 1/10); ``str``/``Fraction`` times are rounded to
        the nearest double.

        With ``digits`` (10 to 100000): the certified MPFR engine at the *exact* times
        (floats: their binary values; ``"0.1"``/``Fraction(1, 10)``: exactly 1/10), a
        :class:`CertifiedTrajectory` of ``decimal.Decimal`` values, every digit correct, and
        their bounds in ``.err``.

        ``columns``: names from ``t, z, slope, residual, loss, ntk, alignment, norm_u,
        norm_w`` (default all; ``t`` is always first, the rest in schema order).
        """
        times = _times(times)
        if digits is None:
            names, arrays, meta = _native.solve_fast(self._native, times, columns)
            return Trajectory(names, arrays, dict(meta))
        if isinstance(digits, bool) or not isinstance(digits, (int, np.integer)):
            raise _error("digits", f"expected an integer, got {type(digits).__name__}")
        names, t, vals, errs, meta, exact = _native.solve_mp(self._native, times, int(digits), columns)
        hp = CertifiedTrajectory(names, t, vals, errs, dict(meta), int(digits))
        hp.times_exact = [Fraction(q) for q in exact]
        return hp

    def horizon(self) -> float:
        """A time by which the run has done what it will do: the residual is within 1e-12
        of its initial distance from its limit (the default grid of ``exactflow solve``
        runs from 0 to it)."""
        return _native.horizon(self._native)

    def limits(self, digits: int = 40) -> "Limits":
        """The exact limits of the flow as ``t -> oo`` (computed in a tower of quadratic
        fields by the rational checker): a dict ``{"z_plus", "ntk_inf", "alignment_inf",
        "residual_inf"}`` of Decimals with ``digits`` significant digits, correctly rounded
        (``Limits.correctly_rounded``), plus ``.omega``, ``.exact`` (the exact forms) and
        ``.case``. ``inf``/``nan`` where a limit is infinite or undefined."""
        return Limits._of(_native.limits(self._native, _int("digits", digits)))

    def check(
        self,
        *,
        gd_steps: int = 4,
        digits: int = 40,
        point: Optional[Tuple[Numbers, Numbers]] = None,
    ) -> "CheckReport":
        """The exact rational checks of docs/model.md (``exactflow check``): conservation,
        GD drift and the reduced map, fixed points, the Riccati identity, the observables,
        the exact limits. ``point=(u, w)`` also classifies that point (minimum with GD
        stability, saddle, or not stationary)."""
        pu, pw = point if point is not None else (None, None)
        return CheckReport._of(
            _native.check(self._native, _int("gd_steps", gd_steps), _int("digits", digits), pu, pw)
        )

    def certify(
        self,
        digits: int = 40,
        *,
        points: int = 33,
        taylor_digits: int = 30,
        taylor_points: int = 6,
    ) -> "CertifyReport":
        """Every engine held against the others (``exactflow certify``): fast vs
        certified mp under the fast path's documented bound, mp at p vs 2p, the exact
        checker and its limits vs mp, the conserved trace along the trajectory, Taylor
        integration vs the closed form. ``digits``: 20 to 1000."""
        lines = _native.certify(
            self._native, _int("digits", digits), _int("points", points),
            _int("taylor_digits", taylor_digits), _int("taylor_points", taylor_points),
        )
        return CertifyReport([CertifyLine(*l) for l in lines], int(digits))

    def mechanism(self) -> "Mechanism":
        """The regime of the trajectory (``exactflow mechanism``): ``.label`` (``kernel``,
        ``alignment``, ``disalignment``, ``rescaling-u``, ``rescaling-w``, ``saddle``) and
        the ``.quantities`` it is decided from (docs/mechanisms.md)."""
        d = _native.mechanism(self._native)
        return Mechanism(d["label"], dict(d["quantities"]), dict(d["thresholds"]))


def _named(text: str, name: str) -> Scenario:
    return Scenario.from_toml_str(text, name=name)


def _error(field: str, message: str) -> ScenarioError:
    e = ScenarioError(f"{field}: {message}")
    e.field = field  # type: ignore[attr-defined]
    return e


def _int(field: str, v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
        raise _error(field, f"expected an integer, got {type(v).__name__}")
    return int(v)


# -- reports ----------------------------------------------------------------------------


class Limits(Dict[str, Decimal]):
    """The exact limits as Decimals: keys ``z_plus``, ``ntk_inf``, ``alignment_inf``,
    ``residual_inf``. Attributes: ``omega`` (the decay rate, a Decimal), ``exact`` (each
    limit's exact form, e.g. an element of Q(sqrt(.))(sqrt(.))), ``correctly_rounded``
    (per key), ``case`` (which case of docs/model.md section 4 the flow is in)."""

    omega: Decimal
    exact: Dict[str, str]
    correctly_rounded: Dict[str, bool]
    case: str
    gd_stable_at_limit: Optional[bool]

    @classmethod
    def _of(cls, d: Mapping[str, Any]) -> "Limits":
        vals = d["values"]
        out = cls({k: Decimal(vals[k][0]) for k in ("z_plus", "ntk_inf", "alignment_inf", "residual_inf")})
        out.omega = Decimal(vals["omega"][0])
        out.exact = {k: v[1] for k, v in vals.items()}
        out.correctly_rounded = {k: bool(v[2]) for k, v in vals.items()}
        out.case = d["case"]
        out.gd_stable_at_limit = d["gd_stable_at_limit"]
        return out


@dataclass(frozen=True)
class Check:
    """One exact check: ``name`` (``conservation``, ``gd_drift``, ``riccati_symbolic``,
    ...), ``passed``, and ``detail`` (what was checked and found)."""

    name: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class CheckReport:
    """The exact checker's report: ``.passed``, ``.checks`` (:class:`Check`),
    ``.limits`` (:class:`Limits`), ``.point`` (the classification of a requested point, a
    dict: ``kind`` = ``minimum``/``saddle``/``not_stationary`` and its exact data)."""

    checks: Tuple[Check, ...]
    limits: Limits
    width: int
    point: Optional[Dict[str, Any]] = None

    @property
    def passed(self) -> bool:
        """Whether every check held."""
        return all(c.passed for c in self.checks)

    @property
    def failed(self) -> List[str]:
        """Names of the checks that failed."""
        return [c.name for c in self.checks if not c.passed]

    def __bool__(self) -> bool:
        return self.passed

    @classmethod
    def _of(cls, d: Mapping[str, Any]) -> "CheckReport":
        point = d.get("point")
        if point is not None:
            point = dict(point)
            for k in ("ntk", "a_ntk", "residual", "field_max"):
                if k in point:
                    point[k] = Fraction(point[k])
        return cls(
            tuple(Check(*c) for c in d["checks"]), Limits._of(d["limits"]), int(d["width"]), point
        )

    def __str__(self) -> str:
        lines = [f"{'PASS' if c.passed else 'FAIL'} {c.name}: {c.detail}" for c in self.checks]
        lines.append("result: " + ("all checks passed" if self.passed else "FAILED: " + ", ".join(self.failed)))
        return "\n".join(lines)


@dataclass(frozen=True)
class CertifyLine:
    """One comparison of the certification: ``name`` (``fast-vs-mp:z``, ``mp-p-vs-2p``,
    ...), ``passed``, ``measured`` (the worst case), ``bound`` (what it was held to),
    ``detail`` (where)."""

    name: str
    passed: bool
    measured: str
    bound: str
    detail: str


@dataclass(frozen=True)
class CertifyReport:
    """The certification: ``.passed`` and ``.lines`` (:class:`CertifyLine`)."""

    lines: List[CertifyLine]
    digits: int

    @property
    def passed(self) -> bool:
        """Whether every comparison held."""
        return all(l.passed for l in self.lines)

    @property
    def failed(self) -> List[str]:
        """Names of the comparisons that failed."""
        return [l.name for l in self.lines if not l.passed]

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        return "\n".join(
            f"{'PASS' if l.passed else 'FAIL'} {l.name}: {l.measured} (bound {l.bound}){'; ' + l.detail if l.detail else ''}"
            for l in self.lines
        )


@dataclass(frozen=True)
class Mechanism:
    """The regime of a trajectory: ``label`` and the ``quantities`` it was decided from
    (``z_inf``, ``ntk0``, ``ntk_inf``, ``ntk_change``, ``alignment0``, ``alignment_inf``,
    ``rotation_u``, ``rotation_w`` [rad], ``norm_ratio_u``, ``norm_ratio_w``,
    ``dominance``, ``time_scale``, ``residual_inf``, ``gd_a_ntk_inf``; NaN where
    undefined), with the ``thresholds`` of the rule."""

    label: str
    quantities: Dict[str, float]
    thresholds: Dict[str, float] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.label


# -- phase diagrams -----------------------------------------------------------------------

Axis = Union[str, Tuple[Any, ...]]
"""A sweep axis: ``(param, lo, hi, n)`` or ``(param, lo, hi, n, "log"|"linear")``, or the
CLI's text ``"param=lo..hi[:log]:n"``; ``param`` one of ``width, sigma_u, sigma_w, eta_u,
eta_w, gamma, exx, exy``."""


def _exact_text(field: str, v: Any) -> str:
    if isinstance(v, bool):
        raise _error(field, "expected a number, got bool")
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating, Fraction, Decimal)):
        try:
            q = Fraction(v)
        except (ValueError, OverflowError):
            raise _error(field, f"must be finite, got {v!r}") from None
        return f"{q.numerator}/{q.denominator}" if q.denominator != 1 else str(q.numerator)
    raise _error(field, f"expected a number, got {type(v).__name__}")


def _axis_text(field: str, a: Axis) -> str:
    if isinstance(a, str):
        return a
    if not isinstance(a, (tuple, list)) or len(a) not in (4, 5):
        raise _error(field, 'expected (param, lo, hi, n) or (param, lo, hi, n, "log") or "param=lo..hi[:log]:n"')
    param, lo, hi, n = a[:4]
    spacing = a[4] if len(a) == 5 else "linear"
    if spacing not in ("log", "linear", "lin"):
        raise _error(field, f'spacing must be "log" or "linear", got {spacing!r}')
    if not isinstance(param, str):
        raise _error(field, f"the parameter must be a name, got {param!r}")
    n = _int(field, n)
    log = ":log" if spacing == "log" else ""
    return f"{param}={_exact_text(field, lo)}..{_exact_text(field, hi)}{log}:{n}"


@dataclass(frozen=True)
class PhaseDiagram:
    """A 2-D sweep of the mechanism label (``exactflow phase``): ``labels[j, i]`` is the
    label at ``(x[i], y[j])`` (shape ``(len(y), len(x))``, as ``pcolormesh(x, y, C)``
    wants); ``quantities`` holds the same-shaped float64 arrays of the quantities
    (also as attributes: ``ph.ntk_change``)."""

    x_name: str
    y_name: str
    x: np.ndarray
    y: np.ndarray
    labels: np.ndarray
    codes: np.ndarray
    quantities: Dict[str, np.ndarray]
    x_log: bool = False
    y_log: bool = False

    def __getattr__(self, name: str) -> np.ndarray:
        q = self.__dict__.get("quantities", {})
        if name in q:
            return q[name]
        raise AttributeError(f"'PhaseDiagram' object has no attribute {name!r}")

    def counts(self) -> Dict[str, int]:
        """How many cells carry each label."""
        names, n = np.unique(self.labels, return_counts=True)
        return {str(k): int(v) for k, v in zip(names, n)}


def phase(scenario: Scenario, x: Axis, y: Axis) -> PhaseDiagram:
    """A 2-D sweep of the mechanism of ``scenario`` over two parameters, e.g.
    ``ef.phase(sc, x=("sigma_u", 1e-4, 1, 64, "log"), y=("sigma_w", 1e-4, 1, 48, "log"))``
    (in parallel, deterministic; each cell analysed on f64 moments of the initialization).
    Axis ends given as floats are their exact binary values."""
    xt, yt = _axis_text("x", x), _axis_text("y", y)
    d = _native.phase(scenario._native, xt, yt)
    codes = d["codes"]
    labels = np.asarray(_native.LABELS, dtype=object)[codes]
    return PhaseDiagram(
        d["x_name"], d["y_name"], d["x"], d["y"], labels, codes, dict(d["quantities"]),
        ":log:" in xt, ":log:" in yt,
    )


# -- comparison ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Deviation:
    """One compared cell: its ``column``, ``row`` (1-based, the reference's;
    ``candidate_row`` the candidate's), ``t`` (as the reference writes it), the
    candidate's ``value`` and the ``reference`` (texts), ``error`` = ``|value -
    reference|`` and ``allowed`` = ``atol + rtol*|reference|`` (nearest doubles; their
    ``*_text`` to 4 digits at any magnitude), ``ratio`` = error/allowed, ``passed``
    (decided exactly)."""

    column: str
    row: int
    t: str
    value: str
    reference: str
    error: float
    allowed: float
    passed: bool
    candidate_row: int = 0
    error_text: str = ""
    allowed_text: str = ""
    ratio: float = 0.0


@dataclass(frozen=True)
class ColumnReport:
    """Per column: cells ``compared``, ``failed``, and the ``worst`` :class:`Deviation`."""

    column: str
    compared: int
    failed: int
    worst: Optional[Deviation]

    @property
    def passed(self) -> bool:
        """Whether every cell of the column is within tolerance."""
        return self.failed == 0


@dataclass(frozen=True)
class CompareReport:
    """The comparison (``exactflow compare``): ``.passed``, ``.columns`` (one
    :class:`ColumnReport` each, also by name: ``report["residual"]``), ``.rows`` compared,
    ``.missing_rows`` (reference times with no candidate row: each fails),
    ``.extra_rows`` (candidate times the reference lacks: each fails unless allowed),
    ``.not_compared`` / ``.extra_columns`` (columns in one table only)."""

    columns: List[ColumnReport]
    rows: int
    missing_rows: List[str]
    not_compared: List[str]
    passed: bool
    rtol: str = "1e-9"
    atol: str = "0"
    extra_rows: List[str] = field(default_factory=list)
    extra_columns: List[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.passed

    def __getitem__(self, column: str) -> ColumnReport:
        for c in self.columns:
            if c.column == column:
                return c
        raise KeyError(column)

    def __str__(self) -> str:
        out = [f"|candidate - reference| <= {self.atol} + {self.rtol}*|reference|; rows compared: {self.rows}"]
        for c in self.columns:
            w = c.worst
            where = (
                f"; worst at t = {w.t}: {w.value} vs reference {w.reference}, |error| {w.error:.3e}"
                f" {'<=' if w.passed else '>'} allowed {w.allowed:.3e}"
                if w is not None
                else ""
            )
            out.append(f"{'PASS' if c.passed else 'FAIL'} {c.column}: {c.failed} of {c.compared} cells out of tolerance{where}")
        if self.missing_rows:
            out.append(f"{len(self.missing_rows)} reference rows missing from the candidate (first t = {self.missing_rows[0]})")
        if self.extra_rows:
            out.append(f"{len(self.extra_rows)} candidate rows the reference lacks (first t = {self.extra_rows[0]})")
        if self.not_compared:
            out.append("not in the candidate (not compared): " + ", ".join(self.not_compared))
        out.append("result: " + ("PASS" if self.passed else "FAIL"))
        return "\n".join(out)


def _tolerance(field: str, v: Any) -> str:
    if isinstance(v, bool):
        raise _error(field, "expected a number, got bool")
    if isinstance(v, str):
        return v
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, (float, np.floating)):
        # The shortest decimal that is this double: what the user wrote (1e-9 is 10^-9).
        return repr(float(v))
    if isinstance(v, Fraction):
        return _exact_decimal(field, v)
    raise _error(field, f"expected a number, got {type(v).__name__}")


def _exact_decimal(field: str, q: Fraction) -> str:
    d = q.denominator
    twos = fives = 0
    while d % 2 == 0:
        d //= 2
        twos += 1
    while d % 5 == 0:
        d //= 5
        fives += 1
    if d != 1:
        raise _error(field, f"{q} has no finite decimal expansion; give a decimal")
    e = max(twos, fives)
    return f"{q.numerator * 10**e // q.denominator}e-{e}"


def _table(what: str, t: Any) -> Any:
    """A table for the native comparison: a path, or (names, columns) with float64 arrays
    or lists of decimal strings."""
    if isinstance(t, (str, os.PathLike)):
        return os.fspath(t)
    if isinstance(t, CertifiedTrajectory):
        cols: List[Any] = []
        for n in t.columns:
            cols.append(_time_column(t) if n == "t" else [str(v) for v in t[n]])
        return (list(t.columns), cols)
    names, arrays = _columns_of(what, t)
    return (names, [np.ascontiguousarray(a, dtype=np.float64) for a in arrays])


def _time_column(t: CertifiedTrajectory) -> Any:
    """The exact times of a certified table: decimal text where every time is a finite
    decimal, else the float64 times (a time like 1/3 has no exact cell)."""
    exact = t.times_exact
    if exact is None:
        return t["t"]
    texts = []
    for q in exact:
        try:
            texts.append(_exact_decimal("t", q))
        except ScenarioError:
            return t["t"]
    return texts


def _columns_of(what: str, t: Any) -> Tuple[List[str], List[Any]]:
    """Names and columns of a Trajectory, a mapping of arrays, a pandas DataFrame or a
    numpy structured array."""
    if isinstance(t, Trajectory):
        return list(t.columns), [t[n] for n in t.columns]
    if isinstance(t, np.ndarray):
        if t.dtype.names is None:
            raise _error(what, "a plain array has no column names: give a dict, a DataFrame or a structured array")
        return list(t.dtype.names), [np.asarray(t[n], dtype=np.float64) for n in t.dtype.names]
    if hasattr(t, "columns") and hasattr(t, "__getitem__") and hasattr(t, "to_numpy"):  # DataFrame
        names = [str(c) for c in t.columns]
        return names, [np.asarray(t[c].to_numpy(), dtype=np.float64) for c in t.columns]
    if isinstance(t, Mapping):
        names = [str(k) for k in t.keys()]
        arrays = []
        for k in t.keys():
            try:
                a = np.asarray(t[k], dtype=np.float64)
            except (TypeError, ValueError):
                raise _error(what, f"column {k!r} is not numeric") from None
            if a.ndim != 1:
                raise _error(what, f"column {k!r} is not 1-D (shape {a.shape})")
            arrays.append(a)
        return names, arrays
    raise _error(what, f"expected a Trajectory, a dict of arrays, a DataFrame, a structured array or a path, got {type(t).__name__}")


def _report(d: Mapping[str, Any], rtol: str, atol: str) -> CompareReport:
    cols = [
        ColumnReport(c["column"], c["compared"], c["failed"], Deviation(**c["worst"]) if c["worst"] else None)
        for c in d["columns"]
    ]
    return CompareReport(
        cols, d["rows"], list(d["missing_rows"]), list(d["not_compared"]), d["passed"], rtol, atol,
        list(d["extra_rows"]), list(d["extra_columns"]),
    )


def compare(
    reference: Any,
    candidate: Any,
    rtol: Union[float, str, Decimal] = 1e-9,
    atol: Union[float, str, Decimal] = 0.0,
    columns: Optional[Sequence[str]] = None,
    *,
    time_rtol: Optional[Union[float, str, Decimal]] = None,
    nan_equal: bool = False,
    strict: bool = False,
    allow_extra_rows: bool = False,
) -> CompareReport:
    """Compares a candidate table with a reference (``exactflow compare``): columns by
    name, rows by ``t``, each cell held to ``|c - r| <= atol + rtol*|r|`` decided exactly
    (float64 cells by their binary values, Decimal and file cells by their decimal text).

    Tables: a :class:`Trajectory` or :class:`CertifiedTrajectory`, a dict of arrays, a
    pandas DataFrame, a numpy structured array, or a path to a CSV/JSON/NPY table as the
    CLI writes them. Tolerances given as floats mean their shortest decimal (``1e-9`` is
    10^-9).

    As the CLI's ``compare``: rows match by exactly equal ``t`` (``time_rtol`` matches
    times within that relative distance, e.g. a float64 ``0.1`` with a decimal ``0.1``);
    times must strictly increase; a NaN cell fails (``nan_equal=True`` lets NaN match
    NaN); a candidate row the reference lacks fails (``allow_extra_rows=True``); a column
    in one table only is listed, and fails with ``strict=True``."""
    rt, at = _tolerance("rtol", rtol), _tolerance("atol", atol)
    tt = None if time_rtol is None else _tolerance("time_rtol", time_rtol)
    cols = None if columns is None else [str(c) for c in ([columns] if isinstance(columns, str) else columns)]
    d = _native.compare(
        _table("reference", reference), _table("candidate", candidate), rt, at, cols, tt,
        bool(nan_equal), bool(strict), bool(allow_extra_rows),
    )
    return _report(d, rt, at)


# -- simulation -----------------------------------------------------------------------------

METHODS = ("gd", "gd-reduced", "rk4", "dop853", "taylor")


def simulate(
    scenario: Scenario,
    method: str,
    *,
    steps: Optional[int] = None,
    every: Optional[int] = None,
    times: Any = None,
    digits: Optional[int] = None,
    rtol: Optional[float] = None,
    step: Optional[float] = None,
    on_failure: str = "warn",
) -> Union[Trajectory, DecimalTrajectory]:
    """The trajectory by a method other than the closed form (``exactflow simulate``).

    ``method``: ``"gd"`` (full width-d gradient descent) or ``"gd-reduced"`` (the exact
    three-scalar GD map) with ``steps`` (rows at steps ``0, every, 2*every, ..., steps``;
    ``t`` is the step number: the learning rates are step sizes, one step per unit of time);
    ``"rk4"`` (``step``: h as a fraction of the field's time scale, default 0.01) or
    ``"dop853"`` (``rtol``, default 1e-12) integrating the raw gradient flow in f64 at
    ``times``; ``"taylor"``, the Taylor-series oracle in MPFR at ``times`` with ``digits``
    (default 40). GD with ``digits`` runs in MPFR. MPFR runs return a
    :class:`DecimalTrajectory`, the others a float64 :class:`Trajectory`; a GD run's edge of
    stability is in ``tr.stability``.

    Input errors raise :class:`ScenarioError` naming the keyword. A method that fails on
    valid input (gradient descent diverging past the edge of stability, a step-size
    underflow, an exhausted budget) is a result, as scipy's ``solve_ivp`` reports it: the
    rows computed before the failure are returned, ``tr.failure`` (and
    ``tr.metadata["failure"]``) says what happened, and a ``RuntimeWarning`` is issued;
    with ``on_failure="raise"`` a :class:`SimulationError` is raised instead, the rows in
    its ``.trajectory``.
    """
    if on_failure not in ("warn", "raise"):
        raise _error("on_failure", f'expected "warn" or "raise", got {on_failure!r}')
    for name, v in (("steps", steps), ("every", every), ("digits", digits)):
        if v is not None:
            _int(name, v)
    for name, v in (("rtol", rtol), ("step", step)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float, np.floating, np.integer))):
            raise _error(name, f"expected a number, got {type(v).__name__}")
    if not isinstance(method, str):
        raise _error("method", f"expected a name ({', '.join(METHODS)}), got {type(method).__name__}")
    d = _native.simulate(
        scenario._native, method,
        None if steps is None else int(steps), None if every is None else int(every),
        None if times is None else _times(times),
        None if digits is None else int(digits),
        None if rtol is None else float(rtol), None if step is None else float(step),
    )
    meta = dict(d["metadata"])
    names = list(d["names"])
    if d["mp"]:
        tr: Any = DecimalTrajectory(names, d["t"], d["values"], meta, int(meta["digits"]))
    else:
        tr = Trajectory(names, [d["t"], *d["values"]], meta)
    stability = d.get("stability")
    tr.stability = dict(stability) if stability is not None else None
    if stability is not None:
        meta_s = dict(stability)
        tr.metadata["edge_of_stability"] = (
            f"first step with a*ntk >= 2: {meta_s['first_unstable_step'] if meta_s['first_unstable_step'] is not None else 'none'}; "
            f"max a*ntk {meta_s['max_a_ntk']:e}; final a*ntk {meta_s['final_a_ntk']:e}"
        )
    if d["failure"] is not None:
        message = f"{method}: {d['failure']}"
        tr.failure = message
        tr.metadata["failure"] = message
        if on_failure == "raise":
            e = _native.SimulationError(message)
            e.trajectory = tr  # type: ignore[attr-defined]
            raise e
        import warnings

        warnings.warn(f"exactflow.simulate: {message} (the {len(tr)} rows before it are returned)",
                      RuntimeWarning, stacklevel=2)
    return tr
