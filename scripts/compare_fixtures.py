"""Writes the fixtures of `exactflow compare`'s reader tests with numpy, pandas and polars
themselves (crates/exactflow-tables/tests/fixtures/): the tables a user's trainer would
write, holding the float64 roundings of the 30-digit reference ref.csv
(`exactflow solve --preset alignment --grid 0:4:9 --columns t,z,slope,loss,ntk
--engine mp --digits 30`).

    /tmp/anchors/bin/python scripts/compare_fixtures.py crates/exactflow-tables/tests/fixtures

Needs numpy, pandas, polars. The files are committed; rerun only to add one.
"""
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

out = Path(sys.argv[1])
ref = pd.read_csv(out / "ref.csv", comment="#")
cols = list(ref.columns)  # t, z, slope, loss, ntk
a = np.ascontiguousarray(ref.to_numpy(dtype=np.float64))  # C order, shape (9, 5)
assert a.flags.c_contiguous and a.shape == (9, 5)

np.save(out / "c_order.npy", a)
np.save(out / "fortran.npy", np.asfortranarray(a))
np.save(out / "transposed.npy", np.ascontiguousarray(a.T).T)  # fortran_order True
np.save(out / "f4_big.npy", a.astype(">f4"))
np.save(out / "f2.npy", a.astype("<f2"))
np.save(out / "longdouble.npy", a.astype(np.longdouble))
rec = np.zeros(len(a), dtype=[(c, "<f8") for c in cols])
for i, c in enumerate(cols):
    rec[c] = a[:, i]
np.save(out / "structured.npy", rec)
np.savez(out / "savez.npz", **{c: a[:, i] for i, c in enumerate(cols)})
np.savez_compressed(out / "savez_compressed.npz", **{c: a[:, i] for i, c in enumerate(cols)})
np.savez(out / "subset.npz", t=a[:, 0], loss=a[:, 3])
np.savez(out / "swapped.npz", t=a[:, 0], z=a[:, 2], slope=a[:, 1])  # z and slope swapped
np.savez(out / "extra.npz", t=a[:, 0], z=a[:, 1], accuracy=np.ones(len(a)))
np.savez(
    out / "with_metadata.npz",
    t=a[:, 0],
    z=a[:, 1],
    metadata=json.dumps({"engine": "numpy", "trainer": "sgd"}),
)
df = pd.DataFrame(a, columns=cols)
df.to_csv(out / "pandas_index.csv")  # default: the index as a first unnamed column
df.to_json(out / "pandas_split.json", orient="split", double_precision=15)
df.to_json(out / "pandas_records.json", orient="records", double_precision=15)
df.to_json(out / "pandas_columns.json", double_precision=15)  # orient="columns"
pdf = pl.DataFrame({c: a[:, i] for i, c in enumerate(cols)})
pdf.write_csv(out / "polars.csv")
pdf.write_json(out / "polars.json")
# A trainer that logs one time twice (the second copy garbage), and one out of order.
dup = np.insert(a, 3, a[2] * 7.0, axis=0)
dup[3, 0] = a[2, 0]
np.save(out / "duplicate_t.npy", dup)
