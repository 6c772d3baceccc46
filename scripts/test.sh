#!/usr/bin/env bash
# Runs every check and test of synergai; CI (.ci/run) calls exactly this.
# Needs only the Rust toolchain: everything else the tests use is built here.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt --check"
cargo fmt --check

echo "== cargo clippy --all-targets -- -D warnings"
cargo clippy --all-targets --quiet -- -D warnings

echo "== cargo test"
cargo test --quiet
