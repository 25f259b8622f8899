"""exactflow: the exact training dynamics of a one-hidden-layer linear network on
one-dimensional data (Xu & Ziyin, "Three Mechanisms of Feature Learning in a Linear
Network", ICLR 2025) at any width, from any initialization, with layer-wise learning
rates — evaluated, checked and explained, from Python.

::

    import exactflow as ef, numpy as np
    sc = ef.Scenario(gamma="0.9", eta_u="0.7", eta_w="13/10", exx="1.1", exy="-2.5",
                     u0=["0.1", "-0.2", "0.3"], w0=["0.5", "0.1", "-0.7"])
    tr = sc.solve(np.linspace(0, 10, 101))          # float64 columns, engine speed
    hp = sc.solve([0, 1, 10], digits=50)            # certified Decimals, hp.err bounds
    sc.limits(digits=40)["z_plus"]                  # exact limit, correctly rounded
    sc.mechanism().label                            # "alignment", "kernel", ...

The computation is the Rust library's (``exactflow._native``); this package converts and
dispatches. The guide is docs/python.md.
"""

from . import _native, testing
from ._core import (
    Check,
    CheckReport,
    CertifyLine,
    CertifyReport,
    ColumnReport,
    CompareReport,
    Deviation,
    Limits,
    Mechanism,
    PhaseDiagram,
    Scenario,
    compare,
    phase,
    simulate,
)
from ._native import InternalError, ScenarioError, SimulationError
from ._tables import CertifiedTrajectory, DecimalTrajectory, Trajectory

__version__: str = _native.__version__

#: Every trajectory column, in schema order.
COLUMNS = tuple(_native.COLUMNS)
#: The built-in scenarios.
PRESETS = tuple(_native.PRESETS)
#: The mechanism labels.
LABELS = tuple(_native.LABELS)


def __getattr__(name: str):  # lazy: matplotlib is optional
    if name == "plot":
        import importlib

        return importlib.import_module(".plot", __name__)
    raise AttributeError(f"module 'exactflow' has no attribute {name!r}")


__all__ = [
    "Scenario",
    "Trajectory",
    "CertifiedTrajectory",
    "DecimalTrajectory",
    "Limits",
    "Check",
    "CheckReport",
    "CertifyLine",
    "CertifyReport",
    "Mechanism",
    "PhaseDiagram",
    "CompareReport",
    "ColumnReport",
    "Deviation",
    "ScenarioError",
    "InternalError",
    "SimulationError",
    "simulate",
    "phase",
    "compare",
    "testing",
    "plot",
    "COLUMNS",
    "PRESETS",
    "LABELS",
]
