#!/usr/bin/env bash
# Runs the whole test suite. On a fresh machine it first installs what the build needs:
# rug (the tests' MPFR reference) builds GMP and MPFR from source, which needs m4.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v m4 >/dev/null 2>&1; then
  echo "scripts/test.sh: m4 is missing (GMP/MPFR build); installing it" >&2
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq m4 >/dev/null
fi
exec cargo test --workspace "$@"
