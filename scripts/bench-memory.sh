#!/usr/bin/env bash
# Peak memory of `synergai scheduler run` and `synergai tui --kube` on a big
# cluster: N emulated nodes and M pending job pods on a fresh test API
# server; the scheduler (release build, no leader election, client rate
# limit raised) binds them all while the dashboard, in a detached 160×48
# tmux session, watches the same namespace until its header shows every
# pod placed. Reports each process's peak resident memory (VmHWM, read
# just before it is stopped) and the time of each phase, as a table on
# stdout (progress on stderr).
#
#   scripts/bench-memory.sh [NODES] [PODS]      (default 1000 20000)
#
# Objects are created as in bench-binds.sh: `synergai emulate` with every
# arrival at once. Nodes have 192 cores so that every pod fits at once (the
# policy runs resnet50 as openvino×8; 20 pods a node need 160 cores): the
# figure measures holding and placing the pods, not waiting for capacity.
# The emulator keeps playing the kubelet meanwhile (Running patches, node
# heartbeats), as on a live cluster. Needs tmux, curl and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
NODES=${1:-1000}
PODS=${2:-20000}
DIR=$(mktemp -d /tmp/synergai-bench-memory.XXXXXX)
rmdir "$DIR"
BIN=$PWD/target/release/synergai
[ -n "${CARGO_TARGET_DIR:-}" ] && BIN=$CARGO_TARGET_DIR/release/synergai
SESSION=synergai-bench-memory-$$
T0=$(date +%s.%N)
cargo build --release --quiet
eval "$(scripts/kube-up.sh --dir "$DIR")"
cleanup() {
  tmux kill-session -t "$SESSION" 2>/dev/null || true
  [ -n "${SCHED:-}" ] && kill "$SCHED" 2>/dev/null || true
  [ -n "${EMU:-}" ] && kill "$EMU" 2>/dev/null || true
  scripts/kube-down.sh --dir "$DIR" >/dev/null 2>&1 || true
}
trap cleanup EXIT

SCENARIO="$DIR/bench.yaml"
cat > "$SCENARIO" <<YAML
apiVersion: synergai.io/v1alpha1
kind: Scenario
metadata: {name: bench-memory}
spec:
  profile: builtin:edge-cloud
  seed: 1
  nodes:
    - {name: vm, replicas: $NODES, arch: xeon-vm, tier: cloud, cores: 192, memory: 768Gi, network: 1ms}
  workload:
    generators:
      - namePrefix: p
        count: $PODS
        arrivals: {process: poisson, ratePerSec: 1000000}
        mix:
          - {model: resnet50, queries: [100000, 100000], qos: [1h, 1h]}
YAML

api() {  # GET a path of the test API server
  curl -sf --cacert "$SYNERGAI_KUBE_CA" --cert "$SYNERGAI_KUBE_CLIENT_CERT" \
    --key "$SYNERGAI_KUBE_CLIENT_KEY" "$SYNERGAI_KUBE_SERVER$1"
}
pods_total() {  # pods in default, from a one-item page (cheap at any size)
  api '/api/v1/namespaces/default/pods?limit=1' 2>/dev/null |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["items"]) + d["metadata"].get("remainingItemCount", 0))' 2>/dev/null ||
    echo 0
}
unbound() {  # pods of default without a node, from the API server's watch cache
  api '/api/v1/namespaces/default/pods?resourceVersion=0&fieldSelector=spec.nodeName%3D' 2>/dev/null |
    python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))' 2>/dev/null ||
    echo unknown
}
binds_logged() {  # pods the scheduler bound, or found bound when it retried
  grep -cE 'synergai-scheduler: (bound|skipping) ' "$DIR/scheduler.err" || true
}
status_kib() {  # FIELD PID: a /proc/PID/status field in KiB
  awk -v f="$1:" '$1 == f {print $2}' "/proc/$2/status"
}
now() { date +%s.%N; }
since() { python3 -c "print(f'{$(now) - $1:.0f}')"; }

echo "creating $NODES nodes and $PODS pods..." >&2
t_create=$(now)
"$BIN" emulate --kube -n default -f "$SCENARIO" --timeout 2h >"$DIR/emulate.out" 2>"$DIR/emulate.err" &
EMU=$!
while [ "$(pods_total)" -lt "$PODS" ]; do
  kill -0 "$EMU" 2>/dev/null || { tail -5 "$DIR/emulate.err" >&2; exit 1; }
  sleep 2
done
create_s=$(since "$t_create")
echo "created in ${create_s} s; scheduling, dashboard watching..." >&2

t_run=$(now)
"$BIN" scheduler run --bind-address 127.0.0.1:0 --kube -n default --leader-elect=false \
  --kube-api-qps 1000 --kube-api-burst 2000 2>"$DIR/scheduler.err" &
SCHED=$!
tmux new-session -d -s "$SESSION" -x 160 -y 48 \
  "exec env KUBECONFIG='$KUBECONFIG' '$BIN' tui --kube -n default"
TUI=$(tmux list-panes -t "$SESSION" -F '#{pane_pid}')
bind_s='' tui_s=''
while [ -z "$bind_s" ] || [ -z "$tui_s" ]; do
  sleep 1
  kill -0 "$SCHED" 2>/dev/null || { tail -5 "$DIR/scheduler.err" >&2; exit 1; }
  kill -0 "$TUI" 2>/dev/null || { echo "the dashboard exited" >&2; exit 1; }
  if [ -z "$bind_s" ] && [ "$(binds_logged)" -ge "$PODS" ] && [ "$(unbound)" = 0 ]; then
    bind_s=$(since "$t_run")
    echo "all pods bound after ${bind_s} s" >&2
  fi
  screen=$(tmux capture-pane -p -t "$SESSION")
  if [ -z "$tui_s" ] &&
    grep -Eq "nodes $NODES +pending 0 +running [0-9]+ +done [0-9]+/$PODS " <<<"$screen"; then
    tui_s=$(since "$t_run")
    echo "the dashboard shows them all after ${tui_s} s" >&2
  fi
done
# Peaks (and current use) just before stopping.
sched_hwm=$(status_kib VmHWM "$SCHED") sched_rss=$(status_kib VmRSS "$SCHED")
tui_hwm=$(status_kib VmHWM "$TUI") tui_rss=$(status_kib VmRSS "$TUI")
emu_hwm=$(status_kib VmHWM "$EMU") emu_rss=$(status_kib VmRSS "$EMU")
tmux capture-pane -p -t "$SESSION" | sed -n 2p >&2
total_s=$(since "$T0")

mib() { python3 -c "print(f'{$1 / 1024:.0f}')"; }
echo "$NODES nodes, $PODS pods (test kube-apiserver v1.20.2, release build)"
printf '%-34s %14s %12s %s\n' PROCESS 'PEAK RSS MiB' 'RSS MiB' 'TIME'
printf '%-34s %14s %12s %s\n' "scheduler run (qps 1000, burst 2000)" "$(mib "$sched_hwm")" "$(mib "$sched_rss")" \
  "all $PODS bound after $bind_s s"
printf '%-34s %14s %12s %s\n' "tui --kube (160x48)" "$(mib "$tui_hwm")" "$(mib "$tui_rss")" \
  "showed them all after $tui_s s"
printf '%-34s %14s %12s %s\n' "emulate (creates, plays kubelet)" "$(mib "$emu_hwm")" "$(mib "$emu_rss")" \
  "created nodes and pods in $create_s s"
echo "wall time ${total_s} s in all (build, API server start, creation, scheduling)"
