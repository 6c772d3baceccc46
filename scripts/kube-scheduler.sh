#!/usr/bin/env bash
# Prints the path of kube-scheduler v1.20.2 (the test API server's version),
# built from the same Debian source as kube-apiserver and cached beside it
# under ${XDG_CACHE_HOME:-~/.cache}/synergai/ (the first call builds it:
# about 30 s once kube-apiserver has filled the Go build cache). Never uses
# a kube-scheduler on PATH. scripts/bench-binds.sh and bench-memory.sh run
# it side by side with `synergai scheduler run`.
#
#   KUBE_SCHEDULER="$(scripts/kube-scheduler.sh)"
#
# Progress goes to stderr; stdout carries only the path.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/kube-lib.sh
source "$HERE/kube-lib.sh"

case "${1:-}" in
  -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
  "") ;;
  *) kube_die "unexpected argument: $1" ;;
esac
kube_binary kube-scheduler
