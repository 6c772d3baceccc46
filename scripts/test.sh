#!/usr/bin/env bash
# Runs every check and test of synergai; CI (.ci/run) calls exactly this.
# Needs only the Rust toolchain: everything else the tests use is built here.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt --check"
cargo fmt --check

echo "== cargo clippy --all-targets -- -D warnings"
cargo clippy --all-targets --quiet -- -D warnings

echo "== cargo test (unit, integration, property, snapshot, pty)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Every test binary runs even when one fails, so the count is complete.
status=0
cargo test --no-fail-fast --lib --bins --tests 2>&1 | tee "$log" || status=$?

# Placement quality: 30 scenarios under seven policies, too slow without
# optimisation (the test is ignored in debug builds).
echo "== cargo test --release --test quality"
cargo test --release --test quality 2>&1 | tee -a "$log" || status=$?

# Hostile input: every cargo-fuzz target for a bounded time (the corpus in
# fuzz/corpus/ is also replayed by tests/hostile.rs above). 0 skips it.
fuzz_seconds="${SYNERGAI_FUZZ_SECONDS:-60}"
if [ "$fuzz_seconds" != 0 ]; then
    echo "== scripts/fuzz.sh $fuzz_seconds (each target)"
    scripts/fuzz.sh "$fuzz_seconds" || status=1
fi

# One closing line for the whole run.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "%d passed, %d failed\n", p, f }' "$log"
exit "$status"
