#!/usr/bin/env bash
# The fast engine beside numpy, measured in one run on the same scenario
# (shared/bench/anchors.py's, written exactly in benches/anchor_scenario.toml).
# Prints microseconds per time point for both and the ratio.
#
# Needs the anchors venv:  python3 -m venv /tmp/anchors && /tmp/anchors/bin/pip install \
#   mpmath gmpy2 python-flint scipy numpy sympy
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${ANCHORS_PYTHON:-/tmp/anchors/bin/python}
ANCHORS=${ANCHORS:-../shared/bench/anchors.py}
out=$(mktemp -d)
# numpy is slowed by OPENBLAS_CORETYPE on some CPUs; unset it for this command alone.
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" "$ANCHORS" --width 100 --json "$out/anchors.json" | tee "$out/anchors.txt"
cargo bench -p exactflow-fast --bench closed_form -- --noplot 2>&1 | tee "$out/bench.txt" | grep -E "^fast-closed-form|time:"
python3 - "$out" <<'PY'
import json, re, sys
d = sys.argv[1]
numpy = json.load(open(f"{d}/anchors.json"))["anchors"]["numpy-vectorized-f64"]["us_per_point"]
text = open(f"{d}/bench.txt").read()
unit = {"ns": 1e-3, "µs": 1.0, "us": 1.0, "ms": 1e3}
rows = {}
for name, mid, u in re.findall(r"fast-closed-form/(\S+)\s+time:\s+\[\S+ \S+ (\S+) (\S+)", text):
    rows[name] = float(mid) * unit[u] / 100_000  # the bench evaluates 100,000 points
for name, us in rows.items():
    print(f"fast {name:12s} {us*1e3:8.2f} ns/point   numpy (4 columns) {numpy*1e3:8.2f} ns/point   ratio {numpy/us:5.2f}x")
PY
