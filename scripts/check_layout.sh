#!/usr/bin/env bash
# Enforces the size rule of docs/architecture.md: no library or binary source file over 600
# lines (unit tests under src/tests/ and integration tests are not counted). The function
# rule (no function over 120 lines of code) is clippy's `too_many_lines` at the threshold in
# clippy.toml, denied by CI's `cargo clippy -- -D warnings`.
set -euo pipefail
cd "$(dirname "$0")/.."
limit=600
status=0
while IFS= read -r f; do
    n=$(wc -l <"$f")
    if [ "$n" -gt "$limit" ]; then
        echo "check_layout: $f has $n lines (limit $limit): split it by responsibility" >&2
        status=1
    fi
done < <(git ls-files 'crates/*/src/*.rs' 'crates/*/src/**/*.rs' | grep -v '/src/tests/')
exit $status
