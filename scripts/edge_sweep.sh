#!/usr/bin/env bash
# Edge sweep of the numeric surface (issue 10): solve (fast, mp, mp --certify) and
# certify over --digits x columns x magnitudes of init, gamma and eta x times up to 1e12.
#
# Every run must end in one of: exit 0 with no nan/inf printed for a value, exit 2 with one
# "exactflow: error:" line naming what it refuses, or (certify / --certify) exit 1 naming
# what failed. A panic (exit 101), a timeout, a nan/inf value cell or an exit 0 with
# uncertified cells is a finding. Prints one line per finding and a summary.
#
#   scripts/edge_sweep.sh [BINARY]          # default target/release/exactflow
#   EDGE_TIMEOUT=20 scripts/edge_sweep.sh   # seconds per run (default 30)
#   EDGE_QUICK=1 scripts/edge_sweep.sh      # a reduced grid (~2 minutes)
set -u
BIN=${1:-target/release/exactflow}
TMO=${EDGE_TIMEOUT:-30}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
BASE=(--gamma 0.9 --eta-u 0.7 --eta-w 13/10 --exx 1.1 --exy -2.5)
runs=0; ok=0; refused=0; failed=0; findings=0

finding() { findings=$((findings + 1)); echo "FINDING: $*"; }

# run LABEL ARGS...: classify one run.
run() {
  local label=$1; shift
  runs=$((runs + 1))
  timeout "$TMO" "$BIN" "$@" >"$OUT/o" 2>"$OUT/e"
  local rc=$?
  case $rc in
    0)
      # A value cell printed as nan/inf (the alignment of an exactly-zero layer excepted:
      # mp's undefined alignment is printed nan with nan bound, by contract).
      if grep -v '^#' "$OUT/o" | grep -qiE '(^|,)(-?inf|nan)(,|$)' \
         && ! grep -q 'alignment' <<<"$label"; then
        finding "$label: exit 0 with nan/inf: $(grep -v '^#' "$OUT/o" | grep -iE 'nan|inf' | head -1 | cut -c1-160)"
      elif grep -qE '^# uncertified_cells: [1-9]' "$OUT/o"; then
        finding "$label: exit 0 with uncertified cells"
      else ok=$((ok + 1)); fi ;;
    1) failed=$((failed + 1)); echo "exit1: $label: $(head -c 200 "$OUT/e")" ;;
    2) refused=$((refused + 1))
       [ "$(grep -c 'exactflow: error:' "$OUT/e")" -ge 1 ] || finding "$label: exit 2 without a message" ;;
    124) finding "$label: timeout ${TMO}s" ;;
    *) finding "$label: exit $rc: $(head -c 300 "$OUT/e")" ;;
  esac
}

if [ -n "${EDGE_QUICK:-}" ]; then
  DIGITS=(10 17 309 1000)
  MAGS=(1e-300 1e-30 1 1e30 1e300)
  TIMES=("0,1" "1e3" "1e12")
else
  DIGITS=(10 17 50 308 309 400 1000 10000 100000)
  MAGS=(1e-300 1e-100 1e-30 1e-10 1 1e10 1e30 1e100 1e300)
  TIMES=("0,1" "0,0.5,2" "1e3" "1e6" "1e9" "1e12")
fi
COLS=(t,z t,slope t,residual t,loss t,ntk t,alignment t,norm_u t,norm_w)

# 1. digits x columns at the README scenario (mp, mp --certify), two times.
for d in "${DIGITS[@]}"; do
  for c in "${COLS[@]}"; do
    run "solve mp d=$d $c" solve "${BASE[@]}" --u0 0.1,-0.2,0.3 --w0 0.5,0.1,-0.7 \
      --times 0,1e3 --engine mp --digits "$d" --columns "$c"
    run "solve mp-certify d=$d $c" solve "${BASE[@]}" --u0 0.1,-0.2,0.3 --w0 0.5,0.1,-0.7 \
      --times 0.5,1e9 --engine mp --digits "$d" --certify --columns "$c"
  done
done

# 2. magnitudes of the initialization x times x engines.
for m in "${MAGS[@]}"; do
  u0="${m},-2${m#1},3${m#1}"; w0="5${m#1},${m},-7${m#1}"
  [ "$m" = 1 ] && { u0="1,-2,3"; w0="5,1,-7"; }
  for t in "${TIMES[@]}"; do
    run "solve fast init=$m t=$t" solve "${BASE[@]}" --u0 "$u0" --w0 "$w0" --times "$t"
    run "solve mp-certify init=$m t=$t" solve "${BASE[@]}" --u0 "$u0" --w0 "$w0" --times "$t" \
      --engine mp --digits 30 --certify
  done
  run "certify init=$m" certify "${BASE[@]}" --u0 "$u0" --w0 "$w0" --points 5
done

# 3. magnitudes of gamma and of the rates.
for m in "${MAGS[@]}"; do
  for flag in --gamma --eta-u --eta-w; do
    run "solve mp-certify $flag=$m" solve "${BASE[@]}" --u0 0.1,-0.2,0.3 --w0 0.5,0.1,-0.7 \
      "$flag" "$m" --times 0,1 --engine mp --digits 20 --certify
    run "certify $flag=$m" certify "${BASE[@]}" --u0 0.1,-0.2,0.3 --w0 0.5,0.1,-0.7 \
      "$flag" "$m" --points 5
  done
done

# 4. certify at every digits value it accepts, and beyond.
for d in 20 50 308 309 400 1000 1001; do
  run "certify d=$d" certify "${BASE[@]}" --u0 0.1,-0.2,0.3 --w0 0.5,0.1,-0.7 --digits "$d" --points 5
done

echo "summary: $runs runs: $ok ok, $refused refused (exit 2), $failed failed (exit 1), $findings findings"
[ "$findings" -eq 0 ]
