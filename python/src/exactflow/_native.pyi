"""Type stub of the extension module built from crates/exactflow-py (PyO3). The public API
is the package's (exactflow.Scenario and friends); these are its building blocks."""

from os import PathLike
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import numpy.typing as npt

__version__: str
COLUMNS: List[str]
PRESETS: List[str]
LABELS: List[str]
MP_MIN_DIGITS: int
MP_MAX_DIGITS: int

class ScenarioError(ValueError):
    """Bad input; the message (and ``field``) names the field as the CLI does."""

    field: str

class InternalError(RuntimeError):
    """A bug in exactflow (a Rust panic caught at the boundary)."""

class Scenario:
    """A validated scenario, every number exact."""

    @staticmethod
    def build(fields: Dict[str, Any], base: Optional[Scenario] = None) -> Scenario: ...
    @staticmethod
    def preset(name: str) -> Scenario: ...
    @staticmethod
    def from_toml(path: Union[str, PathLike[str]]) -> Scenario: ...
    @staticmethod
    def from_toml_str(text: str, origin: str = "scenario") -> Scenario: ...
    @property
    def name(self) -> Optional[str]: ...
    @property
    def width(self) -> int: ...
    @property
    def u0(self) -> npt.NDArray[np.float64]: ...
    @property
    def w0(self) -> npt.NDArray[np.float64]: ...
    def initial_weights_exact(self) -> Tuple[List[Tuple[int, int]], List[Tuple[int, int]]]: ...
    def fields(self) -> List[Tuple[str, str]]: ...
    def canonical_toml(self) -> str: ...
    def sha256(self) -> str: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

def solve_fast(
    scenario: Scenario, times: Any, columns: Optional[Union[str, Sequence[str]]] = None
) -> Tuple[List[str], List[npt.NDArray[np.float64]], List[Tuple[str, str]]]: ...
def solve_mp(
    scenario: Scenario, times: Any, digits: int, columns: Optional[Union[str, Sequence[str]]] = None
) -> Tuple[List[str], npt.NDArray[np.float64], List[List[str]], List[List[str]], List[Tuple[str, str]], List[str]]: ...
def horizon(scenario: Scenario) -> float: ...
def trim() -> int:
    """Returns the allocator's cached output blocks to the system; the bytes released."""
def limits(scenario: Scenario, digits: int = 40) -> Dict[str, Any]: ...
def check(
    scenario: Scenario,
    gd_steps: int = 4,
    digits: int = 40,
    point_u: Optional[Any] = None,
    point_w: Optional[Any] = None,
) -> Dict[str, Any]: ...
def certify(
    scenario: Scenario,
    digits: int = 40,
    points: int = 33,
    taylor_digits: int = 30,
    taylor_points: int = 6,
) -> List[Tuple[str, bool, str, str, str]]: ...
def mechanism(scenario: Scenario) -> Dict[str, Any]: ...
def phase(scenario: Scenario, x: str, y: str) -> Dict[str, Any]: ...
def compare(
    reference: Any,
    candidate: Any,
    rtol: str,
    atol: str,
    columns: Optional[List[str]] = None,
    time_rtol: Optional[str] = None,
    nan_equal: bool = False,
    strict: bool = False,
    allow_extra_rows: bool = False,
) -> Dict[str, Any]: ...
def read_table(
    path: Union[str, PathLike[str]],
) -> Tuple[List[Tuple[str, str]], Optional[List[str]], List[npt.NDArray[np.float64]], List[List[str]]]: ...

class SimulationError(RuntimeError):
    """A simulation method failed on valid input."""

    trajectory: Any

def simulate(
    scenario: Scenario,
    method: str,
    steps: Optional[int] = None,
    every: Optional[int] = None,
    times: Any = None,
    digits: Optional[int] = None,
    rtol: Optional[float] = None,
    step: Optional[float] = None,
) -> Dict[str, Any]: ...
