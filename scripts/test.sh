#!/usr/bin/env bash
# Runs every check and test of synergai; CI (.ci/run) calls exactly this.
# Needs only the Rust toolchain: everything else the tests use is built here
# (SYNERGAI_TEST_HIGHS=1 also tests the HiGHS backend, installing cmake and
# libclang with apt-get if they are missing).
set -euo pipefail
cd "$(dirname "$0")/.."

# Each step's header says how long the run has taken so far (CI has 90
# minutes for all of it).
step() { printf '== %s   [at %dm%02ds]\n' "$*" $((SECONDS / 60)) $((SECONDS % 60)); }

step "cargo fmt --check"
cargo fmt --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --all-targets --quiet -- -D warnings

# The default features are `bound` (the LP lower bound, solved with
# clarabel) and `cli` (the binary and its shells); the binary without the
# solver and the core library alone (what the fuzz targets build) must stay
# clean too.
step "cargo clippy --all-targets --no-default-features --features cli -- -D warnings"
cargo clippy --all-targets --no-default-features --features cli --quiet -- -D warnings
step "cargo clippy --lib --no-default-features -- -D warnings"
cargo clippy --lib --no-default-features --quiet -- -D warnings

# The engines `profile measure` loads at run time (tests/measure.rs): the
# onnxruntime and onnx wheels, pip-installed under ~/.cache/synergai/engines.
step "scripts/engines.sh"
scripts/engines.sh

step "cargo test (unit, integration, property, snapshot, pty)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Every test binary runs even when one fails, so the count is complete.
status=0
cargo test --no-fail-fast --lib --bins --tests 2>&1 | tee "$log" || status=$?

# The optimized tests (ignored in debug builds), in the `ci` profile: the
# release profile with tract unoptimized (Cargo.toml says why).
# Placement quality: 30 scenarios under seven policies, too slow without
# optimisation. The container image, built offline from that binary by
# scripts/build-image.sh (umoci, skopeo and runc are installed with apt-get
# if missing): its config against Cargo.toml, the commit and the Dockerfile,
# and the binary run inside, under runc or chrooted (the output says which).
# A 1,000,000-request trace streamed from a scenario that references it:
# replayed by the binary under 1 GiB of peak memory (about half a minute).
step "cargo test --profile ci --test quality --test image --test big_trace"
cargo test --profile ci --test quality --test image --test big_trace -- --show-output 2>&1 | tee -a "$log" || status=1

# Without an LP solver `synergai bound` exits 2 and says how to build it.
step "cargo test --no-default-features --features cli --test bound"
cargo test --no-default-features --features cli --test bound 2>&1 | tee -a "$log" || status=1

# The optional HiGHS backend of `synergai bound` (SYNERGAI_TEST_HIGHS=1):
# HiGHS builds from source (about 10 minutes here), with cmake and libclang.
if [ "${SYNERGAI_TEST_HIGHS:-0}" = 1 ]; then
    step "cargo clippy/test --features highs"
    if ! command -v cmake >/dev/null || ! compgen -G '/usr/lib/llvm-*/lib/libclang*.so*' >/dev/null; then
        # shellcheck source=scripts/kube-lib.sh
        source scripts/kube-lib.sh
        kube_apt_install cmake libclang-dev g++
    fi
    cargo clippy --all-targets --features highs --quiet -- -D warnings || status=1
    cargo test --features highs --lib --test bound bound 2>&1 | tee -a "$log" || status=1
fi

# Hostile input: every cargo-fuzz target for a bounded time (the corpus in
# fuzz/corpus/ is also replayed by tests/hostile.rs above). 0 skips it.
fuzz_seconds="${SYNERGAI_FUZZ_SECONDS:-20}"
if [ "$fuzz_seconds" != 0 ]; then
    step "scripts/fuzz.sh $fuzz_seconds (each target)"
    scripts/fuzz.sh "$fuzz_seconds" || status=1
fi

# One closing line for the whole run.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "%d passed, %d failed\n", p, f }' "$log"
printf 'scripts/test.sh took %dm%02ds\n' $((SECONDS / 60)) $((SECONDS % 60))
exit "$status"
