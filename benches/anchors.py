#!/usr/bin/env python3
# Copied verbatim (but for this line and the docstring's pointer to docs/model.md) from the
# workplace's shared anchor script, so that a clone of the repository can run its benchmarks.
"""Anchor timings: what a user would run instead of this project, on the same work.

The work: the closed-form trajectory of the one-hidden-layer linear network of
docs/model.md, width d, all four observables (z, residual, ntk, alignment) at
each time point of a grid on [0, 10]. Each anchor evaluates the same formula:
  python floats, numpy (vectorized), mpmath, gmpy2 (MPFR), python-flint (Arb balls),
plus scipy's DOP853 integrating the raw 2d-dimensional flow, and SymPy verifying
symbolically that the closed form solves the Riccati equation.

Set-up (once):  python3 -m venv /tmp/anchors && /tmp/anchors/bin/pip install \
                    mpmath gmpy2 python-flint scipy numpy sympy
Run:            /tmp/anchors/bin/python anchors.py [--width 100] [--json out.json]
Prints one line per anchor: microseconds per time point (setup excluded) and the setup time.
Machines are noisy: compare against the project's own figures measured in the same run."""
import argparse, json, math, random, sys, time

def scenario(d, seed=0):
    r = random.Random(seed)
    u0 = [r.gauss(0, 1 / math.sqrt(d)) for _ in range(d)]
    w0 = [r.gauss(0, 1 / math.sqrt(d)) for _ in range(d)]
    # eta_u, eta_w, gamma, E[x^2], E[xy]
    return u0, w0, 0.7, 1.3, 0.9, 1.1, 2.5

def closed_form(num, u0, w0, eu, ew, g, a, b, ts):
    sqrt, exp, N = num
    eu, ew, g, a, b = map(N, (eu, ew, g, a, b))
    k = g * sqrt(eu * ew); th = b / a
    ut = [N(x) / sqrt(eu) for x in u0]; wt = [N(x) / sqrt(ew) for x in w0]
    s0 = [x + y for x, y in zip(ut, wt)]; d0 = [x - y for x, y in zip(ut, wt)]
    S = sum(x * x for x in s0); D = sum(x * x for x in d0); M = sum(x * y for x, y in zip(s0, d0))
    A = a * k * k * S / 2; B = 2 * a * k * th; C = a * k * k * D / 2
    om = sqrt(B * B + 4 * A * C); zp = (B + om) / (2 * A); y0 = 1 - zp
    out = []
    for t in ts:
        E = exp(-om * N(t))
        z = zp + y0 * om * E / (om + A * y0 * (1 - E))
        out.append((z, k * (S * z - D / z) / 4 - th, k * k * (S * z + D / z) / 2,
                    (S * z - D / z) / sqrt((S * z + D / z) ** 2 - 4 * M * M)))
    return out

def best_of(fn, reps=3):
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter(); fn(); best = min(best, time.perf_counter() - t0)
    return best

def per_point(num, sc, n):
    ts = [10 * i / (n - 1) for i in range(n)]
    full = best_of(lambda: closed_form(num, *sc, ts))
    one = best_of(lambda: closed_form(num, *sc, ts[:1]))
    return (full - one) / (n - 1) * 1e6, one * 1e3

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--width", type=int, default=100)
    ap.add_argument("--json")
    args = ap.parse_args()
    sc = scenario(args.width)
    rows = {}
    def report(name, us, setup_ms):
        rows[name] = {"us_per_point": us, "setup_ms": setup_ms}
        print(f"{name:34s} {us:12.3f} us/point   setup {setup_ms:9.3f} ms", flush=True)
    report("python-float", *per_point((math.sqrt, math.exp, float), sc, 20001))
    import numpy as np
    u0, w0, eu, ew, g, a, b = sc
    k = g * math.sqrt(eu * ew); th = b / a
    ut = np.array(u0) / math.sqrt(eu); wt = np.array(w0) / math.sqrt(ew)
    s0, d0 = ut + wt, ut - wt
    S, D, M = s0 @ s0, d0 @ d0, s0 @ d0
    A, B, C = a * k * k * S / 2, 2 * a * k * th, a * k * k * D / 2
    om = math.sqrt(B * B + 4 * A * C); zp = (B + om) / (2 * A); y0 = 1 - zp
    t = np.linspace(0, 10, 10 ** 6)
    def vec():
        E = np.exp(-om * t); z = zp + y0 * om * E / (om + A * y0 * (1 - E))
        return (k * (S * z - D / z) / 4 - th, k * k * (S * z + D / z) / 2,
                (S * z - D / z) / np.sqrt((S * z + D / z) ** 2 - 4 * M * M))
    report("numpy-vectorized-f64", best_of(vec) / 1e6 * 1e6, 0.0)
    import mpmath as mp, gmpy2, flint
    for dps in (50, 1000, 10000):
        prec = int(dps * 3.3219280948873626) + 16
        n = 201 if dps < 10000 else 21
        mp.mp.dps = dps
        report(f"mpmath-{dps}dps", *per_point((mp.sqrt, mp.exp, mp.mpf), sc, n))
        gmpy2.get_context().precision = prec
        report(f"gmpy2-mpfr-{dps}dps", *per_point((gmpy2.sqrt, gmpy2.exp, gmpy2.mpfr), sc, n))
        flint.ctx.prec = prec
        report(f"python-flint-arb-{dps}dps", *per_point((lambda x: x.sqrt(), lambda x: x.exp(), flint.arb), sc, n))
    from scipy.integrate import solve_ivp
    d = args.width
    def F(_t, y):
        u, w = y[:d], y[d:]; e = g * (u @ w) - th
        return np.concatenate([-eu * a * g * e * w, -ew * a * g * e * u])
    ts = np.linspace(0, 10, 101)
    sec = best_of(lambda: solve_ivp(F, (0, 10), np.array(u0 + w0), method="DOP853", t_eval=ts, rtol=1e-12, atol=1e-14))
    report("scipy-DOP853-rtol1e-12-101pts", sec / 101 * 1e6, 0.0)
    import sympy as sp
    def verify():
        A_, B_, C_ = sp.symbols("A B C", positive=True); tt = sp.symbols("t", real=True)
        w_ = sp.sqrt(B_ ** 2 + 4 * A_ * C_); zp_ = (B_ + w_) / (2 * A_); y_ = 1 - zp_; E_ = sp.exp(-w_ * tt)
        z_ = zp_ + y_ * w_ * E_ / (w_ + A_ * y_ * (1 - E_))
        assert sp.simplify(sp.diff(z_, tt) - (-A_ * z_ ** 2 + B_ * z_ + C_)) == 0
    rows["sympy-verify-riccati-symbolic"] = {"seconds": best_of(verify, 1)}
    print(f"{'sympy-verify-riccati-symbolic':34s} {rows['sympy-verify-riccati-symbolic']['seconds']:12.3f} s")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"width": args.width, "anchors": rows}, fh, indent=2)

if __name__ == "__main__":
    sys.exit(main())
