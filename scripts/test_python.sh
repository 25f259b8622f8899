#!/usr/bin/env bash
# The Python package's tests: builds and installs python/ into its venv
# (scripts/python_env.sh) and runs pytest on python/tests. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
VENV=$(scripts/python_env.sh)
# Matplotlib draws off-screen in tests.
export MPLBACKEND=Agg
cd python
exec "$VENV/bin/python" -m pytest -q "$@"
