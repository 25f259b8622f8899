"""Train from exactflow's initial weights and write a candidate table (regression-testing.md §1)."""
import json
from fractions import Fraction

import numpy as np
from scipy.integrate import solve_ivp

f = np.load("weights.npz")                  # exactflow init --preset kernel --out weights.npz
u0, w0 = f["u0"], f["w0"]                   # float64, shape (1024,)
meta = json.loads(str(f["metadata"]))       # every number of the scenario, exactly ("1/32")
gamma, eta_u, eta_w, exx, exy = (float(Fraction(meta[k])) for k in
                                 ["model.gamma", "model.eta_u", "model.eta_w", "data.exx", "data.exy"])
theta = exy / exx
d = len(u0)

def field(t, y):                            # the gradient flow of docs/model.md §2
    u, w = y[:d], y[d:]
    e = gamma * (u @ w) - theta
    return np.concatenate([-eta_u * exx * gamma * e * w, -eta_w * exx * gamma * e * u])

ts = np.arange(21.0)                        # the reference's --grid 0:20:21
sol = solve_ivp(field, (0.0, 20.0), np.concatenate([u0, w0]), method="DOP853",
                t_eval=ts, rtol=1e-12, atol=1e-14)
u, w = sol.y[:d], sol.y[d:]
slope = gamma * (u * w).sum(axis=0)
np.savez("candidate_kernel.npz", t=ts, slope=slope, loss=0.5 * exx * (slope - theta) ** 2,
         norm_u=np.linalg.norm(u, axis=0), norm_w=np.linalg.norm(w, axis=0))
