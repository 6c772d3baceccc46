#!/usr/bin/env bash
# Writes docs/report/violations.svg, the plot of `replay --report` that
# README.md shows: the embedded default scenario under every policy
# (without the lower bound, which the plot does not use), the report
# written to a temporary directory and its violations plot copied out.
# The plot is deterministic: a second run writes the same file.
#
#   scripts/gen-report-example.sh
#
# SYNERGAI_BIN=path/to/synergai uses that binary instead of
# `cargo run --release`'s.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -n "${SYNERGAI_BIN:-}" ]; then
  synergai=("$SYNERGAI_BIN")
else
  synergai=(cargo run --quiet --release --)
fi
XDG_STATE_HOME=$work/state "${synergai[@]}" replay --no-bound --report "$work/report" >/dev/null
mkdir -p docs/report
cp "$work/report/default/violations.svg" docs/report/violations.svg
echo "wrote docs/report/violations.svg" >&2
