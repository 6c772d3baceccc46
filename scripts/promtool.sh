#!/usr/bin/env bash
# Prints the path of a `promtool` (Prometheus's own checker of the metrics
# exposition format), for tests/metrics_kube.rs. One on PATH is used as it
# is; else Debian's `prometheus` package is downloaded (not installed: no
# service is set up) and promtool alone is unpacked into the synergai cache.
#
#   "$(scripts/promtool.sh)" check metrics < exposition.txt
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/kube-lib.sh
source "$HERE/kube-lib.sh"

if command -v promtool >/dev/null; then
  command -v promtool
  exit 0
fi
bin="$SYNERGAI_CACHE/promtool/promtool"
if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi
mkdir -p "$SYNERGAI_CACHE/promtool"
exec {lockfd}>"$SYNERGAI_CACHE/promtool/.lock"
flock "$lockfd"
if [ ! -x "$bin" ]; then
  command -v apt-get >/dev/null || kube_die "apt-get not found; install promtool by hand"
  if ! kube_have_apt_lists; then
    kube_log "apt-get update (no package lists yet)"
    apt-get update -qq </dev/null >&2 || kube_die "apt-get update failed"
  fi
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  kube_log "apt-get download prometheus (for promtool)"
  (cd "$work" && apt-get download -qq prometheus </dev/null >&2) \
    || kube_die "could not download Debian's prometheus package"
  dpkg-deb -x "$work"/prometheus_*.deb "$work/root"
  [ -x "$work/root/usr/bin/promtool" ] || kube_die "no usr/bin/promtool in Debian's prometheus package"
  cp "$work/root/usr/bin/promtool" "$bin.tmp.$$"
  mv -f "$bin.tmp.$$" "$bin"
fi
echo "$bin"
