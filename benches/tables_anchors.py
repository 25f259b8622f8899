#!/usr/bin/env python3
"""Anchors for scripts/bench_tables.sh: what a user would run instead of `exactflow solve`
and `exactflow phase` to get the same table into a file, on benches/anchors.py's scenario
(width 100, seed 0).

  f64-csv  N      numpy closed form of all nine columns + pandas DataFrame.to_csv
  f64-npy  N      numpy closed form of all nine columns + np.save
  flint    D N KIND   python-flint (Arb) eval of z, residual, ntk, alignment at D digits
                  + str(x, D) of each (value and radius), KIND grid|scattered; prints
                  microseconds per point in wall and in CPU time (the cost of one point
                  subtracted, as anchors.py)
  phase    NX NY  pandas writing a phase-sized table (x, y, label and 12 floats per row)

Each prints one line `seconds S` (or `us_per_point U`)."""
import math, random, sys, time

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from anchors import scenario  # noqa: E402


def consts(num, d=100):
    sqrt, N = num
    u0, w0, eu, ew, g, a, b = scenario(d)
    eu, ew, g, a, b = map(N, (eu, ew, g, a, b))
    k = g * sqrt(eu * ew); th = b / a
    ut = [N(x) / sqrt(eu) for x in u0]; wt = [N(x) / sqrt(ew) for x in w0]
    s0 = [x + y for x, y in zip(ut, wt)]; d0 = [x - y for x, y in zip(ut, wt)]
    S = sum(x * x for x in s0); D = sum(x * x for x in d0); M = sum(x * y for x, y in zip(s0, d0))
    A = a * k * k * S / 2; B = 2 * a * k * th; C = a * k * k * D / 2
    om = sqrt(B * B + 4 * A * C); zp = (B + om) / (2 * A); y0 = 1 - zp
    return dict(eu=eu, ew=ew, k=k, th=th, a=a, S=S, D=D, M=M, A=A, om=om, zp=zp, y0=y0)


def numpy_table(n):
    import numpy as np
    c = consts((math.sqrt, float))
    t = np.linspace(0, 10, n)
    E = np.exp(-c["om"] * t)
    z = c["zp"] + c["y0"] * c["om"] * E / (c["om"] + c["A"] * c["y0"] * (1 - E))
    sz, dz = c["S"] * z, c["D"] / z
    slope = c["k"] * (sz - dz) / 4
    e = slope - c["th"]
    loss = c["a"] * e * e / 2
    ntk = c["k"] ** 2 * (sz + dz) / 2
    align = (sz - dz) / np.sqrt((sz + dz) ** 2 - 4 * c["M"] ** 2)
    nu = np.sqrt(c["eu"] * (sz + dz + 2 * c["M"]) / 4)
    nw = np.sqrt(c["ew"] * (sz + dz - 2 * c["M"]) / 4)
    return t, [t, z, slope, e, loss, ntk, align, nu, nw]


NAMES = ["t", "z", "slope", "residual", "loss", "ntk", "alignment", "norm_u", "norm_w"]


def f64_csv(n, path):
    import pandas as pd
    t0 = time.perf_counter()
    _, cols = numpy_table(n)
    pd.DataFrame(dict(zip(NAMES, cols))).to_csv(path, index=False)
    return time.perf_counter() - t0


def f64_npy(n, path):
    import numpy as np
    t0 = time.perf_counter()
    _, cols = numpy_table(n)
    np.save(path, np.column_stack(cols))
    return time.perf_counter() - t0


def flint_points(dps, n, kind):
    import flint
    flint.ctx.prec = int(dps * 3.3219280948873626) + 16
    if kind == "grid":
        ts = [flint.arb(10 * i) / (n - 1) for i in range(n)]
    else:
        ts = [flint.arb((i * 7919) % 10007) / 1000 for i in range(n)]

    def run(ts):
        c = consts((lambda x: x.sqrt(), flint.arb))
        out = []
        for t in ts:
            E = (-c["om"] * t).exp()
            z = c["zp"] + c["y0"] * c["om"] * E / (c["om"] + c["A"] * c["y0"] * (1 - E))
            sz, dz = c["S"] * z, c["D"] / z
            e = c["k"] * (sz - dz) / 4 - c["th"]
            ntk = c["k"] ** 2 * (sz + dz) / 2
            al = (sz - dz) / ((sz + dz) ** 2 - 4 * c["M"] ** 2).sqrt()
            out.append(",".join(x.str(dps) for x in (z, e, ntk, al)))
        return out

    def best(f, clock, reps=3):
        b = float("inf")
        for _ in range(reps):
            t0 = clock(); f(); b = min(b, clock() - t0)
        return b

    per = lambda clock: (best(lambda: run(ts), clock) - best(lambda: run(ts[:1]), clock)) / (n - 1) * 1e6
    return per(time.perf_counter), per(time.process_time)


def phase_csv(nx, ny, path):
    import numpy as np, pandas as pd
    n = nx * ny
    r = np.random.default_rng(0)
    labels = np.array(["kernel", "alignment", "disalignment", "rescaling-u", "rescaling-w", "saddle"])
    cols = {"sigma_u": np.repeat(np.geomspace(1e-4, 1, nx)[None, :], ny, 0).ravel(),
            "sigma_w": np.repeat(np.geomspace(1e-4, 1, ny), nx),
            "label": labels[r.integers(0, 6, n)]}
    for name in ["z_inf", "ntk_change", "alignment0", "alignment_inf", "rotation_u", "rotation_w",
                 "norm_ratio_u", "norm_ratio_w", "dominance", "time_scale", "residual_inf", "ntk0"]:
        cols[name] = r.standard_normal(n) * 10.0 ** r.integers(-8, 8, n)
    df = pd.DataFrame(cols)
    t0 = time.perf_counter()
    df.to_csv(path, index=False)
    return time.perf_counter() - t0


def main():
    what = sys.argv[1]
    if what == "f64-csv":
        print(f"seconds {f64_csv(int(sys.argv[2]), sys.argv[3]):.4f}")
    elif what == "f64-npy":
        print(f"seconds {f64_npy(int(sys.argv[2]), sys.argv[3]):.4f}")
    elif what == "flint":
        wall, cpu = flint_points(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
        print(f"us_per_point {wall:.3f} cpu_us_per_point {cpu:.3f}")
    elif what == "phase":
        print(f"seconds {phase_csv(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]):.4f}")
    else:
        sys.exit(f"unknown anchor {what}")


if __name__ == "__main__":
    main()
