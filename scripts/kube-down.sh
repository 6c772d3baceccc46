#!/usr/bin/env bash
# Stops the test apiserver that scripts/kube-up.sh started (kube-apiserver and
# etcd, by PID: TERM, then KILL after 5 s) and removes its state directory.
#
#   scripts/kube-down.sh [--dir DIR] [--keep]
#
# DIR defaults to $SYNERGAI_KUBE_DIR (set by `eval "$(scripts/kube-up.sh)"`).
# --keep leaves the directory (logs, certificates, etcd data) in place.
# Only directories made by kube-up.sh are ever removed. Running it again, or on
# a directory already gone, does nothing.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/kube-lib.sh
source "$HERE/kube-lib.sh"

kube_parse_args "$@"
if [ ${#KUBE_ARGS[@]} -gt 0 ]; then
  case "${KUBE_ARGS[0]}" in -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;; esac
  kube_die "unexpected argument: ${KUBE_ARGS[0]}"
fi
DIR="${KUBE_DIR:-${SYNERGAI_KUBE_DIR:-}}"
[ -n "$DIR" ] || kube_die "no directory: give --dir DIR or set SYNERGAI_KUBE_DIR (eval the output of kube-up.sh)"
if [ ! -d "$DIR" ]; then
  kube_log "$DIR does not exist; nothing to stop"
  exit 0
fi
[ -e "$DIR/$SYNERGAI_KUBE_MARKER" ] || kube_die "$DIR was not made by kube-up.sh; not touching it"

kube_stop_pids "$DIR"
if [ "$KUBE_KEEP" = 1 ]; then
  kube_log "stopped; state kept in $DIR"
else
  rm -rf "$DIR"
  kube_log "stopped; removed $DIR"
fi
