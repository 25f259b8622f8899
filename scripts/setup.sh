#!/usr/bin/env bash
# Installs what a fresh machine lacks to build exactflow: m4, which the GMP/MPFR build
# behind rug needs. Idempotent; uses sudo when not root.
set -euo pipefail
if ! command -v m4 >/dev/null 2>&1; then
  echo "exactflow setup: installing m4 (needed to build GMP/MPFR)" >&2
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq m4 >/dev/null
fi
