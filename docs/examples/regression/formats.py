import numpy as np
import pandas as pd
import polars as pl

exec(open("train.py").read().split("with open")[0])  # ts, slope, residual, loss, norm_u, norm_w
cols = {"t": ts, "slope": slope, "residual": residual, "loss": loss, "norm_u": norm_u, "norm_w": norm_w}
np.savez("candidate.npz", **cols)                                   # named columns, exact doubles
np.savez_compressed("candidate_z.npz", **cols)
pd.DataFrame(cols).to_csv("candidate_pandas.csv")                   # the index column is recognised
pl.DataFrame(cols).write_csv("candidate_polars.csv")
pd.DataFrame(cols).to_json("candidate_records.json", orient="records", double_precision=15)
np.save("candidate.npy", np.column_stack(list(cols.values())))    # no names: --columns t,slope,...
