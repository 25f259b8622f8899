#!/usr/bin/env bash
# Tables end to end (issue 13): the release binary, output file included, beside what a
# user would run instead, in one run on benches/anchors.py's scenario (written exactly in
# benches/anchor_scenario.toml). Wall time and peak RSS from /usr/bin/time; ratios are
# anchor / exactflow (> 1: exactflow faster). Per-point mp figures subtract the cost of a
# one-point table on both sides (anchors.py's method); they are given in wall time and in
# CPU time (user + system, all threads): on a loaded machine the CPU ratio is the stable
# one, and exactflow's mp blocks run on every core while python-flint uses one.
#
# Needs the anchors venv (numpy, pandas, python-flint):
#   python3 -m venv /tmp/anchors && /tmp/anchors/bin/pip install numpy pandas python-flint
# Sizes can be lowered for a quick look: ROWS=100000 MP_N=201 PHASE_N=300 scripts/bench_tables.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${ANCHORS_PYTHON:-/tmp/anchors/bin/python}
ROWS=${ROWS:-1000000}
MP_N=${MP_N:-2001}
MP10K_N=${MP10K_N:-41}
PHASE_N=${PHASE_N:-1000}
SC=benches/anchor_scenario.toml
cargo build --release -q -p exactflow-cli
EF=target/release/exactflow
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export OPENBLAS_NUM_THREADS=1
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE || true

# run NAME CMD...: wall seconds (best of $REPS) and peak RSS (MB) of CMD into $out/NAME.{s,mb}
REPS=${REPS:-3}
run() {
  local name=$1; shift
  python3 - "$out/$name" "$REPS" "$@" <<'PYRUN'
import resource, subprocess, sys, time
dest, reps, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
best, cpu = float("inf"), float("inf")
for _ in range(reps):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    best = min(best, time.perf_counter() - t0)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = min(cpu, r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime)
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
open(dest + ".s", "w").write(f"{best:.4f}\n")
open(dest + ".cpu", "w").write(f"{cpu:.4f}\n")
open(dest + ".mb", "w").write(f"{rss}\n")
PYRUN
}
anchor() { "$PY" benches/tables_anchors.py "$@" | awk '{print $2}'; }
ratio() { python3 -c "import sys; a, b = map(float, sys.argv[1:]); print(f'{a / b:6.2f}x')" "$1" "$2"; }
line() { printf '%-44s exactflow %9s %-8s %5s MB   anchor %9s %-8s   ratio %s\n' "$@"; }

# f64, 10^6 rows x 9 columns: CSV and NPY.
run csv "$EF" solve --scenario $SC --grid 0:10:$ROWS --out "$out/t.csv"
a=$(anchor f64-csv $ROWS "$out/a.csv")
line "f64 CSV $ROWS x 9 (numpy + pandas to_csv)" "$(cat $out/csv.s)" s "$(cat $out/csv.mb)" "$a" s "$(ratio $a $(cat $out/csv.s))"
run npy "$EF" solve --scenario $SC --grid 0:10:$ROWS --out "$out/t.npy"
a=$(anchor f64-npy $ROWS "$out/a.npy")
line "f64 NPY $ROWS x 9 (numpy + np.save)" "$(cat $out/npy.s)" s "$(cat $out/npy.mb)" "$a" s "$(ratio $a $(cat $out/npy.s))"

# Certified mp, 4 columns with their _err, microseconds per point.
per_point() { # digits n kind -> us/point of exactflow end to end
  local d=$1 n=$2 kind=$3 times
  if [ "$kind" = grid ]; then
    times=(--grid 0:10:$n); one=(--times 0)
  else
    "$PY" -c "import sys; print('\n'.join(str(((i*7919)%10007)/1000) for i in range($n)))" > "$out/sc.txt"
    times=(--times-file "$out/sc.txt"); one=(--times 0)
  fi
  run mpfull "$EF" solve --scenario $SC --engine mp --digits $d --certify --columns z,residual,ntk,alignment "${times[@]}" --out "$out/m.csv"
  run mpone "$EF" solve --scenario $SC --engine mp --digits $d --certify --columns z,residual,ntk,alignment "${one[@]}" --out "$out/m1.csv"
  python3 -c "import sys; f, o, n = map(float, sys.argv[1:]); print(f'{(f - o) / (n - 1) * 1e6:.2f}')" "$(cat $out/mpfull.s)" "$(cat $out/mpone.s)" $n
  python3 -c "import sys; f, o, n = map(float, sys.argv[1:]); print(f'{(f - o) / (n - 1) * 1e6:.2f}')" "$(cat $out/mpfull.cpu)" "$(cat $out/mpone.cpu)" $n > "$out/mpcpu.us"
}
for spec in "1000 $MP_N grid" "1000 $MP_N scattered" "10000 $MP10K_N grid"; do
  set -- $spec
  e=$(per_point $1 $2 $3)
  read -r a acpu < <("$PY" benches/tables_anchors.py flint $1 $2 $3 | awk '{print $2, $4}')
  line "certified $1 digits, $3, 4 cols+_err ($2 pts)" "$e" us/pt "$(cat $out/mpfull.mb)" "$a" us/pt "$(ratio $a $e)"
  line "  the same, CPU time (both sides)" "$(cat $out/mpcpu.us)" us/pt "" "$acpu" us/pt "$(ratio $acpu $(cat $out/mpcpu.us))"
done

# phase 1000 x 1000 against pandas merely writing a table that size.
run phase "$EF" phase --preset alignment --x sigma_u=1e-4..1:log:$PHASE_N --y sigma_w=1e-4..1:log:$PHASE_N --out "$out/ph"
a=$(anchor phase $PHASE_N $PHASE_N "$out/a_phase.csv")
line "phase ${PHASE_N}x${PHASE_N} (pandas to_csv of that size)" "$(cat $out/phase.s)" s "$(cat $out/phase.mb)" "$a" s "$(ratio $a $(cat $out/phase.s))"
# The criterion benchmark of the writer alone, for tracking over time:
#   cargo bench -p exactflow-tables --bench write
