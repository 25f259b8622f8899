"""Shared fixtures: a few scenarios spanning the regimes, and the mpmath reference."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

import exactflow as ef  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def explicit():
    return ef.Scenario(gamma="0.9", eta_u="0.7", eta_w="13/10", exx="1.1", exy="-2.5", eyy=None,
                       u0=["0.1", "-0.2", "0.3"], w0=["0.5", "0.1", "-0.7"])


SCENARIOS = {
    "explicit": explicit,
    "alignment": lambda: ef.Scenario.preset("alignment"),
    "disalignment": lambda: ef.Scenario.preset("disalignment"),
    "rescaling": lambda: ef.Scenario.preset("rescaling"),
    "kernel": lambda: ef.Scenario.preset("kernel"),
    "anchor": lambda: ef.Scenario.from_toml(os.path.join(ROOT, "benches", "anchor_scenario.toml")),
    "tiny": lambda: ef.Scenario(gamma=1, exy=3, u0=["1e-8", "2e-8"], w0=["-1e-8", "3e-8"]),
    "slope-through-zero": lambda: ef.Scenario(gamma=1, exy="0.5", u0=[1, 0], w0=[-1, "0.2"]),
}


@pytest.fixture(params=sorted(SCENARIOS))
def scenario(request):
    return SCENARIOS[request.param]()
