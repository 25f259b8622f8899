#!/usr/bin/env bash
# Sets up the Python package's venv (default target/py-venv; EXACTFLOW_VENV overrides it):
# creates it on first use with maturin, numpy, pytest and the optional mpmath, pandas,
# matplotlib, then builds python/ and installs it the way a user does (`pip install
# ./python`; the binding crate's release build shares target/release with the CLI).
# Prints the venv's absolute path on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${EXACTFLOW_VENV:-target/py-venv}
PY=${PYTHON:-python3}
REQS="maturin>=1.9.4,<2 numpy pytest mpmath pandas matplotlib"
stamp="$VENV/.exactflow-reqs"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$REQS" ]; then
  echo "exactflow: creating the Python venv $VENV" >&2
  if ! "$PY" -m venv "$VENV" >&2; then
    # Debian's python3 keeps venv (ensurepip) in a package of its own.
    if command -v apt-get >/dev/null 2>&1; then
      if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
      ver=$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
      $SUDO apt-get update -qq >&2
      $SUDO apt-get install -y -qq "python$ver-venv" >&2 || $SUDO apt-get install -y -qq python3-venv >&2
    fi
    rm -rf "$VENV"
    "$PY" -m venv "$VENV" >&2
  fi
  "$VENV/bin/python" -m pip install -q --upgrade pip >&2
  # shellcheck disable=SC2086
  "$VENV/bin/python" -m pip install -q $REQS >&2
  echo "$REQS" > "$stamp"
fi
VENV=$(cd "$VENV" && pwd)
# --no-build-isolation: build with the venv's maturin (on PATH) instead of fetching one
# per install.
PATH="$VENV/bin:$PATH" "$VENV/bin/python" -m pip install -q --no-build-isolation \
  --force-reinstall --no-deps ./python >&2
echo "$VENV"
