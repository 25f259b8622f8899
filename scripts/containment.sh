#!/usr/bin/env bash
# The long run of the Ball containment suite (crates/exactflow-mp/src/tests/containment.rs):
# 200,000 random cases (CI runs 3,000) of add, sub, mul, div, sqrt, exp, expm1 and the
# rational conversions on random balls (zero-containing, radii near the midpoint,
# exponents near f64's limits and up to 2^50), each against a 1024-bit evaluation.
#   scripts/containment.sh [CASES]
set -eu
cd "$(dirname "$0")/.."
EXACTFLOW_CONTAINMENT_CASES=${1:-200000} cargo test --release -p exactflow-mp --lib \
  containment -- --nocapture
