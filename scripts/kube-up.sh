#!/usr/bin/env bash
# Starts a real, local Kubernetes v1.20.2 API server (etcd + kube-apiserver on
# 127.0.0.1, TLS, client-certificate auth, RBAC) for synergai's tests and demos.
#
#   eval "$(scripts/kube-up.sh [--dir DIR])"
#   ...                      # KUBECONFIG now points at the test apiserver
#   scripts/kube-down.sh     # stops it and removes DIR
#
# stdout carries only `export` lines; progress goes to stderr. The first run on
# a machine builds kube-apiserver from Debian's source (several minutes) and
# caches it under ${XDG_CACHE_HOME:-~/.cache}/synergai/. See scripts/README-kube.md.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/kube-lib.sh
source "$HERE/kube-lib.sh"

usage() {
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2
  echo "options: --dir DIR  state directory (default: \$SYNERGAI_KUBE_DIR if it is one of ours, else a new temp dir)" >&2
  echo "env:     SYNERGAI_KUBE_APISERVER_ARGS  extra kube-apiserver flags (word-split)" >&2
}

kube_parse_args "$@"
if [ ${#KUBE_ARGS[@]} -gt 0 ]; then
  case "${KUBE_ARGS[0]}" in -h|--help) usage; exit 0 ;; esac
  usage; kube_die "unexpected argument: ${KUBE_ARGS[0]}"
fi
[ "$KUBE_KEEP" = 0 ] || kube_die "--keep is an option of kube-down.sh"

T_START=$SECONDS

# --- the state directory ----------------------------------------------------
if [ -z "$KUBE_DIR" ] && [ -n "${SYNERGAI_KUBE_DIR:-}" ] && [ -e "$SYNERGAI_KUBE_DIR/$SYNERGAI_KUBE_MARKER" ]; then
  KUBE_DIR="$SYNERGAI_KUBE_DIR"
fi
if [ -z "$KUBE_DIR" ]; then
  KUBE_DIR="$(mktemp -d "${TMPDIR:-/tmp}/synergai-kube.XXXXXX")"
  touch "$KUBE_DIR/$SYNERGAI_KUBE_MARKER"
else
  mkdir -p "$KUBE_DIR"
  if [ ! -e "$KUBE_DIR/$SYNERGAI_KUBE_MARKER" ]; then
    [ -z "$(ls -A "$KUBE_DIR")" ] || kube_die "$KUBE_DIR is not empty and was not made by kube-up.sh; give an empty or new directory"
    touch "$KUBE_DIR/$SYNERGAI_KUBE_MARKER"
  fi
fi
DIR="$(kube_abs "$KUBE_DIR")"
PKI="$DIR/pki"

print_exports() {
  # shellcheck disable=SC1091
  source "$DIR/env"
  printf 'export KUBECONFIG=%q\n' "$DIR/kubeconfig"
  printf 'export SYNERGAI_KUBE_DIR=%q\n' "$DIR"
  printf 'export SYNERGAI_KUBE_CA=%q\n' "$PKI/ca.crt"
  printf 'export SYNERGAI_KUBE_SERVER=%q\n' "$SERVER"
  printf 'export SYNERGAI_KUBE_CLIENT_CERT=%q\n' "$PKI/admin.crt"
  printf 'export SYNERGAI_KUBE_CLIENT_KEY=%q\n' "$PKI/admin.key"
}

admin_curl() {
  curl -sS --max-time 5 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$@"
}

# Already running here? Then this run only repeats the exports.
if [ -f "$DIR/pids" ] && [ -f "$DIR/env" ]; then
  running=1
  while read -r name pid; do
    kube_pid_alive "$pid" "$name" || running=0
  done <"$DIR/pids"
  if [ "$running" = 1 ]; then
    # shellcheck disable=SC1091
    source "$DIR/env"
    if [ "$(admin_curl "$SERVER/readyz" 2>/dev/null || true)" = ok ]; then
      kube_log "already running in $DIR ($SERVER)"
      print_exports
      exit 0
    fi
  fi
  kube_log "stale state in $DIR: stopping what is left and starting afresh"
  kube_stop_pids "$DIR"
fi
# A fresh cluster every start: keep only the marker.
find "$DIR" -mindepth 1 -maxdepth 1 ! -name "$SYNERGAI_KUBE_MARKER" -exec rm -rf {} +

# --- binaries -----------------------------------------------------------------
if ! command -v openssl >/dev/null || ! command -v curl >/dev/null; then
  kube_apt_install openssl curl
fi
ETCD="$(kube_etcd_binary)"
APISERVER="$(kube_binary kube-apiserver)"

# --- PKI ----------------------------------------------------------------------
kube_log "making the CA and certificates in $PKI"
kube_make_ca "$DIR"
kube_sign_cert "$PKI" "$PKI" apiserver "/CN=kube-apiserver" server \
  "IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
kube_sign_cert "$PKI" "$PKI" admin "$(kube_subject admin system:masters)" client
openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null || kube_die "openssl could not make the service-account key"
openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null || kube_die "openssl could not export the service-account public key"
chmod 600 "$PKI/sa.key"

# --- start --------------------------------------------------------------------
STARTED=0
cleanup_on_failure() {
  local rc=$?
  if [ "$rc" -ne 0 ] && [ "$STARTED" = 0 ]; then
    kube_log "start failed; stopping what was started (state kept in $DIR)"
    kube_stop_pids "$DIR" || true
  fi
}
trap cleanup_on_failure EXIT

# wait_for SECONDS WHAT COMMAND... : polls COMMAND until it succeeds, failing
# early when one of the started processes has died.
wait_for() {
  local deadline=$((SECONDS + $1)) what="$2"; shift 2
  until "$@"; do
    local name pid
    while read -r name pid; do
      kube_pid_alive "$pid" "$name" || { kube_log "$name exited; last lines of $DIR/$name.log:"; tail -n 25 "$DIR/$name.log" >&2; return 1; }
    done <"$DIR/pids"
    [ "$SECONDS" -lt "$deadline" ] || { kube_log "timed out waiting for $what"; return 1; }
    sleep 0.25
  done
}

etcd_healthy() { curl -sf --max-time 2 "http://127.0.0.1:$ETCD_PORT/health" 2>/dev/null | grep -q '"health":"true"'; }
api_ready() { [ "$(admin_curl "$SERVER/readyz" 2>/dev/null || true)" = ok ]; }
default_ns() { [ "$(admin_curl -o /dev/null -w '%{http_code}' "$SERVER/api/v1/namespaces/default" 2>/dev/null || true)" = 200 ]; }

# Ports are picked free but may be taken between the pick and the bind:
# a start that failed on that is tried again on new ports.
start_cluster() {
  read -r ETCD_PORT PEER_PORT API_PORT < <(kube_free_ports 3)
  SERVER="https://127.0.0.1:$API_PORT"
  : >"$DIR/pids"
  rm -rf "$DIR/etcd"
  kube_log "starting etcd on 127.0.0.1:$ETCD_PORT"
  setsid "$ETCD" --name synergai \
    --data-dir "$DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$PEER_PORT" \
    --initial-cluster "synergai=http://127.0.0.1:$PEER_PORT" \
    --initial-cluster-state new \
    --logger zap --log-outputs stderr \
    </dev/null >"$DIR/etcd.log" 2>&1 &
  echo "etcd $!" >>"$DIR/pids"
  wait_for 30 "etcd health" etcd_healthy || return 1

  kube_log "starting kube-apiserver on $SERVER"
  # shellcheck disable=SC2086
  setsid "$APISERVER" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address=127.0.0.1 \
    --advertise-address=127.0.0.1 \
    --secure-port="$API_PORT" \
    --cert-dir="$PKI" \
    --tls-cert-file="$PKI/apiserver.crt" \
    --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" \
    --authorization-mode=Node,RBAC \
    --service-account-key-file="$PKI/sa.pub" \
    --service-account-signing-key-file="$PKI/sa.key" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-cluster-ip-range=10.96.0.0/16 \
    --endpoint-reconciler-type=none \
    --disable-admission-plugins=ServiceAccount \
    --allow-privileged=true \
    --profiling=false \
    ${SYNERGAI_KUBE_APISERVER_ARGS:-} \
    </dev/null >"$DIR/kube-apiserver.log" 2>&1 &
  echo "kube-apiserver $!" >>"$DIR/pids"
  wait_for 60 "kube-apiserver /readyz" api_ready || return 1
  wait_for 30 "the default namespace" default_ns || return 1
}

for attempt in 1 2 3; do
  if start_cluster; then break; fi
  if [ "$attempt" -lt 3 ] && grep -qi 'address already in use' "$DIR"/*.log 2>/dev/null; then
    kube_log "a port was taken meanwhile; trying again on other ports"
    kube_stop_pids "$DIR"
    continue
  fi
  kube_die "the test apiserver did not come up; logs: $DIR/etcd.log, $DIR/kube-apiserver.log"
done

printf 'SERVER=%q\n' "$SERVER" >"$DIR/env"
kube_write_kubeconfig "$DIR/kubeconfig" "$SERVER" "$PKI/ca.crt" admin "$PKI/admin.crt" "$PKI/admin.key"
STARTED=1
kube_log "ready in $((SECONDS - T_START)) s: $SERVER (state in $DIR; stop with scripts/kube-down.sh --dir $DIR)"
print_exports
