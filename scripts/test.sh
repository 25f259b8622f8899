#!/usr/bin/env bash
# Runs the whole test suite (installing m4 first on a fresh machine): the Rust workspace,
# then the Python package's pytest suite (scripts/test_python.sh, in its own venv).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo test --workspace "$@"
scripts/test_python.sh
