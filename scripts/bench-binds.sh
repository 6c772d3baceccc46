#!/usr/bin/env bash
# Binds per second of `synergai scheduler run` on the test API server:
# N emulated nodes, M pending job pods, the scheduler started once they all
# exist; reports the time until every pod is bound.
#
#   scripts/bench-binds.sh [NODES] [PODS] [SCHEDULER FLAGS...]   (default 1000 5000)
#   e.g. scripts/bench-binds.sh 1000 5000 --kube-api-qps 1000 --kube-api-burst 2000
#
# Nodes are 64-core xeon-vm VMs so that every pod fits at once (the figure
# measures deciding and binding, not waiting for capacity), as in the
# kube-scheduler comparison of the live-cluster issue.
set -euo pipefail
cd "$(dirname "$0")/.."
NODES=${1:-1000}
PODS=${2:-5000}
shift $(( $# < 2 ? $# : 2 ))
DIR=$(mktemp -d /tmp/synergai-bench-binds.XXXXXX)
rmdir "$DIR"
BIN=target/release/synergai
cargo build --release --quiet
eval "$(scripts/kube-up.sh --dir "$DIR")"
cleanup() {
  [ -n "${EMU:-}" ] && kill "$EMU" 2>/dev/null || true
  [ -n "${SCHED:-}" ] && kill "$SCHED" 2>/dev/null || true
  scripts/kube-down.sh --dir "$DIR" >/dev/null 2>&1 || true
}
trap cleanup EXIT

SCENARIO="$DIR/bench.yaml"
cat > "$SCENARIO" <<YAML
apiVersion: synergai.io/v1alpha1
kind: Scenario
metadata: {name: bench-binds}
spec:
  profile: builtin:edge-cloud
  seed: 1
  nodes:
    - {name: vm, replicas: $NODES, arch: xeon-vm, tier: cloud, cores: 64, memory: 256Gi, network: 1ms}
  workload:
    generators:
      - namePrefix: p
        count: $PODS
        arrivals: {process: poisson, ratePerSec: 1000000}
        mix:
          - {model: resnet50, queries: [100000, 100000], qos: [1h, 1h]}
YAML

count() {  # pods in default, and how many are bound
  curl -s --cacert "$SYNERGAI_KUBE_CA" --cert "$SYNERGAI_KUBE_CLIENT_CERT" --key "$SYNERGAI_KUBE_CLIENT_KEY" \
    "$SYNERGAI_KUBE_SERVER/api/v1/namespaces/default/pods?limit=100000" |
    python3 -c 'import json,sys; i=json.load(sys.stdin)["items"]; print(len(i), sum(1 for p in i if p["spec"].get("nodeName")))'
}

echo "creating $NODES nodes and $PODS pods..." >&2
"$BIN" emulate --kube -n default -f "$SCENARIO" --timeout 1h >"$DIR/emulate.out" 2>"$DIR/emulate.err" &
EMU=$!
while :; do
  read -r total bound < <(count)
  [ "$total" -ge "$PODS" ] && break
  sleep 1
done
echo "scheduling..." >&2
start=$(date +%s.%N)
"$BIN" scheduler run --bind-address 127.0.0.1:0 --kube -n default --interval 20ms "$@" 2>"$DIR/scheduler.err" &
SCHED=$!
while :; do
  read -r total bound < <(count)
  [ "$bound" -ge "$PODS" ] && break
  sleep 0.2
done
end=$(date +%s.%N)
python3 -c "
elapsed = $end - $start
print(f'bound $PODS pods on $NODES nodes in {elapsed:.1f} s: {$PODS / elapsed:.0f} pods/s (including watch start-up; scheduler flags: ${*:-defaults})')"
