#!/usr/bin/env bash
# Hostile-input fuzzing: every cargo-fuzz target in fuzz/ for a fixed time.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]     (default 60)
#
# Needs a nightly toolchain (libFuzzer's instrumentation); installs
# cargo-fuzz if it is missing. Targets come from `cargo fuzz list`, so a new
# target needs no change here. Each run starts from the committed corpus
# fuzz/corpus/<target>/ (read-only seed) and writes what it discovers to a
# scratch directory, so the tree stays clean. A crash, panic, timeout or
# out-of-memory in any target fails the script, naming the target and the
# input that triggered it; every target is run either way.
#
# Triage a failure (from the repository root):
#   cargo +nightly fuzz run -a TARGET FILE        reproduce
#   cargo +nightly fuzz tmin -a TARGET FILE       minimise
# then fix the crate, add the minimised input to fuzz/corpus/TARGET/ and
# check `cargo test --test hostile` (which replays every corpus file).
# Grow the committed corpus with `cargo fuzz cmin` only; keep it small.
#
# Environment: FUZZ_TIMEOUT (seconds one input may take, default 20),
# FUZZ_RSS_MB (memory limit, default 2048), FUZZ_KEEP=1 keeps the scratch
# directory.
set -euo pipefail

seconds="${1:-60}"
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET]  (a whole number of seconds, default 60)" >&2
    exit 2
fi
timeout_s="${FUZZ_TIMEOUT:-20}"
rss_mb="${FUZZ_RSS_MB:-2048}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    echo "fuzz: installing the nightly toolchain (libFuzzer needs it)" >&2
    rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked
fi

scratch="$(mktemp -d "${TMPDIR:-/tmp}/synergai-fuzz.XXXXXX")"
if [[ "${FUZZ_KEEP:-0}" != 1 ]]; then
    trap 'rm -rf "$scratch"' EXIT
fi

# -a: debug assertions and overflow checks, so arithmetic on hostile numbers
# panics instead of silently wrapping. One build for every target; the runs
# below then reuse it.
echo "fuzz: building the targets (cargo +nightly fuzz build -a)"
cargo +nightly fuzz build -a

mapfile -t targets < <(cargo +nightly fuzz list)
if [[ ${#targets[@]} -eq 0 ]]; then
    echo "fuzz: cargo fuzz list reports no targets" >&2
    exit 1
fi

failed=()
summary=()
for target in "${targets[@]}"; do
    seed="fuzz/corpus/$target"
    if [[ ! -d "$seed" ]]; then
        echo "fuzz: $target has no seed corpus $seed/; add one (tests/hostile.rs replays it)" >&2
        failed+=("$target: no seed corpus $seed/")
        continue
    fi
    work="$scratch/corpus/$target"
    artifacts="$scratch/artifacts/$target"
    log="$scratch/$target.log"
    mkdir -p "$work" "$artifacts"
    echo "fuzz: $target for ${seconds}s (seed $seed, $(find "$seed" -type f | wc -l) files)"
    # libFuzzer adds new inputs to the first corpus directory only: the
    # scratch one. Flags after `--` override cargo-fuzz's own.
    status=0
    cargo +nightly fuzz run -a "$target" "$work" "$seed" -- \
        -max_total_time="$seconds" -timeout="$timeout_s" -rss_limit_mb="$rss_mb" \
        -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1 || status=$?
    execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)"
    found="$(find "$work" -type f | wc -l)"
    if [[ $status -ne 0 ]]; then
        crash="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n1)"
        [[ -n "$crash" ]] || crash="$(find "$artifacts" -type f | head -n1)"
        if [[ -n "$crash" && -f "$crash" ]]; then
            mkdir -p fuzz/artifacts/"$target"
            cp "$crash" fuzz/artifacts/"$target"/
            crash="fuzz/artifacts/$target/$(basename "$crash")"
        fi
        echo "fuzz: FAILED $target (exit $status): input ${crash:-unknown}" >&2
        grep -E -m1 -A12 "panicked at|ERROR: libFuzzer|ERROR: AddressSanitizer|==ERROR" "$log" >&2 || tail -n 30 "$log" >&2
        failed+=("$target: ${crash:-see the log above} (exit $status)")
    else
        echo "fuzz: ok $target: ${execs:-?} executions, $found inputs in the scratch corpus (not kept)"
    fi
    summary+=("$target ${execs:-?}")
done

echo "fuzz: executions per target: ${summary[*]}"
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "fuzz: ${#failed[@]} of ${#targets[@]} targets failed:" >&2
    printf '  %s\n' "${failed[@]}" >&2
    echo "fuzz: reproduce with: cargo +nightly fuzz run -a TARGET FILE (minimise: cargo +nightly fuzz tmin -a TARGET FILE)" >&2
    exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran ${seconds}s without a failure"
