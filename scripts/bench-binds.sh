#!/usr/bin/env bash
# Binds per second of `synergai scheduler run` and of kube-scheduler v1.20.2
# side by side on the test API server: for each size, each client limit and
# each scheduler, a fresh API server with N emulated nodes and M pending
# job pods (scripts/bench-setup.sh), the scheduler started once they all
# exist, and the time until a watch has seen every pod bound. The two
# schedulers run one after the other on identical set-ups, never at once.
#
#   scripts/bench-binds.sh [options]
#     --sizes NxM[,NxM...]      nodes x pods       (default 1000x5000,5000x20000)
#     --limits L[,L...]         default or QPS/BURST (default default,1000/2000)
#     --schedulers S[,S...]     synergai, kube-scheduler (default both)
#     --repeat N                runs of each (default 1; the ratios use medians)
#     --timeout SECONDS         per run, for every pod to be bound (default 3600)
#   env: SYNERGAI_BIN=PATH      skip the build; BENCH_KEEP=1 keeps the logs;
#        BENCH_SYNERGAI_FLAGS   more `scheduler run` flags (word-split)
#
# `default` gives each scheduler its own client limits (synergai: 100 binds/s,
# burst 200; kube-scheduler: 50 QPS, burst 100); QPS/BURST gives both the
# same (see scripts/bench-setup.sh). Reported per run: binds/s from the
# scheduler's start to the last bind (start-up, informer sync and first
# pass included) and from the first bind to the last, the scheduler's CPU
# time and peak resident memory. A table goes to stdout, progress to stderr.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//' >&2; }
SIZES=1000x5000,5000x20000 LIMITS=default,1000/2000 SCHEDULERS=synergai,kube-scheduler TIMEOUT=3600 REPEAT=1
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) SIZES="${2:?--sizes needs NxM[,NxM...]}"; shift 2 ;;
    --limits) LIMITS="${2:?--limits needs default or QPS/BURST}"; shift 2 ;;
    --schedulers) SCHEDULERS="${2:?--schedulers needs synergai and/or kube-scheduler}"; shift 2 ;;
    --timeout) TIMEOUT="${2:?--timeout needs seconds}"; shift 2 ;;
    --repeat) REPEAT="${2:?--repeat needs a count}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage; echo "bench-binds.sh: unexpected argument: $1" >&2; exit 2 ;;
  esac
done
IFS=, read -r -a SIZE_LIST <<<"$SIZES"
IFS=, read -r -a LIMIT_LIST <<<"$LIMITS"
IFS=, read -r -a SCHED_LIST <<<"$SCHEDULERS"
[[ "$REPEAT" =~ ^[1-9][0-9]*$ ]] || { echo "bench-binds.sh: --repeat needs a positive count" >&2; exit 2; }
for size in "${SIZE_LIST[@]}"; do
  [[ "$size" =~ ^[0-9]+x[0-9]+$ ]] || { echo "bench-binds.sh: a size is NODESxPODS, not $size" >&2; exit 2; }
done
for s in "${SCHED_LIST[@]}"; do
  case "$s" in synergai|kube-scheduler) ;; *) echo "bench-binds.sh: unknown scheduler $s" >&2; exit 2 ;; esac
done

# shellcheck source=scripts/bench-setup.sh
source "$HERE/bench-setup.sh"
bench_init bench-binds

RESULTS="$BENCH_ROOT/results"
: >"$RESULTS"
T0=$(bench_now)
# one_run NODES PODS LIMITS SCHEDULER : a fresh set-up, the scheduler, a row
one_run() {
  local nodes="$1" pods="$2" limits="$3" sched="$4" hwm cpu url
  bench_log "=== $sched, $nodes nodes, $pods pods, limits $limits ==="
  bench_up "$nodes" "$pods"
  bench_start "$sched" "$limits"
  bench_wait_bound "$TIMEOUT"
  hwm=$(bench_kib VmHWM "$BENCH_SCHED") cpu=$(bench_cpu_s "$BENCH_SCHED")
  if [ "$sched" = synergai ]; then  # its pass and bind histograms, for a closer look
    url=$(grep -o 'metrics on http://[0-9.:]*' "$BENCH_SCHED_LOG" | head -n1 | sed 's/^metrics on //')
    [ -z "$url" ] || curl -sf --max-time 10 "$url/metrics" >"$BENCH_RUN_DIR/metrics.txt" || true
  fi
  echo "$nodes $pods $limits $sched $BENCH_FIRST_S $BENCH_LAST_S $BENCH_OTHER_CORES $BENCH_OTHER_NICED $hwm $cpu" >>"$RESULTS"
  bench_down
}

for size in "${SIZE_LIST[@]}"; do
  for limits in "${LIMIT_LIST[@]}"; do
    for _ in $(seq "$REPEAT"); do
      for sched in "${SCHED_LIST[@]}"; do
        one_run "${size%x*}" "${size#*x}" "$limits" "$sched"
      done
    done
  done
done

echo "binds/s on the test kube-apiserver v1.20.2, $(nproc) cores; $("$SYNERGAI_BIN" --version), kube-scheduler v$SYNERGAI_KUBE_VERSION"
python3 - "$RESULTS" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
def limits(l, s):
    if l != "default":
        q, b = l.split("/")
        return f"qps {q}, burst {b}"
    return "default (qps 100, burst 200)" if s == "synergai" else "default (qps 50, burst 100)"
print(f"{'NODES':>6} {'PODS':>6}  {'SCHEDULER':<15} {'CLIENT LIMITS':<29} {'BINDS/S':>8} {'FIRST→LAST':>10} {'ALL BOUND':>10} {'CPU':>7} {'PEAK RSS':>9} {'OTHER':>10}")
by = {}
for nodes, pods, lim, sched, first, last, other, niced, hwm, *cpu in rows:
    pods_n, first, last = int(pods), float(first), float(last)
    rate = pods_n / last
    steady = (pods_n - 1) / (last - first) if last > first else float("inf")
    by.setdefault((nodes, pods, lim, sched), []).append(rate)
    shared, cpu = f"{other}/{niced}", (cpu[0] + "s" if cpu else "?")
    print(f"{nodes:>6} {pods:>6}  {sched:<15} {limits(lim, sched):<29} {rate:>8.0f} {steady:>10.0f} {last:>9.1f}s {cpu:>7} {int(hwm) / 1024:>5.0f} MiB {shared:>10}")
median = lambda v: sorted(v)[len(v) // 2] if len(v) % 2 else sum(sorted(v)[len(v) // 2 - 1:len(v) // 2 + 1]) / 2
for (nodes, pods, lim, sched), rates in by.items():
    other = by.get((nodes, pods, lim, "kube-scheduler"))
    if sched == "synergai" and other:
        runs = f" (medians of {len(rates)} and {len(other)} runs)" if len(rates) > 1 or len(other) > 1 else ""
        print(f"{nodes} nodes / {pods} pods, limits {lim}: synergai {median(rates) / median(other):.2f}× kube-scheduler{runs}")
PY
echo "BINDS/S: pods / seconds from the scheduler's start to the last bind; FIRST→LAST: from the first bind to the last;"
echo "CPU: the scheduler's CPU time (user + system) until then; PEAK RSS: its peak resident memory (VmHWM);"
echo "OTHER: cores that work outside the run (builds, tests) used meanwhile / of them at a lower priority (nice > 0)."
echo "wall time $(bench_since "$T0") s for $(wc -l <"$RESULTS") runs (set-ups included)"
