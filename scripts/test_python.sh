#!/usr/bin/env bash
# The Python package's tests: builds python/ (PyO3 + maturin; the binding crate's release
# build shares target/release with the CLI) into a venv of its own, target/py-venv (created
# on first use with maturin, numpy, pytest and the optional mpmath, pandas, matplotlib the
# tests use), installs it the way a user does (`pip install ./python`), and runs pytest.
# Extra arguments go to pytest. EXACTFLOW_VENV overrides the venv's location.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${EXACTFLOW_VENV:-target/py-venv}
PY=${PYTHON:-python3}
REQS="maturin>=1.9.4,<2 numpy pytest mpmath pandas matplotlib"
stamp="$VENV/.exactflow-reqs"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$REQS" ]; then
  echo "exactflow: creating the test venv $VENV" >&2
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  # shellcheck disable=SC2086
  "$VENV/bin/python" -m pip install -q $REQS
  echo "$REQS" > "$stamp"
fi
# --no-build-isolation: build with the venv's maturin (on PATH) instead of fetching one
# per install.
VENV=$(cd "$VENV" && pwd)
export PATH="$VENV/bin:$PATH"
"$VENV/bin/python" -m pip install -q --no-build-isolation --force-reinstall --no-deps ./python
# Matplotlib draws off-screen in tests.
export MPLBACKEND=Agg
cd python
exec "$VENV/bin/python" -m pytest -q "$@"
