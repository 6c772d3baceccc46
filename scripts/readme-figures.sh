#!/usr/bin/env bash
# Prints the figures quoted in README.md, from the commands that produce them:
#   - the default replay (quick start output),
#   - violations per policy on every shipped scenario and the mean ratios.
# Benchmark figures come from `cargo bench --bench scheduling` (see README).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/synergai

echo '### cargo run --release -- replay'
$bin replay

echo
echo '### replay fixtures/scenarios/*.yaml'
$bin replay fixtures/scenarios/*.yaml -o json | python3 -c '
import json, sys
d = json.load(sys.stdin)
policies = [p["policy"] for p in d["scenarios"][0]["policies"]]
print("| scenario | nodes | jobs | " + " | ".join(policies) + " |")
print("|---|---:|---:|" + "---:|" * len(policies))
for s in d["scenarios"]:
    print("| %s | %d | %d | %s |" % (s["scenario"], s["nodes"], s["jobs"],
          " | ".join(str(p["violations"]) for p in s["policies"])))
print()
print("Mean over the %d scenarios of each baseline'"'"'s violations / max(synergai'"'"'s, 1): %s" % (
    len(d["scenarios"]),
    ", ".join("%s %.1f×" % (r["policy"], r["ratio"]) for r in d["meanViolationRatios"])))
'
