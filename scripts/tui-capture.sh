#!/usr/bin/env bash
# Prints the dashboard as a terminal shows it, for README.md: the real
# binary (`synergai tui --speed 20`, the embedded default scenario) in a
# detached tmux session of COLSxROWS, paused, jumped to TIME, then KEYS
# sent one by one, then `tmux capture-pane`.
#
#   scripts/tui-capture.sh                 # the README's capture: 120x36 at 2m
#   scripts/tui-capture.sh 160x48 5m 2 s   # the nodes view sorted by name
#
# SYNERGAI=path/to/synergai uses that binary instead of `cargo build`'s.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-120x36}
at=${2:-2m}
shift $(($# < 2 ? $# : 2))
bin=${SYNERGAI:-}
if [ -z "$bin" ]; then
  cargo build --quiet
  bin=$PWD/target/debug/synergai
fi
session=synergai-capture-$$
state=$(mktemp -d)
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$state"' EXIT
tmux new-session -d -s "$session" -x "${size%x*}" -y "${size#*x}" \
  "XDG_STATE_HOME=$state XDG_CONFIG_HOME=$state $bin tui --speed 20"
screen() { tmux capture-pane -p -t "$session"; }
wait_for() {
  for _ in $(seq 600); do
    screen | grep -qF -- "$1" && return 0
    sleep 0.05
  done
  echo "never showed: $1" >&2
  screen >&2
  exit 1
}
wait_for "jobs ("
tmux send-keys -t "$session" Space
wait_for PAUSED
tmux send-keys -t "$session" ":jump $at" Enter
wait_for "jumped to"
for key in "$@"; do
  tmux send-keys -t "$session" "$key"
done
# Keys are drawn within a frame; give the last one time to show.
sleep 0.5
screen
