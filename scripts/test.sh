#!/usr/bin/env bash
# Runs the whole test suite (installing m4 first on a fresh machine).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec cargo test --workspace "$@"
