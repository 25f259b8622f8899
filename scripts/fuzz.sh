#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers a user reaches, with libFuzzer on the stable
# toolchain (libfuzzer-sys builds libFuzzer with the C++ compiler; rustc's stable
# `-Cpasses=sancov-module` instruments the code; no sanitizer runtime is needed for safe Rust).
#
#   scripts/fuzz.sh build                 build the targets (fuzz/target/HOST/release/TARGET)
#   scripts/fuzz.sh run TARGET [ARGS...]  run one target on its corpus (fuzz/corpus/TARGET, seeded
#                                         from fuzz/seeds/TARGET), extra ARGS to libFuzzer
#                                         (e.g. -runs=10000000, -max_total_time=600)
#   scripts/fuzz.sh short [SECS]          every target for a few seconds each (default 5: CI-sized)
#   scripts/fuzz.sh campaign N            every target in turn for N executions (-runs=N), one job at
#   scripts/fuzz.sh campaign T=N...       a time, under `nice -n 19` (or the targets named, N each);
#                                         logs in $FUZZ_LOG (default fuzz/logs/) and FUZZ_LOG/summary.txt:
#                                         executions per target (libFuzzer's stat::number_of_executed_units),
#                                         exit status (0: no failure), artifacts written
#   scripts/fuzz.sh cli [EXECS]           the whole-binary harness: the release `exactflow` run
#                                         on mutated argv and files under a time and memory cap
#                                         (crates/exactflow-cli/tests/all/fuzz_cli.rs; default 2000)
#
# Every run is capped: -timeout (seconds per input) and -rss_limit_mb / -malloc_limit_mb make a
# hang or a blow-up a failure like a panic; the crashing input is written to fuzz/artifacts/.
# Targets (fuzz/fuzz_targets/): tables (CSV/JSON/NPY/NPZ read, then compared under several
# option sets), numbers (table decimals, the exact tolerance test, the scenario number parser),
# scenario (TOML -> validate -> canonical TOML round trip), times (--times, --grid incl. log
# grids, --times-file text/NPY through the CLI's own times_arg.rs; every point checked against
# its exact value), roundtrip (the writer's CSV/JSON/NPY/NPZ at any digits, with hostile names,
# metadata and values, read back and compared: values within the printed rounding, ball bounds
# covering the ball, a table equal to itself and to its NPY).
#
# Reproducing the campaign (issue 11): `scripts/fuzz.sh campaign numbers=4000000 times=2000000
# tables=2000000 scenario=1000000 roundtrip=300000` (in-process, one target at a time), then
# `scripts/fuzz.sh cli 20000` (whole binary). CI stays short: `cargo test` runs fuzz_cli's
# default budget (seconds); `scripts/fuzz.sh short` is ~5 s per target plus the build.
# Reached on 2026-12-02 on main 468a552 plus this harness's fixes, 2 shared cores at nice 19
# (load ~14), zero crashes, timeouts or memory blow-ups: numbers 4,000,000; times 1,490,965;
# tables 2,316,434; scenario 665,049; roundtrip 170,396 executions (8.64e6 in all; the time
# budget ran out before 1e7), plus 3,000,000 tables executions on the reader before its CSV
# header fix. Found and fixed: quoted CSV names with blanks at an end (and names starting with
# `#`) did not read back; decimals `m·10^-k` and ratios of decimals were reduced by a general
# gcd (1e-9999 tens of ms; the numbers target ran at 300 exec/s, now ~14,000).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/fuzz"
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
caps=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048)
targets=(tables numbers scenario times roundtrip)
# An explicit --target keeps RUSTFLAGS off build scripts and proc macros (as cargo-fuzz does).
triple="$(rustc -vV | sed -n 's/^host: //p')"
build() { cargo build --release --bins --quiet --target "$triple"; }
run() {
    local t="$1"
    shift
    mkdir -p "corpus/$t" artifacts
    "target/$triple/release/$t" "${caps[@]}" -artifact_prefix="artifacts/$t-" "$@" "corpus/$t" "seeds/$t"
}
case "${1:-}" in
build) build ;;
run)
    build
    shift
    run "$@"
    ;;
short)
    build
    for t in "${targets[@]}"; do run "$t" -max_total_time="${2:-5}" -print_final_stats=1; done
    ;;
campaign)
    # campaign N | campaign TARGET=N... : executions per target, one target at a time.
    shift
    log="${FUZZ_LOG:-$root/fuzz/logs}"
    mkdir -p "$log"
    build
    specs=("$@")
    if [ "${#specs[@]}" -eq 1 ] && [[ "${specs[0]}" != *=* ]]; then
        specs=()
        for t in "${targets[@]}"; do specs+=("$t=$1"); done
    fi
    for spec in "${specs[@]}"; do
        t="${spec%%=*}"
        rc=0
        nice -n 19 "$root/scripts/fuzz.sh" run-built "$t" -runs="${spec#*=}" -print_final_stats=1 >"$log/$t.log" 2>&1 || rc=$?
        n="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log/$t.log" | tail -1)"
        echo "$(date -u +%FT%TZ) $t executions=${n:-0} exit=$rc artifacts=$(find artifacts -name "$t-*" | wc -l)" |
            tee -a "$log/summary.txt"
    done
    ;;
run-built)
    shift
    run "$@"
    ;;
cli)
    cd "$root"
    cargo build --release -p exactflow-cli --quiet
    EXACTFLOW_FUZZ_EXECS="${2:-2000}" EXACTFLOW_FUZZ_BIN="$root/target/release/exactflow" \
        cargo test --release -p exactflow-cli --test all fuzz_cli -- --nocapture
    ;;
*)
    sed -n '2,20p' "$0"
    exit 2
    ;;
esac
