import json

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

for x in (a["loss"], df["loss"], pf["loss"], a_j[:, 4], df_j["loss"], pf_j["loss"], a_n[:, 4], df_n["loss"], pf_n["loss"]):
    assert np.allclose(np.asarray(x), df["loss"].to_numpy(), rtol=1e-12, atol=0), x
print("every loader reads the same loss column")
