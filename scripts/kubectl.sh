#!/usr/bin/env bash
# Prints the path of kubectl v1.20.2 (the test API server's version), built
# from the same Debian source as kube-apiserver and cached beside it under
# ${XDG_CACHE_HOME:-~/.cache}/synergai/ (the first call builds it: it shares
# the Go build cache with kube-apiserver). Never uses a kubectl on PATH.
#
#   KUBECTL="$(scripts/kubectl.sh)"
#   "$KUBECTL" kustomize deploy/
#
# Progress goes to stderr; stdout carries only the path.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/kube-lib.sh
source "$HERE/kube-lib.sh"

case "${1:-}" in
  -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
  "") ;;
  *) kube_die "unexpected argument: $1" ;;
esac
kube_binary kubectl
