# shellcheck shell=bash
# The set-up scripts/bench-binds.sh and scripts/bench-memory.sh share:
# binaries, a fresh test API server per run with N emulated nodes and M
# pending job pods, either scheduler started on it, and a watch that times
# the binds. Sourced, never run; progress goes to stderr.
#
#   source scripts/bench-setup.sh
#   bench_init NAME            # temp dir, exit trap, synergai + kube-scheduler
#   bench_up NODES PODS        # fresh API server, nodes and pods created
#   bench_start synergai|kube-scheduler default|QPS/BURST
#   bench_wait_bound           # BENCH_FIRST_S, BENCH_LAST_S since the start
#   bench_down                 # scheduler, watch, emulator, API server stopped
#
# A run is one scheduler on its own fresh set-up: the two schedulers are
# never run at once, and each sees the same objects created the same way.
#
# Binaries: synergai from `cargo build --profile ci --bin synergai` (release
# optimisation, the tract crates left unoptimised: the same scheduler code),
# or SYNERGAI_BIN=PATH to use a binary already built; kube-scheduler v1.20.2
# built from Debian's Kubernetes source by scripts/kube-lib.sh (cached under
# ~/.cache/synergai/ like kube-apiserver).
#
# Objects: `synergai emulate` with every arrival at once. Nodes are xeon-vm
# VMs with cores enough for every pod at once (at least 64, and 8 per pod a
# node gets on average plus 32: the synergai policy runs resnet50 as
# openvino×8), so the figures measure deciding and binding, not waiting for
# capacity. The emulator keeps playing the kubelet meanwhile (a Running
# patch per bound pod, a Lease renewal per node every 10 s), as on a live
# cluster, for both schedulers alike.
#
# Both schedulers run without leader election, in namespace default, on the
# admin kubeconfig; kube-scheduler with a KubeSchedulerConfiguration
# (kubescheduler.config.k8s.io/v1beta1) whose one profile is named
# `synergai`, the schedulerName of the emulated pods, so it schedules the
# very same pods. Client limits: `default` (each scheduler's own: synergai
# 100 binds/s, burst 200; kube-scheduler 50 QPS, burst 100) or QPS/BURST for
# both (synergai: --kube-api-qps/--kube-api-burst; kube-scheduler:
# clientConnection.qps/burst in its configuration file, which is what its
# --kube-api-qps/--kube-api-burst flags set when no --config is given).

BENCH_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/kube-lib.sh
source "$BENCH_REPO/scripts/kube-lib.sh"

bench_log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
bench_die() {
  printf '[bench] error: %s\n' "$*" >&2
  exit 1
}
bench_now() { date +%s.%N; }
# bench_since T : seconds since T (from bench_now), one decimal
bench_since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$(bench_now)"; }

# bench_init NAME : BENCH_ROOT (a new temp dir, removed at exit unless a run
# failed or BENCH_KEEP=1), the exit trap, SYNERGAI_BIN and KUBE_SCHEDULER_BIN.
bench_init() {
  local name="$1"
  for tool in curl python3 openssl; do
    command -v "$tool" >/dev/null || bench_die "$tool is needed"
  done
  BENCH_ROOT="$(mktemp -d "${TMPDIR:-/tmp}/synergai-$name.XXXXXX")"
  BENCH_RUNS=0
  trap bench_exit EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  if [ -n "${SYNERGAI_BIN:-}" ]; then
    [ -x "$SYNERGAI_BIN" ] || bench_die "SYNERGAI_BIN=$SYNERGAI_BIN is not an executable"
    bench_log "synergai: $SYNERGAI_BIN (SYNERGAI_BIN)"
  else
    bench_log "cargo build --profile ci --bin synergai"
    (cd "$BENCH_REPO" && cargo build --profile ci --bin synergai --quiet) ||
      bench_die "cargo build failed"
    SYNERGAI_BIN="${CARGO_TARGET_DIR:-$BENCH_REPO/target}/ci/synergai"
  fi
  KUBE_SCHEDULER_BIN="$(kube_binary kube-scheduler)"
  bench_log "kube-scheduler: $KUBE_SCHEDULER_BIN"
}

# Called at exit: stops what the current run started, then removes
# BENCH_ROOT (kept, with its logs, after a failure or with BENCH_KEEP=1).
bench_exit() {
  local rc=$?
  trap - EXIT INT TERM
  bench_down || true
  if declare -F bench_on_exit >/dev/null; then bench_on_exit || true; fi
  if [ -n "${BENCH_ROOT:-}" ] && [ -d "$BENCH_ROOT" ]; then
    if [ "$rc" -ne 0 ] || [ "${BENCH_KEEP:-0}" = 1 ]; then
      bench_log "logs kept in $BENCH_ROOT"
    else
      rm -rf "$BENCH_ROOT"
    fi
  fi
  exit "$rc"
}

# bench_cores NODES PODS : cores per node so that every pod fits at once
bench_cores() {
  local per=$(( ($2 + $1 - 1) / $1 ))
  local cores=$(( per * 8 + 32 ))
  [ "$cores" -ge 64 ] || cores=64
  echo "$cores"
}

# bench_api PATH : GET PATH of the current run's API server (admin)
bench_api() {
  curl -sf --max-time 60 --cacert "$SYNERGAI_KUBE_CA" --cert "$SYNERGAI_KUBE_CLIENT_CERT" \
    --key "$SYNERGAI_KUBE_CLIENT_KEY" "$SYNERGAI_KUBE_SERVER$1"
}

# bench_pods_total : pods in default, from a one-item page (cheap at any size)
bench_pods_total() {
  bench_api '/api/v1/namespaces/default/pods?limit=1' 2>/dev/null |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["items"]) + d["metadata"].get("remainingItemCount", 0))' 2>/dev/null ||
    echo 0
}

# bench_unbound : pods of default without a node (from the watch cache)
bench_unbound() {
  bench_api '/api/v1/namespaces/default/pods?resourceVersion=0&fieldSelector=spec.nodeName%3D' |
    python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))'
}

# bench_up NODES PODS : a fresh API server in BENCH_RUN_DIR, NODES nodes and
# PODS pending pods created by `synergai emulate` (left running: it plays
# the kubelet); returns once every pod exists. Sets BENCH_CREATE_S.
bench_up() {
  local nodes="$1" pods="$2" cores
  cores="$(bench_cores "$nodes" "$pods")"
  BENCH_RUNS=$((BENCH_RUNS + 1))
  BENCH_RUN_DIR="$BENCH_ROOT/run-$BENCH_RUNS"
  BENCH_NODES="$nodes" BENCH_PODS="$pods"
  mkdir -p "$BENCH_RUN_DIR"
  BENCH_KUBE_DIR="$BENCH_RUN_DIR/kube"
  eval "$("$BENCH_REPO/scripts/kube-up.sh" --dir "$BENCH_KUBE_DIR")"
  cat >"$BENCH_RUN_DIR/scenario.yaml" <<YAML
apiVersion: synergai.io/v1alpha1
kind: Scenario
metadata: {name: bench}
spec:
  profile: builtin:edge-cloud
  seed: 1
  nodes:
    - {name: vm, replicas: $nodes, arch: xeon-vm, tier: cloud, cores: $cores, memory: $((cores * 4))Gi, network: 1ms}
  workload:
    generators:
      - namePrefix: p
        count: $pods
        arrivals: {process: poisson, ratePerSec: 1000000}
        mix:
          - {model: resnet50, queries: [100000, 100000], qos: [1h, 1h]}
YAML
  bench_log "creating $nodes nodes ($cores cores each) and $pods pods"
  local t0; t0="$(bench_now)"
  "$SYNERGAI_BIN" emulate --kube -n default -f "$BENCH_RUN_DIR/scenario.yaml" --timeout 6h \
    >"$BENCH_RUN_DIR/emulate.out" 2>"$BENCH_RUN_DIR/emulate.err" &
  BENCH_EMU=$!
  while [ "$(bench_pods_total)" -lt "$pods" ]; do
    kill -0 "$BENCH_EMU" 2>/dev/null || { tail -n 5 "$BENCH_RUN_DIR/emulate.err" >&2; bench_die "the emulator exited"; }
    sleep 2
  done
  BENCH_CREATE_S="$(bench_since "$t0")"
  local unbound; unbound="$(bench_unbound)"
  [ "$unbound" = "$pods" ] || bench_die "$unbound of $pods pods are unbound before any scheduler runs"
  bench_log "created in $BENCH_CREATE_S s; all $pods pods pending"
}

# The bind watch: a watch on the pods of default from the resource version
# given; a pod seen with a node for the first time is a bind (nothing else
# binds or deletes pods here). No field selector: the API server gives a
# watch on spec.nodeName a 10-event buffer and closes it when its reader
# falls that far behind; this one gets 1,000. Should it end anyway, it
# resumes from the last version seen (or, that being too old, from a
# fresh list). Writes "FIRST LAST" (seconds after START) to OUT once PODS
# pods are bound, progress lines to stderr, then waits to be stopped.
bench_write_watch() {
  cat >"$1" <<'PY'
import json, os, ssl, sys, time, http.client, urllib.parse
server, ca, cert, key, rv, pods, start, out = sys.argv[1:9]
pods, start = int(pods), float(start)
u = urllib.parse.urlsplit(server)
ctx = ssl.create_default_context(cafile=ca)
ctx.load_cert_chain(cert, key)
base = "/api/v1/namespaces/default/pods"

def get(path):
    conn = http.client.HTTPSConnection(u.hostname, u.port, context=ctx)
    conn.request("GET", path)
    return conn.getresponse()

def note(msg):
    print(f"[bench watch] {msg}", file=sys.stderr, flush=True)

bound, first, now, shown = set(), None, None, time.time()

def saw(pod):
    global first, now, shown
    if pod["spec"].get("nodeName") and pod["metadata"]["name"] not in bound:
        now = time.time()
        first = first or now
        bound.add(pod["metadata"]["name"])
        if now - shown >= 10:
            note(f"{len(bound)} of {pods} bound after {now - start:.0f} s")
            shown = now

while len(bound) < pods:
    r = get(f"{base}?watch=1&timeoutSeconds=21600&resourceVersion={rv}")
    gone = r.status == 410
    if r.status not in (200, 410):
        sys.exit(f"watch: HTTP {r.status}: {r.read(500)!r}")
    while not gone and len(bound) < pods:
        line = r.readline()
        if not line:
            note(f"the watch ended after {len(bound)} binds; resuming")
            break
        event = json.loads(line)
        kind, obj = event["type"], event["object"]
        if kind == "ERROR":
            if obj.get("code") != 410:
                sys.exit(f"watch error: {obj.get('message')}")
            gone = True
        elif kind in ("ADDED", "MODIFIED"):
            saw(obj)
            rv = obj["metadata"]["resourceVersion"]
        elif kind == "BOOKMARK":
            rv = obj["metadata"]["resourceVersion"]
    if gone:
        note(f"resource version {rv} too old after {len(bound)} binds; listing")
        r = get(base)
        if r.status != 200:
            sys.exit(f"list: HTTP {r.status}")
        items = json.loads(r.read())
        for pod in items["items"]:
            saw(pod)
        rv = items["metadata"]["resourceVersion"]
with open(out + ".tmp", "w") as f:
    f.write(f"{first - start:.3f} {now - start:.3f}\n")
os.replace(out + ".tmp", out)
# Stay until stopped, so that the CPU time spent here counts as this run's.
while True:
    time.sleep(3600)
PY
}

# Other work on the machine (a compiler, tests) skews every figure on 2
# cores. bench_cpu prints "BUSY NICE OURS OURS_NICE" in clock ticks: the
# machine's busy CPU time, the part of it spent at a lower priority
# (nice > 0, as builds run here), and the same two for this run's processes
# (etcd, kube-apiserver, emulator, scheduler, watch). The rest is other work.
bench_cpu() {
  local pids=() name pid
  if [ -n "${BENCH_KUBE_DIR:-}" ] && [ -f "$BENCH_KUBE_DIR/pids" ]; then
    while read -r name pid; do pids+=("$pid"); done <"$BENCH_KUBE_DIR/pids"
  fi
  # shellcheck disable=SC2206  # PIDs, one word each
  pids+=(${BENCH_EMU:-} ${BENCH_SCHED:-} ${BENCH_WATCH:-} ${BENCH_EXTRA_PIDS:-})
  python3 - "${pids[@]}" <<'PY'
import sys
cpu = [int(x) for x in open("/proc/stat").readline().split()[1:]]
busy = sum(cpu[i] for i in (0, 1, 2, 5, 6, 7))  # user nice system irq softirq steal
ours = ours_nice = 0
for pid in sys.argv[1:]:
    try:
        f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        continue
    ticks = int(f[11]) + int(f[12])  # utime stime
    ours += ticks
    if int(f[16]) > 0:  # nice
        ours_nice += int(f[11])
print(busy, cpu[1], ours, ours_nice)
PY
}
# bench_other_cores "CPU0" "CPU1" SECONDS : "OTHER NICED", the cores other
# work used meanwhile, and how much of that ran at a lower priority
bench_other_cores() {
  python3 -c '
import os, sys
b0, n0, o0, on0 = map(int, sys.argv[1].split()); b1, n1, o1, on1 = map(int, sys.argv[2].split())
cores = lambda ticks: max(0, ticks) / os.sysconf("SC_CLK_TCK") / float(sys.argv[3])
print(f"{cores((b1 - b0) - (o1 - o0)):.2f} {cores((n1 - n0) - (on1 - on0)):.2f}")' "$1" "$2" "$3"
}
# bench_quiet : waits (up to BENCH_QUIET_WAIT s, default 1800) until other
# work at normal priority uses under 0.2 cores over 5 s, so that a run does
# not share the machine with it; warns and goes on after that. Work at a
# lower priority (nice > 0: the builds here) does not hold a run back: it
# gets a tenth of a core's time against the run's processes, and the
# figures report how much it used.
bench_quiet() {
  local deadline=$((SECONDS + ${BENCH_QUIET_WAIT:-1800})) said=0 a b other niced
  while :; do
    a="$(bench_cpu)"; sleep 5; b="$(bench_cpu)"
    read -r other niced < <(bench_other_cores "$a" "$b" 5)
    python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) - float(sys.argv[2]) < 0.2 else 1)" "$other" "$niced" && return 0
    if [ "$SECONDS" -ge "$deadline" ]; then
      bench_log "warning: other work still uses $other cores ($niced of them niced); measuring anyway"
      return 0
    fi
    [ "$said" = 1 ] || bench_log "other work uses $other cores ($niced of them niced); waiting until it is niced or gone (BENCH_QUIET_WAIT=${BENCH_QUIET_WAIT:-1800} s at most)"
    said=1
  done
}

# bench_kube_scheduler_config QPS BURST FILE : kube-scheduler's configuration
# (empty QPS/BURST: its defaults)
bench_kube_scheduler_config() {
  local qps="$1" burst="$2" file="$3"
  {
    echo "apiVersion: kubescheduler.config.k8s.io/v1beta1"
    echo "kind: KubeSchedulerConfiguration"
    echo "clientConnection:"
    echo "  kubeconfig: $KUBECONFIG"
    [ -z "$qps" ] || echo "  qps: $qps"
    [ -z "$burst" ] || echo "  burst: $burst"
    echo "leaderElection:"
    echo "  leaderElect: false"
    echo "profiles:"
    echo "  - schedulerName: synergai"
  } >"$file"
}

# bench_start SCHEDULER LIMITS : starts the watch, then SCHEDULER (synergai
# or kube-scheduler) with LIMITS (default or QPS/BURST) on the current run.
# Sets BENCH_SCHED (its PID), BENCH_START (when it was started) and
# BENCH_SCHED_LOG.
bench_start() {
  local which="$1" limits="$2" qps="" burst=""
  if [ "$limits" != default ]; then
    qps="${limits%/*}" burst="${limits#*/}"
    [[ "$qps" =~ ^[0-9]+$ && "$burst" =~ ^[0-9]+$ ]] || bench_die "limits: default or QPS/BURST, not $limits"
  fi
  bench_quiet
  local rv
  rv="$(bench_api '/api/v1/namespaces/default/pods?limit=1' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["resourceVersion"])')" ||
    bench_die "cannot read the pods' resource version"
  BENCH_BOUND_FILE="$BENCH_RUN_DIR/bound"
  BENCH_SCHED_LOG="$BENCH_RUN_DIR/$which.log"
  BENCH_START="$(bench_now)"
  bench_write_watch "$BENCH_ROOT/watch.py"
  python3 "$BENCH_ROOT/watch.py" "$SYNERGAI_KUBE_SERVER" "$SYNERGAI_KUBE_CA" \
    "$SYNERGAI_KUBE_CLIENT_CERT" "$SYNERGAI_KUBE_CLIENT_KEY" "$rv" "$BENCH_PODS" \
    "$BENCH_START" "$BENCH_BOUND_FILE" 2>"$BENCH_RUN_DIR/watch.err" &
  BENCH_WATCH=$!
  local args=()
  case "$which" in
    synergai)
      [ -z "$qps" ] || args+=(--kube-api-qps "$qps" --kube-api-burst "$burst")
      bench_log "synergai scheduler run --leader-elect=false ${args[*]:-(default limits)}"
      "$SYNERGAI_BIN" scheduler run --kube -n default --leader-elect=false \
        --bind-address 127.0.0.1:0 "${args[@]}" ${BENCH_SYNERGAI_FLAGS:-} \
        >"$BENCH_SCHED_LOG" 2>&1 &
      ;;
    kube-scheduler)
      bench_kube_scheduler_config "$qps" "$burst" "$BENCH_RUN_DIR/kube-scheduler.yaml"
      bench_log "kube-scheduler v$SYNERGAI_KUBE_VERSION, profile synergai, ${limits/default/default limits}"
      "$KUBE_SCHEDULER_BIN" --config="$BENCH_RUN_DIR/kube-scheduler.yaml" \
        --port=0 --secure-port=0 -v=2 >"$BENCH_SCHED_LOG" 2>&1 &
      ;;
    *) bench_die "unknown scheduler: $which (synergai or kube-scheduler)" ;;
  esac
  BENCH_SCHED=$!
  BENCH_SCHED_NAME="$which"
  BENCH_CPU0="$(bench_cpu)"
}

# bench_sched_alive : whether the scheduler of this run still runs
bench_sched_alive() { [ -n "${BENCH_SCHED:-}" ] && kill -0 "$BENCH_SCHED" 2>/dev/null; }

# bench_poll_bound : true once the watch has seen every pod bound; then sets
# BENCH_FIRST_S and BENCH_LAST_S (first and last bind, seconds after the
# scheduler's start), BENCH_OTHER_CORES (cores other work used meanwhile)
# and BENCH_OTHER_NICED (how much of that ran niced). Fails when the
# scheduler or the watch died.
bench_poll_bound() {
  if [ -s "$BENCH_BOUND_FILE" ]; then
    read -r BENCH_FIRST_S BENCH_LAST_S <"$BENCH_BOUND_FILE"
    read -r BENCH_OTHER_CORES BENCH_OTHER_NICED < <(bench_other_cores "$BENCH_CPU0" "$(bench_cpu)" "$(bench_since "$BENCH_START")")
    return 0
  fi
  bench_sched_alive || { tail -n 20 "$BENCH_SCHED_LOG" >&2; bench_die "$BENCH_SCHED_NAME exited (log: $BENCH_SCHED_LOG)"; }
  kill -0 "$BENCH_WATCH" 2>/dev/null || [ -s "$BENCH_BOUND_FILE" ] ||
    { cat "$BENCH_RUN_DIR/watch.err" >&2; bench_die "the bind watch ended"; }
  kill -0 "$BENCH_EMU" 2>/dev/null || { tail -n 5 "$BENCH_RUN_DIR/emulate.err" >&2; bench_die "the emulator exited"; }
  return 1
}

# bench_wait_bound [TIMEOUT_S] : waits for every bind (default 1 h); shows
# the watch's progress.
bench_wait_bound() {
  local timeout="${1:-3600}" deadline
  deadline=$((SECONDS + timeout))
  local shown=0
  until bench_poll_bound; do
    [ "$SECONDS" -lt "$deadline" ] || bench_die "not every pod bound after $timeout s ($BENCH_SCHED_NAME)"
    sleep 0.5
    local n; n="$(wc -l <"$BENCH_RUN_DIR/watch.err")"
    if [ "$n" -gt "$shown" ]; then tail -n "+$((shown + 1))" "$BENCH_RUN_DIR/watch.err" >&2; shown="$n"; fi
  done
  bench_log "$BENCH_SCHED_NAME bound all $BENCH_PODS pods: first after $BENCH_FIRST_S s, last after $BENCH_LAST_S s (other work: $BENCH_OTHER_CORES cores, $BENCH_OTHER_NICED niced)"
}

# bench_stop_pid PID : TERM, then KILL after 10 s; reaps it
bench_stop_pid() {
  local pid="$1"
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# bench_down : stops the scheduler, the watch, the emulator and the API
# server of the current run (idempotent).
bench_down() {
  bench_stop_pid "${BENCH_SCHED:-}"; BENCH_SCHED=""
  bench_stop_pid "${BENCH_WATCH:-}"; BENCH_WATCH=""
  bench_stop_pid "${BENCH_EMU:-}"; BENCH_EMU=""
  if [ -n "${BENCH_KUBE_DIR:-}" ] && [ -d "$BENCH_KUBE_DIR" ]; then
    "$BENCH_REPO/scripts/kube-down.sh" --dir "$BENCH_KUBE_DIR" --keep >/dev/null 2>&1 || true
    # the logs stay; etcd's data (hundreds of MiB at 20,000 pods) goes
    rm -rf "$BENCH_KUBE_DIR/etcd" "$BENCH_KUBE_DIR/pki"
  fi
  BENCH_KUBE_DIR=""
}

# bench_cpu_s PID : CPU seconds (user + system) PID has used so far
bench_cpu_s() {
  python3 -c '
import os, sys
f = open(f"/proc/{sys.argv[1]}/stat").read().rsplit(")", 1)[1].split()
tck = os.sysconf("SC_CLK_TCK")
print(f"{(int(f[11]) + int(f[12])) / tck:.1f}")' "$1"
}
# bench_kib FIELD PID : a /proc/PID/status field (VmHWM, VmRSS) in KiB
bench_kib() { awk -v f="$1:" '$1 == f {print $2}' "/proc/$2/status"; }
# bench_mib KIB : KiB as whole MiB
bench_mib() { python3 -c "import sys; print(f'{int(sys.argv[1]) / 1024:.0f}')" "$1"; }
