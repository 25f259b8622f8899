#!/usr/bin/env bash
# The long edge sweep of the Taylor oracle (issue 10): `simulate --method taylor` at
# digits 10, 17, 50, 308, 309, 400, 1000 on the README's scenario, tiny (1e-30) and large
# (1e30) initializations and a late time, every value held against the certified closed
# form (crates/exactflow-simulate/src/tests/taylor.rs, `taylor_sweep`). CI runs the fast
# slice of the same checks in `cargo test`; this takes minutes in a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
EXACTFLOW_TAYLOR_SWEEP=1 cargo test --release -p exactflow-simulate taylor_sweep -- --nocapture
