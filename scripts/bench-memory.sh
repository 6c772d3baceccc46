#!/usr/bin/env bash
# Peak memory of `synergai scheduler run` and of kube-scheduler v1.20.2 on a
# big cluster, side by side: each on its own fresh test API server with N
# emulated nodes and M pending job pods (scripts/bench-setup.sh, as
# bench-binds.sh), one after the other, both at the same client limits,
# binding every pod. Reports each scheduler's peak resident memory (VmHWM,
# read once every pod is bound, just before it is stopped), its resident
# memory at its first bind (stores synced, first pass decided) and at the
# end, and the times; a table on stdout (MiB), progress on stderr.
#
#   scripts/bench-memory.sh [NODES] [PODS] [options]   (default 5000 20000)
#     --limits QPS/BURST   both schedulers' client limits (default 1000/2000)
#     --schedulers S[,S]   synergai, kube-scheduler (default both)
#     --tui                also run `synergai tui --kube` (160x48, detached
#                          tmux) during synergai's run until its header
#                          shows every pod placed, and report its peak
#   env: SYNERGAI_BIN=PATH skips the build; BENCH_KEEP=1 keeps the logs
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; }
ARGS=() LIMITS=1000/2000 SCHEDULERS=synergai,kube-scheduler TUI=0
while [ $# -gt 0 ]; do
  case "$1" in
    --limits) LIMITS="${2:?--limits needs QPS/BURST}"; shift 2 ;;
    --schedulers) SCHEDULERS="${2:?--schedulers needs synergai and/or kube-scheduler}"; shift 2 ;;
    --tui) TUI=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) usage; echo "bench-memory.sh: unknown option $1" >&2; exit 2 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
[ ${#ARGS[@]} -le 2 ] || { usage; exit 2; }
NODES=${ARGS[0]:-5000}
PODS=${ARGS[1]:-20000}
IFS=, read -r -a SCHED_LIST <<<"$SCHEDULERS"
if [ "$TUI" = 1 ]; then command -v tmux >/dev/null || { echo "bench-memory.sh: --tui needs tmux" >&2; exit 2; }; fi

# shellcheck source=scripts/bench-setup.sh
source "$HERE/bench-setup.sh"
SESSION=synergai-bench-memory-$$
bench_on_exit() { [ "$TUI" = 0 ] || tmux kill-session -t "$SESSION" 2>/dev/null || true; }
bench_init bench-memory

T0=$(bench_now)
ROWS=()
for sched in "${SCHED_LIST[@]}"; do
  bench_log "=== $sched, $NODES nodes, $PODS pods, limits $LIMITS ==="
  bench_up "$NODES" "$PODS"
  bench_start "$sched" "$LIMITS"
  tui_pid='' tui_s=''
  if [ "$sched" = synergai ] && [ "$TUI" = 1 ]; then
    tmux new-session -d -s "$SESSION" -x 160 -y 48 \
      "exec env KUBECONFIG='$KUBECONFIG' '$SYNERGAI_BIN' tui --kube -n default"
    tui_pid=$(tmux list-panes -t "$SESSION" -F '#{pane_pid}')
    BENCH_EXTRA_PIDS=$tui_pid
  fi
  # Sample the scheduler's resident memory every second meanwhile: VmHWM
  # is the peak, the samples (run-N/rss) show when memory grows.
  samples="$BENCH_RUN_DIR/rss"
  until bench_poll_bound; do
    echo "$(bench_now) $(bench_kib VmRSS "$BENCH_SCHED" 2>/dev/null || echo 0)" >>"$samples"
    sleep 1
  done
  bench_log "$sched bound all $PODS pods after $BENCH_LAST_S s"
  if [ -n "$tui_pid" ]; then
    until grep -Eq "nodes $NODES +pending 0 +running [0-9]+ +done [0-9]+/$PODS " <<<"$(tmux capture-pane -p -t "$SESSION")"; do
      kill -0 "$tui_pid" 2>/dev/null || bench_die "the dashboard exited"
      sleep 1
    done
    tui_s=$(bench_since "$BENCH_START")
    bench_log "the dashboard shows them all after $tui_s s"
  fi
  hwm=$(bench_kib VmHWM "$BENCH_SCHED") rss=$(bench_kib VmRSS "$BENCH_SCHED")
  # for a closer look with BENCH_KEEP=1: where the memory is mapped
  cp "/proc/$BENCH_SCHED/status" "$BENCH_RUN_DIR/$sched.status" 2>/dev/null || true
  cp "/proc/$BENCH_SCHED/smaps" "$BENCH_RUN_DIR/$sched.smaps" 2>/dev/null || true
  # resident memory at the first bind (the stores synced, the first pass
  # decided) and where the samples peaked
  read -r at_first peak_at < <(python3 - "$samples" "$BENCH_START" "$BENCH_FIRST_S" <<'PY'
import sys
start, first = float(sys.argv[2]), float(sys.argv[3])
s = [(float(t) - start, int(k)) for t, k in (l.split() for l in open(sys.argv[1]) if l.strip())]
after = [k for t, k in s if t >= first] or [s[-1][1]]
peak_t = max(s, key=lambda x: x[1])[0]
print(f"{after[0] / 1024:.0f} {peak_t:.0f}")
PY
  )
  ROWS+=("$(printf '%-16s %14s %13s %10s   %s' "$sched" "$(bench_mib "$hwm")" "$at_first" "$(bench_mib "$rss")" \
    "first bind after $BENCH_FIRST_S s, all bound after $BENCH_LAST_S s, sampled RSS highest at $peak_at s (other work: $BENCH_OTHER_CORES cores, $BENCH_OTHER_NICED niced)")")
  if [ -n "$tui_pid" ]; then
    hwm=$(bench_kib VmHWM "$tui_pid") rss=$(bench_kib VmRSS "$tui_pid")
    ROWS+=("$(printf '%-16s %14s %13s %10s   %s' "tui --kube" "$(bench_mib "$hwm")" - "$(bench_mib "$rss")" \
      "showed every pod placed after $tui_s s")")
    tmux kill-session -t "$SESSION" 2>/dev/null || true
    BENCH_EXTRA_PIDS=''
  fi
  bench_down
done

echo "$NODES nodes, $PODS pods, client limits qps ${LIMITS%/*} burst ${LIMITS#*/} (test kube-apiserver v1.20.2, $(nproc) cores)"
printf '%-16s %14s %13s %10s   %s\n' PROCESS 'PEAK RSS MiB' 'AT 1ST BIND' 'AT END' TIME
printf '%s\n' "${ROWS[@]}"
echo "wall time $(bench_since "$T0") s in all (set-ups included)"
