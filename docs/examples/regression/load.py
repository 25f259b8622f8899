import json
from fractions import Fraction

import numpy as np
import pandas as pd
import polars as pl

cols = ["t", "z", "slope", "residual", "loss", "ntk", "alignment", "norm_u", "norm_w"]

# CSV: `#` metadata lines, a header, rows.
a = np.genfromtxt((l for l in open("reference.csv") if not l.startswith("#")), delimiter=",", names=True)  # a["loss"]
df = pd.read_csv("reference.csv", comment="#")
pf = pl.read_csv("reference.csv", comment_prefix="#")

# JSON: {"metadata": {...}, "columns": [...], "rows": [[...], ...]}, numbers as strings.
d = json.load(open("reference.json"))
a_j = np.array(d["rows"], dtype=np.float64)
df_j = pd.DataFrame(d["rows"], columns=d["columns"]).astype(float)
pf_j = pl.DataFrame(d["rows"], schema=d["columns"], orient="row").cast(pl.Float64)

# NPY: a C-order float64 array (rows, columns), columns in table order, no names.
a_n = np.load("reference.npy")
df_n = pd.DataFrame(np.load("reference.npy"), columns=cols)
pf_n = pl.from_numpy(np.load("reference.npy"), schema=cols)

# NPZ: one float64 vector per column, named, and the metadata as a JSON string.
f = np.load("reference.npz"); a_z = f["loss"]; meta = json.loads(str(f["metadata"]))
df_z = pd.DataFrame({k: f[k] for k in f.files if k != "metadata"})
pf_z = pl.DataFrame({k: f[k] for k in f.files if k != "metadata"})

# Weights (exactflow init): float64 u0, w0; the exact values, where they are not doubles, in the metadata.
for name in ["weights.npz", "weights_saddle.npz"]:  # exactflow init --preset kernel | saddle --out ...
    g = np.load(name); u0, w0 = g["u0"], g["w0"]; m = json.loads(str(g["metadata"]))
    u0_exact = [Fraction(s) for s in m["u0_exact"].split(",")] if "u0_exact" in m else [Fraction(x) for x in u0]
    assert all(float(q) == x for q, x in zip(u0_exact, u0)) and len(u0) == int(m["width"])
    assert ("u0_exact" in m) == (name == "weights_saddle.npz")  # sigma = 1 draws are doubles; 0.1 ones are not

for x in (a["loss"], df["loss"], pf["loss"], a_j[:, 4], df_j["loss"], pf_j["loss"], a_n[:, 4], df_n["loss"], pf_n["loss"], a_z, df_z["loss"], pf_z["loss"]):
    assert np.allclose(np.asarray(x), df["loss"].to_numpy(), rtol=1e-12, atol=0), x
assert meta["model.gamma"] == "9/10" and list(df_z.columns) == cols
print("every loader reads the same loss column")
