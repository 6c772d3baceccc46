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


# Already running here? Then this run only repeats the exports.
if [ -f "$DIR/pids" ] && [ -f "$DIR/env" ]; then
  running=1
  while read -r name pid; do
    kube_pid_alive "$pid" "$name" || running=0
  done <"$DIR/pids"
  if [ "$running" = 1 ]; then
    # shellcheck disable=SC1091
    source "$DIR/env"
    if kube_api_ready "$DIR" "$SERVER"; then
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

start_cluster() {
  read -r ETCD_PORT PEER_PORT API_PORT < <(kube_free_ports 3)
  SERVER="https://127.0.0.1:$API_PORT"
  : >"$DIR/pids"
  rm -rf "$DIR/etcd"
  kube_start_etcd "$DIR" "$ETCD" "$ETCD_PORT" "$PEER_PORT" || return 1
  kube_start_apiserver "$DIR" "$APISERVER" "$ETCD_PORT" "$API_PORT" || return 1
  kube_wait_for "$DIR" 30 "the default namespace" kube_default_ns "$DIR" "$SERVER" || return 1
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

printf 'SERVER=%q\nETCD_PORT=%q\nPEER_PORT=%q\nAPI_PORT=%q\n' \
  "$SERVER" "$ETCD_PORT" "$PEER_PORT" "$API_PORT" >"$DIR/env"
kube_write_kubeconfig "$DIR/kubeconfig" "$SERVER" "$PKI/ca.crt" admin "$PKI/admin.crt" "$PKI/admin.key"
STARTED=1
kube_log "ready in $((SECONDS - T_START)) s: $SERVER (state in $DIR; stop with scripts/kube-down.sh --dir $DIR)"
print_exports
