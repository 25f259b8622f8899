#!/usr/bin/env python3
"""Writes the scenario of benches/anchors.py (width d, seed 0) as an exact
exactflow scenario file: every float of the anchor is written as the exact rational it
is (fractions.Fraction), so both sides compute on the same numbers.

Usage: python3 scripts/anchor_scenario.py [--width 100] > benches/anchor_scenario.toml"""
import argparse, math, random
from fractions import Fraction

ap = argparse.ArgumentParser()
ap.add_argument("--width", type=int, default=100)
d = ap.parse_args().width
r = random.Random(0)
u0 = [r.gauss(0, 1 / math.sqrt(d)) for _ in range(d)]
w0 = [r.gauss(0, 1 / math.sqrt(d)) for _ in range(d)]
q = lambda x: '"%s"' % Fraction(x)
print("# The scenario of benches/anchors.py (width %d, seed 0), floats written exactly." % d)
print('name = "anchors-width-%d"' % d)
print("[model]")
print("gamma = %s\neta_u = %s\neta_w = %s" % (q(0.9), q(0.7), q(1.3)))
print("[data]")
print("exx = %s\nexy = %s" % (q(1.1), q(2.5)))
print("[init]")
print("u0 = [%s]" % ", ".join(q(x) for x in u0))
print("w0 = [%s]" % ", ".join(q(x) for x in w0))
