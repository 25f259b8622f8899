# Our own implementation of the training dynamics, written independently of exactflow:
# gradient flow integrated with SciPy's DOP853. It writes the observables it can compute.
import numpy as np
from scipy.integrate import solve_ivp

gamma, eta_u, eta_w, exx, exy = 0.9, 0.7, 1.3, 1.1, -2.5   # same numbers as scenario.toml
u0 = np.array([0.1, -0.2, 0.3])
w0 = np.array([0.5, 0.1, -0.7])
theta = exy / exx
d = len(u0)

def field(t, y):
    u, w = y[:d], y[d:]
    e = gamma * (u @ w) - theta
    return np.concatenate([-eta_u * exx * gamma * e * w, -eta_w * exx * gamma * e * u])

ts = np.arange(101) / 10  # the nearest doubles of 0, 0.1, ..., 10 (np.linspace gives 0.30000000000000004)
sol = solve_ivp(field, (0.0, 10.0), np.concatenate([u0, w0]), method="DOP853",
                t_eval=ts, rtol=1e-12, atol=1e-14)
u, w = sol.y[:d], sol.y[d:]
slope = gamma * (u * w).sum(axis=0)
residual = slope - theta
loss = 0.5 * exx * residual**2
norm_u, norm_w = np.linalg.norm(u, axis=0), np.linalg.norm(w, axis=0)

with open("candidate.csv", "w") as f:
    f.write("t,slope,residual,loss,norm_u,norm_w\n")
    for row in zip(ts, slope, residual, loss, norm_u, norm_w):
        f.write(",".join(f"{x:.17e}" for x in row) + "\n")
