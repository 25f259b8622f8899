#!/usr/bin/env bash
# The fast engine beside numpy, measured in one run on the same scenario
# (benches/anchors.py's, written exactly in benches/anchor_scenario.toml).
# Same method on both sides (10^6 points, best of repeated runs); prints ns per point and
# the ratio.
#
# Needs the anchors venv:  python3 -m venv /tmp/anchors && /tmp/anchors/bin/pip install \
#   mpmath gmpy2 python-flint scipy numpy sympy
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${ANCHORS_PYTHON:-/tmp/anchors/bin/python}
ANCHORS=${ANCHORS:-benches/anchors.py}
out=$(mktemp -d)
# numpy is slowed by OPENBLAS_CORETYPE on some CPUs; unset it for this command alone.
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" "$ANCHORS" --width 100 --json "$out/anchors.json" | tee "$out/anchors.txt"
cargo build --release -q -p exactflow-fast --example anchor_timing
cargo run --release -q -p exactflow-fast --example anchor_timing | tee "$out/fast.txt"
python3 - "$out" <<'PY'
import json, re, sys
d = sys.argv[1]
numpy = json.load(open(f"{d}/anchors.json"))["anchors"]["numpy-vectorized-f64"]["us_per_point"] * 1e3
for name, ns in re.findall(r"(\S+)\s+([0-9.]+) ns/point", open(f"{d}/fast.txt").read()):
    print(f"{name:26s} {float(ns):7.2f} ns/point   numpy (4 columns) {numpy:7.2f} ns/point   ratio {numpy/float(ns):5.2f}x")
PY
# The criterion benchmark (100,000 points) for tracking over time:
#   cargo bench -p exactflow-fast --bench closed_form
