#!/usr/bin/env bash
# The mp engine beside mpmath, gmpy2 (MPFR) and python-flint (Arb), measured in one run on
# the same scenario (benches/anchors.py's, written exactly in
# benches/anchor_scenario.toml); microseconds per time point and ratios.
# Needs the anchors venv (see scripts/bench_fast.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${ANCHORS_PYTHON:-/tmp/anchors/bin/python}
ANCHORS=${ANCHORS:-benches/anchors.py}
out=$(mktemp -d)
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" "$ANCHORS" --width 100 --json "$out/anchors.json" > "$out/anchors.txt"
cargo run --release -q -p exactflow-mp --example anchor_timing_mp | tee "$out/mp.txt"
python3 - "$out" <<'PY'
import json, re, sys
d = sys.argv[1]
a = json.load(open(f"{d}/anchors.json"))["anchors"]
for dps, label, plain, cert in re.findall(r"exactflow-mp-(\d+)dps-(\S+)\s+plain\s+([0-9.]+) us/point\s+certified\s+([0-9.]+)", open(f"{d}/mp.txt").read()):
    rows = {k: a[f"{k}-{dps}dps"]["us_per_point"] for k in ("mpmath", "gmpy2-mpfr", "python-flint-arb")}
    cmp = "  ".join(f"{k} {v:9.2f} ({v/float(cert):5.2f}x)" for k, v in rows.items())
    print(f"{dps:>5} digits {label:9}: certified {float(cert):9.2f} us/point, plain {float(plain):9.2f}   vs  {cmp}")
PY
