#!/usr/bin/env bash
# The dashboard as README.md shows it: the real binary in a tmux pane,
# driven with keys, captured with `tmux capture-pane`. Writes
#   docs/dashboard/jobs-120x36.txt   the jobs view, paused at 2 min;
#   docs/dashboard/archs-160x48.txt  the architectures view (charts) at
#                                    4 min, after a what-if switch from
#                                    synergai to slo-aware at 1 min.
# Both replay the embedded default scenario, so they are deterministic.
# Needs tmux. SYNERGAI_BIN=PATH uses that binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."
# SYNERGAI_BIN: a binary already built (default: build the debug one).
bin=${SYNERGAI_BIN:-}
if [ -z "$bin" ]; then
  cargo build --quiet
  bin=$PWD/target/debug/synergai
fi
out=docs/dashboard
mkdir -p "$out"
SESSION=synergai-capture-$$
state=$(mktemp -d)
trap 'tmux kill-session -t "$SESSION" 2>/dev/null || true; rm -rf "$state"' EXIT

# capture NAME WIDTH HEIGHT KEYS... : starts the dashboard, pauses it,
# sends each argument as one command line (`:` + text + enter) or, for
# `key:X`, the key X; then waits for the screen to settle and captures it.
capture() {
  local name=$1 width=$2 height=$3
  shift 3
  tmux new-session -d -s "$SESSION" -x "$width" -y "$height" \
    "env XDG_STATE_HOME=$state XDG_CONFIG_HOME=$state $bin tui --speed 20"
  sleep 1
  tmux send-keys -t "$SESSION" Space
  for step in "$@"; do
    case $step in
      key:*) tmux send-keys -t "$SESSION" "${step#key:}" ;;
      *) tmux send-keys -t "$SESSION" ":$step" Enter ;;
    esac
    sleep 0.5
  done
  sleep 1
  tmux capture-pane -p -t "$SESSION" | sed -e 's/[[:space:]]*$//' >"$out/$name.txt"
  tmux kill-session -t "$SESSION"
  echo "wrote $out/$name.txt" >&2
}

capture jobs-120x36 120 36 "jump 2m"
capture archs-160x48 160 48 "jump 1m" "policy slo-aware" "jump 4m" key:3
