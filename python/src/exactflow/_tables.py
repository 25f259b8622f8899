"""Trajectory tables: float64 columns (the fast engine, simulators) and certified
Decimal columns with error bounds (the mp engine)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

import numpy as np

__all__ = ["Trajectory", "CertifiedTrajectory", "DecimalTrajectory"]


class Trajectory:
    """A trajectory table of float64 columns, ``t`` first.

    ``tr["residual"]`` is a float64 numpy array (written by the engine, no per-value Python
    objects); ``tr.columns`` the column names in order; ``len(tr)`` the number of time
    points; ``tr.metadata`` the provenance the CLI writes in its tables (engine, precision,
    scenario fingerprint, ...).
    """

    __slots__ = ("_names", "_data", "metadata", "stability", "failure")

    def __init__(
        self,
        columns: Sequence[str],
        arrays: Sequence[np.ndarray],
        metadata: Optional[Mapping[str, str]] = None,
    ) -> None:
        if len(columns) != len(arrays):
            raise ValueError("as many column names as arrays")
        self._names: Tuple[str, ...] = tuple(columns)
        self._data: Dict[str, np.ndarray] = {}
        for name, a in zip(self._names, arrays):
            a = np.asarray(a, dtype=np.float64)
            a.flags.writeable = False
            self._data[name] = a
        #: Provenance, in the CLI's keys (``exactflow``, ``command``, ``engine``, ...).
        self.metadata: Dict[str, str] = dict(metadata or {})
        #: Gradient descent's edge of stability (``ef.simulate`` GD runs), else None.
        self.stability: Optional[Dict[str, Any]] = None
        #: Why a simulation stopped before its last row (``ef.simulate``), else None.
        self.failure: Optional[str] = None

    @property
    def columns(self) -> Tuple[str, ...]:
        """The column names, in order (``t`` first)."""
        return self._names

    def __getitem__(self, name: str) -> np.ndarray:
        """The column ``name`` as a read-only float64 array."""
        try:
            return self._data[name]
        except KeyError:
            raise KeyError(f"no column {name!r} (columns: {', '.join(self._names)})") from None

    def __contains__(self, name: object) -> bool:
        return name in self._data

    def __iter__(self) -> Iterator[str]:
        """Iterates over the column names (as a mapping does)."""
        return iter(self._names)

    def keys(self) -> Tuple[str, ...]:
        """The column names (mapping protocol: ``dict(tr)`` works)."""
        return self._names

    def __len__(self) -> int:
        """The number of time points."""
        return len(self._data[self._names[0]]) if self._names else 0

    def __repr__(self) -> str:
        engine = self.metadata.get("engine") or self.metadata.get("method") or "?"
        return f"<exactflow.Trajectory: {len(self)} points, columns {', '.join(self._names)}; {engine}>"

    def to_numpy(self) -> np.ndarray:
        """A 2-D float64 array, one row per time point, columns in ``self.columns`` order."""
        if not self._names:
            return np.empty((0, 0))
        return np.column_stack([self._data[n] for n in self._names])

    def to_dict(self) -> Dict[str, np.ndarray]:
        """The columns as a dict of float64 arrays."""
        return dict(self._data)

    def to_pandas(self) -> Any:
        """A pandas DataFrame of the columns (needs pandas); the metadata in ``df.attrs``."""
        try:
            import pandas as pd
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError("to_pandas needs pandas: pip install pandas") from e
        df = pd.DataFrame({n: self._data[n] for n in self._names})
        df.attrs["exactflow"] = dict(self.metadata)
        return df


def _decimals(texts: Sequence[str]) -> np.ndarray:
    out = np.empty(len(texts), dtype=object)
    out[:] = [Decimal(s) for s in texts]
    return out


class CertifiedTrajectory:
    """A trajectory of certified MPFR values (``sc.solve(times, digits=N)``).

    ``hp["residual"][i]`` is a :class:`decimal.Decimal` with ``digits`` significant digits,
    every one correct (to one unit in the last place) for the exact closed form at the exact
    time; ``hp.err["residual"][i]`` a Decimal bound on ``|value - truth|`` (half a unit in
    the last place plus the ball's radius, rounded up). Columns are numpy object arrays of
    Decimals; ``hp["t"]`` is the float64 times (the exact times are ``hp.times_exact``
    when they were given exactly). Decimal arithmetic on the values needs a context
    precision of at least ``digits`` (``decimal.localcontext(prec=...)``); the values
    themselves hold every digit whatever the context.
    """

    __slots__ = ("_names", "_t", "_values", "err", "metadata", "digits", "stability", "times_exact", "failure")

    def __init__(
        self,
        columns: Sequence[str],
        t: np.ndarray,
        values: Sequence[Sequence[str]],
        errs: Sequence[Sequence[str]],
        metadata: Mapping[str, str],
        digits: int,
    ) -> None:
        self._names: Tuple[str, ...] = tuple(columns)
        t = np.asarray(t, dtype=np.float64)
        t.flags.writeable = False
        self._t = t
        self._values: Dict[str, np.ndarray] = {
            n: _decimals(v) for n, v in zip(self._names[1:], values)
        }
        #: Certified bounds on ``|value - truth|`` per column (Decimal object arrays).
        self.err: Dict[str, np.ndarray] = {n: _decimals(e) for n, e in zip(self._names[1:], errs)}
        #: Provenance (CLI keys; ``working_precision_bits``, ``uncertified_cells``).
        self.metadata: Dict[str, str] = dict(metadata)
        #: Significant digits of every value.
        self.digits: int = digits
        #: Gradient descent's edge of stability (MPFR GD runs), else None.
        self.stability: Optional[Dict[str, Any]] = None
        #: The exact times (Fractions) the values are at, when known.
        self.times_exact: Optional[List[Any]] = None
        #: Why a simulation stopped before its last row, else None.
        self.failure: Optional[str] = None

    @property
    def columns(self) -> Tuple[str, ...]:
        """The column names, in order (``t`` first)."""
        return self._names

    def __getitem__(self, name: str) -> np.ndarray:
        """``t`` as float64; a value column as an object array of Decimals."""
        if name == "t" and "t" in self._names:
            return self._t
        try:
            return self._values[name]
        except KeyError:
            raise KeyError(f"no column {name!r} (columns: {', '.join(self._names)})") from None

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def keys(self) -> Tuple[str, ...]:
        """The column names."""
        return self._names

    def __len__(self) -> int:
        """The number of time points."""
        return len(self._t)

    def __repr__(self) -> str:
        return (
            f"<exactflow.CertifiedTrajectory: {len(self)} points, {self.digits} digits, "
            f"columns {', '.join(self._names)}>"
        )

    @property
    def uncertified(self) -> int:
        """Cells whose radius did not reach ``digits`` digits (0 normally; their ``err``
        is still a true bound)."""
        return int(self.metadata.get("uncertified_cells", "0"))

    def to_numpy(self, dtype: Any = np.float64) -> np.ndarray:
        """A 2-D array, one row per time point: the nearest doubles (default), or with
        ``dtype=object`` the Decimals (``t`` as float)."""
        cols: List[np.ndarray] = []
        for n in self._names:
            c = self[n]
            cols.append(c.astype(dtype) if dtype is not object else c.astype(object))
        if not cols:
            return np.empty((0, 0), dtype=dtype)
        return np.column_stack(cols)

    def to_pandas(self, err: bool = True) -> Any:
        """A DataFrame of Decimal columns (``t`` float64), with ``<column>_err`` bound
        columns after each value column when ``err`` (as ``solve --certify``)."""
        try:
            import pandas as pd
        except ImportError as e:  # pragma: no cover
            raise ImportError("to_pandas needs pandas: pip install pandas") from e
        data: Dict[str, Any] = {}
        for n in self._names:
            data[n] = self[n]
            if err and n != "t":
                data[f"{n}_err"] = self.err[n]
        df = pd.DataFrame(data)
        df.attrs["exactflow"] = dict(self.metadata)
        return df

    def to_trajectory(self) -> Trajectory:
        """The nearest float64 values as a :class:`Trajectory`."""
        return Trajectory(self._names, [self[n].astype(np.float64) for n in self._names], self.metadata)


class DecimalTrajectory(CertifiedTrajectory):
    """A high-precision trajectory that is not certified: the MPFR simulators
    (``ef.simulate(sc, "taylor")``, gradient descent with ``digits``). Values are Decimals
    with ``digits`` significant digits, good to about that many digits by the method's
    own accounting (docs: its ``metadata["precision"]``), without a rigorous bound:
    ``err`` is empty."""

    def __init__(self, columns, t, values, metadata, digits) -> None:  # type: ignore[override]
        super().__init__(columns, t, values, [[] for _ in values], metadata, digits)
        self.err = {}

    @property
    def uncertified(self) -> int:
        """Every cell (nothing here is certified)."""
        return len(self) * (len(self.columns) - 1)

    def to_pandas(self, err: bool = False) -> Any:
        """A DataFrame of the Decimal columns (``t`` float64)."""
        return super().to_pandas(err=False)

    def __repr__(self) -> str:
        return (
            f"<exactflow.DecimalTrajectory: {len(self)} points, {self.digits} digits (not certified), "
            f"columns {', '.join(self.columns)}; {self.metadata.get('method', '')}>"
        )
