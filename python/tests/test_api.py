"""The public surface: every public name documented, the stub covering the extension,
the package importable without its optional dependencies' imports."""

import inspect
import os
import re

import exactflow as ef
from exactflow import _native


def test_every_public_name_has_a_docstring():
    missing = []
    for name in ef.__all__:
        obj = getattr(ef, name)
        if isinstance(obj, tuple):
            continue
        if not inspect.getdoc(obj):
            missing.append(name)
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if attr.startswith("_") or not callable(getattr(obj, attr, None)) and not isinstance(member, property):
                    continue
                if not inspect.getdoc(getattr(obj, attr)):
                    missing.append(f"{name}.{attr}")
    for mod in (ef.testing, ef.plot):
        for name in mod.__all__:
            obj = getattr(mod, name)
            if callable(obj) and not inspect.getdoc(obj):
                missing.append(f"{mod.__name__}.{name}")
    assert not missing, missing


def test_the_stub_covers_the_extension():
    stub = open(os.path.join(os.path.dirname(ef.__file__), "_native.pyi")).read()
    declared = set(re.findall(r"^(?:def|class) (\w+)", stub, flags=re.M)) | set(
        re.findall(r"^(\w+): ", stub, flags=re.M))
    public = {n for n in dir(_native) if not n.startswith("_")} | {"__version__"}
    assert public - declared <= set(), public - declared


def test_exceptions():
    assert issubclass(ef.ScenarioError, ValueError)
    assert issubclass(ef.SimulationError, RuntimeError) and issubclass(ef.InternalError, RuntimeError)
    assert ef.__version__ == _native.__version__
    assert ef.COLUMNS[0] == "t" and len(ef.PRESETS) == 5 and "rescaling-u" in ef.LABELS


def test_a_rust_panic_becomes_internal_error():
    import pytest

    with pytest.raises(ef.InternalError, match="deliberate panic"):
        _native._test_panic()
    # The interpreter goes on.
    assert ef.Scenario.preset("kernel").width == 1024
