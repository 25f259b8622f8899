"""pytest helpers: hold your own training code's trajectory against the exact solution.

::

    import exactflow as ef
    from exactflow.testing import assert_trajectory_close

    def test_my_trainer():
        sc = ef.Scenario.preset("alignment")
        t, residual = my_gradient_flow(sc.u0, sc.w0, ...)   # your code
        assert_trajectory_close({"t": t, "residual": residual}, sc, rtol=1e-9)
"""

from __future__ import annotations

from typing import Any, List, Optional, Sequence, Union

import numpy as np

from . import _core, _native
from ._core import CompareReport, Scenario, _columns_of, _error, _report, _tolerance

__all__ = ["assert_trajectory_close", "REFERENCE_DIGITS"]

#: Significant digits of the certified reference the candidate is compared with (its own
#: error, below 10^-19 relative, is negligible beside any float64 tolerance).
REFERENCE_DIGITS = 20


def _reference_table(sc: Scenario, t: np.ndarray, columns: Sequence[str]) -> Any:
    hp = sc.solve(t, columns=list(columns), digits=REFERENCE_DIGITS)
    return _core._table("reference", hp)


def assert_trajectory_close(
    candidate: Any,
    scenario: Scenario,
    rtol: Union[float, str] = 1e-9,
    atol: Union[float, str] = 0.0,
    columns: Optional[Sequence[str]] = None,
) -> CompareReport:
    """Asserts that ``candidate`` follows the exact trajectory of ``scenario``.

    ``candidate``: a dict of arrays, a pandas DataFrame, a numpy structured array or a
    :class:`~exactflow.Trajectory`, with a ``t`` column (times as float64: their exact
    binary values) and any of the value columns ``z, slope, residual, loss, ntk,
    alignment, norm_u, norm_w`` (``columns`` restricts them). Each cell is held to
    ``|c - r| <= atol + rtol*|r|`` against the certified mp engine at the same exact
    times (:data:`REFERENCE_DIGITS` digits), decided exactly.

    Raises ``AssertionError`` naming, for every failing column, the time and the size of
    its worst deviation, and how many cells failed; returns the :class:`CompareReport`
    when everything holds. Bad input (no ``t``, an unknown column, a negative time) raises
    :class:`~exactflow.ScenarioError`.
    """
    __tracebackhide__ = True  # pytest shows the caller's line
    names, arrays = _columns_of("candidate", candidate)
    if "t" not in names:
        raise _error("candidate", 'no column "t" (the times of the rows)')
    t = np.asarray(arrays[names.index("t")], dtype=np.float64)
    if t.ndim != 1:
        raise _error("candidate", f'column "t" is not 1-D (shape {t.shape})')
    steps = np.diff(t)
    if np.any(~(steps > 0)):
        i = int(np.argmax(~(steps > 0))) + 2
        raise _error("candidate", f"t at row {i} ({t[i - 1]!r}) does not follow the row before ({t[i - 2]!r}): times must strictly increase")
    known = [c for c in _native.COLUMNS if c != "t"]
    if columns is None:
        wanted = [n for n in names if n in known]
        unknown = [n for n in names if n != "t" and n not in known]
        if unknown:
            raise _error(
                "candidate",
                f"unknown column {unknown[0]!r} (known: {', '.join(known)}); pass columns= to choose",
            )
    else:
        wanted = [str(c) for c in ([columns] if isinstance(columns, str) else columns)]
        for c in wanted:
            if c not in known:
                raise _error("columns", f"unknown column {c!r} (known: {', '.join(known)})")
            if c not in names:
                raise _error("candidate", f"no column {c!r}")
    if not wanted:
        raise _error("candidate", f"no value column to compare (known: {', '.join(known)})")
    rt, at = _tolerance("rtol", rtol), _tolerance("atol", atol)
    reference = _reference_table(scenario, t, wanted)
    cand = (
        ["t", *wanted],
        [t] + [np.ascontiguousarray(arrays[names.index(c)], dtype=np.float64) for c in wanted],
    )
    report = _report(_native.compare(reference, cand, rt, at, wanted), rt, at)
    if report.passed:
        return report
    lines: List[str] = [
        f"trajectory differs from the exact solution of {scenario.name or 'the scenario'} "
        f"(|candidate - exact| <= {at} + {rt}*|exact|):"
    ]
    for c in report.columns:
        if c.failed == 0 or c.worst is None:
            continue
        w = c.worst
        lines.append(
            f"  column {c.column!r}: {c.failed} of {c.compared} cells out of tolerance; worst at "
            f"t = {w.t} (row {w.row}): candidate {w.value}, exact {w.reference}, "
            f"|deviation| = {w.error:.3e} > allowed {w.allowed:.3e} ({w.error / w.allowed if w.allowed else float('inf'):.3g}x)"
        )
    raise AssertionError("\n".join(lines))
