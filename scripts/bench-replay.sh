#!/usr/bin/env bash
# End-to-end replay speed at scale: `synergai replay` of the generated
# 5,000-node / 20,000-job scenario (`fixture generate --nodes 5000 --jobs
# 20000 --seed 5`, at its default load 0.85 and overloaded at 1.3) under
# synergai with incremental passes, synergai with the full re-plan
# (--full-replan, the reference) and k8s-default, side by side. Wall time of
# the whole command (load, plan, replay, table), median of RUNS runs.
#
#   scripts/bench-replay.sh [RUNS] [LOADS...]      (default 3, loads 0.85 1.3)
#
# Builds the binary in the `ci` profile (release, the inference crates
# unoptimized: the same replay code, a quarter of an hour less to build).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
shift $(( $# < 1 ? $# : 1 ))
LOADS=("$@")
[ ${#LOADS[@]} -gt 0 ] || LOADS=(0.85 1.3)
BIN=target/ci/synergai
cargo build --profile ci --bin synergai --quiet
DIR=$(mktemp -d /tmp/synergai-bench-replay.XXXXXX)
trap 'rm -rf "$DIR"' EXIT

# Median wall seconds of RUNS runs of `synergai replay FILE ARGS...`.
median_seconds() {
  local file=$1
  shift
  for _ in $(seq "$RUNS"); do
    local start end
    start=$(date +%s.%N)
    "$BIN" replay "$file" --no-bound -o json "$@" >/dev/null
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'
  done | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

printf '%-6s %-24s %9s %11s %s\n' load run seconds jobs/s "vs k8s-default"
for load in "${LOADS[@]}"; do
  file="$DIR/g-$load.yaml"
  "$BIN" fixture generate --nodes 5000 --jobs 20000 --seed 5 --load "$load" >"$file"
  k8s=$(median_seconds "$file" --policy k8s-default)
  for run in "synergai" "synergai --full-replan" "k8s-default"; do
    case $run in
      "synergai") s=$(median_seconds "$file" --policy synergai) ;;
      "synergai --full-replan") s=$(median_seconds "$file" --policy synergai --full-replan) ;;
      *) s=$k8s ;;
    esac
    awk -v load="$load" -v run="$run" -v s="$s" -v k="$k8s" \
      'BEGIN { printf "%-6s %-24s %9.2f %11.0f %.2fx\n", load, run, s, 20000 / s, s / k }'
  done
done
