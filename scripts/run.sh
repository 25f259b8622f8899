#!/usr/bin/env bash
# Builds (release) and runs exactflow with the given arguments, installing m4 first on a
# fresh machine. Example: scripts/run.sh solve --preset kernel
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec cargo run --release -q -p exactflow-cli -- "$@"
