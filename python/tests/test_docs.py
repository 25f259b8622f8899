"""docs/python.md is executed: every ```python block, in order, in one namespace (as a
notebook would), in a scratch directory; then every test_* function it defines."""

import os
import re

import pytest

from conftest import ROOT

DOC = os.path.join(ROOT, "docs", "python.md")


def blocks():
    text = open(DOC, encoding="utf-8").read()
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_the_guide_runs(tmp_path, monkeypatch, capsys):
    pytest.importorskip("matplotlib")
    pytest.importorskip("pandas")
    monkeypatch.chdir(tmp_path)
    code = blocks()
    assert len(code) >= 8
    ns = {"__name__": "docs_python"}
    for i, block in enumerate(code):
        try:
            exec(compile(block, f"docs/python.md block {i + 1}", "exec"), ns)
        except Exception as e:  # pragma: no cover - the failure message is the point
            raise AssertionError(f"docs/python.md block {i + 1} failed: {e!r}\n{block}") from e
    tests = [v for k, v in ns.items() if k.startswith("test_") and callable(v)]
    assert len(tests) == 2
    for t in tests:
        t()
    out = capsys.readouterr().out
    assert "model.eta_u: must be > 0, got -7/10" in out
    assert (tmp_path / "alignment.pdf").stat().st_size > 1000
    assert (tmp_path / "reference.csv").read_text().startswith("# exactflow: ")
