#!/usr/bin/env bash
# The Python package's fast path beside numpy, in one run: sc.solve on 2,000,000 times of
# [0, 10], columns z, residual, ntk, alignment, against numpy evaluating the same closed
# form vectorized exactly as benches/anchors.py's numpy row does, on the same scenario
# (benches/anchor_scenario.toml is anchors.py's scenario written exactly). Interleaved
# repetitions, best of each; prints ns per point and the ratio. Also the first call (which
# includes the scenario's one-time exact reduction) and one thread.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
VENV=$(scripts/python_env.sh)
# numpy is slowed by OPENBLAS_CORETYPE on some CPUs; unset it for this command alone.
exec env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$VENV/bin/python" - "$@" <<'PY'
import math, os, sys, time
import numpy as np
import exactflow as ef

sys.path.insert(0, "benches")
from anchors import scenario  # the anchor's own scenario (width 100, seed 0)

N = 2_000_000
REPS = int(os.environ.get("REPS", "9"))
u0, w0, eu, ew, g, a, b = scenario(100)
sc = ef.Scenario.from_toml("benches/anchor_scenario.toml")
assert list(sc.u0) == u0 and list(sc.w0) == w0  # the same numbers on both sides

# benches/anchors.py's numpy row, verbatim but for N.
k = g * math.sqrt(eu * ew); th = b / a
ut = np.array(u0) / math.sqrt(eu); wt = np.array(w0) / math.sqrt(ew)
s0, d0 = ut + wt, ut - wt
S, D, M = s0 @ s0, d0 @ d0, s0 @ d0
A, B, C = a * k * k * S / 2, 2 * a * k * th, a * k * k * D / 2
om = math.sqrt(B * B + 4 * A * C); zp = (B + om) / (2 * A); y0 = 1 - zp
t = np.linspace(0, 10, N)
def vec():
    E = np.exp(-om * t); z = zp + y0 * om * E / (om + A * y0 * (1 - E))
    return (z, k * (S * z - D / z) / 4 - th, k * k * (S * z + D / z) / 2,
            (S * z - D / z) / np.sqrt((S * z + D / z) ** 2 - 4 * M * M))

cols = ["z", "residual", "ntk", "alignment"]
t0 = time.perf_counter(); tr = sc.solve(t, columns=cols); first = time.perf_counter() - t0
ref = vec()
# The two agree, numpy to its own accuracy: its residual k(Sz - D/z)/4 - theta* cancels to
# absolute errors ~1e-16*|theta*| late in training, where ours keeps its relative accuracy.
for c, x in zip(cols, ref):
    assert np.allclose(tr[c], x, rtol=1e-9, atol=1e-12 * abs(th) if c == "residual" else 0), c
best = {"numpy": math.inf, "exactflow": math.inf}
for _ in range(REPS):
    for name, fn in (("numpy", vec), ("exactflow", lambda: sc.solve(t, columns=cols))):
        t0 = time.perf_counter(); fn(); best[name] = min(best[name], time.perf_counter() - t0)
ns = {k: v / N * 1e9 for k, v in best.items()}
print(f"points {N}, columns z,residual,ntk,alignment, best of {REPS}, threads {os.cpu_count()}")
print(f"numpy-vectorized-f64 (anchors.py's row)  {ns['numpy']:8.2f} ns/point")
print(f"exactflow sc.solve                       {ns['exactflow']:8.2f} ns/point   (first call {first / N * 1e9:.2f} ns/point)")
print(f"ratio numpy/exactflow                    {ns['numpy'] / ns['exactflow']:8.2f}x")
PY
