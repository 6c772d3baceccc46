#!/usr/bin/env bash
# Restarts the test API server of a kube-up.sh directory, for fault tests:
# stops kube-apiserver and etcd, keeps them down for --down SECONDS, then
# starts them again on the same ports with the same data, so clients see
# an outage, not a new cluster. With --compact, while the API server is
# down, etcd's revision is moved on and compacted, so every watch that
# resumes from a resourceVersion it saw before gets `410 Gone` and must
# relist.
#
#   scripts/kube-restart.sh --dir DIR [--down SECONDS] [--compact]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/kube-lib.sh"

DOWN=5 COMPACT=0 KUBE_DIR=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) KUBE_DIR="${2:?--dir needs a directory}"; shift 2 ;;
    --down) DOWN="${2:?--down needs seconds}"; shift 2 ;;
    --compact) COMPACT=1; shift ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) kube_die "unknown argument: $1" ;;
  esac
done
DIR="${KUBE_DIR:-${SYNERGAI_KUBE_DIR:-}}"
[ -n "$DIR" ] && [ -e "$DIR/$SYNERGAI_KUBE_MARKER" ] && [ -f "$DIR/env" ] ||
  kube_die "give --dir DIR of a cluster started by kube-up.sh"
source "$DIR/env"
[ -n "${ETCD_PORT:-}" ] && [ -n "${API_PORT:-}" ] || kube_die "$DIR/env has no ports (started by an older kube-up.sh?)"
ETCD="$(kube_etcd_binary)"
APISERVER="$(kube_binary kube-apiserver)"

kube_stop_pids "$DIR"
kube_log "down for ${DOWN}s"
sleep "$DOWN"
: >"$DIR/pids"
kube_start_etcd "$DIR" "$ETCD" "$ETCD_PORT" "$PEER_PORT"
if [ "$COMPACT" = 1 ]; then
  # etcd's v3 JSON gateway: write a few keys outside the API server's
  # prefix, then compact at the newest revision.
  rev=0
  for i in 1 2 3 4 5; do
    out="$(curl -sf --max-time 5 -X POST "http://127.0.0.1:$ETCD_PORT/v3/kv/put" \
      -d "{\"key\": \"$(printf 'synergai-fault-%s' "$i" | base64)\", \"value\": \"$(printf x | base64)\"}")" ||
      kube_die "etcd put failed"
    rev="$(printf '%s' "$out" | sed -n 's/.*"revision":"\([0-9]*\)".*/\1/p')"
  done
  [ -n "$rev" ] && [ "$rev" -gt 0 ] || kube_die "no etcd revision in: $out"
  curl -sf --max-time 5 -X POST "http://127.0.0.1:$ETCD_PORT/v3/kv/compaction" \
    -d "{\"revision\": \"$rev\", \"physical\": true}" >/dev/null || kube_die "etcd compaction failed"
  kube_log "compacted etcd at revision $rev"
fi
kube_start_apiserver "$DIR" "$APISERVER" "$ETCD_PORT" "$API_PORT"
kube_log "up again: $SERVER"
