#!/usr/bin/env python3
"""Markdown tables for the README's "Results" section from a replay report.

    cargo run --release -- replay fixtures/scenarios/*.yaml --suite -o json \
        | python3 scripts/results-table.py

Prints: violations per scenario and policy, with the lower bound no policy
can beat (bound ≤ optimum ≤ best known, the best in bold); per policy over all scenarios
the total violations, total excess time, median p95 latency, total energy
and the geometric mean of (its violations + 1) / (synergai's + 1); and the
scenarios where synergai does not have the fewest violations.
"""
import json
import math
import statistics
import sys


def fmt_s(ms):
    s = ms / 1000
    if s < 60:
        return f"{s:.1f} s"
    if s < 3600:
        return f"{s / 60:.1f} min"
    return f"{s / 3600:.1f} h"


def main():
    report = json.load(sys.stdin)
    scenarios = report["scenarios"]
    policies = [m["policy"] for m in scenarios[0]["policies"]]
    bounded = all("bracket" in s for s in scenarios)
    bound_head = "bound | " if bounded else ""
    print("| scenario | nodes | jobs | " + bound_head + " | ".join(policies) + " |")
    print("|---|---:|---:|" + ("---:|" if bounded else "") + "---:|" * len(policies))
    for s in scenarios:
        v = {m["policy"]: m["violations"] for m in s["policies"]}
        best = min(v.values())
        cells = [f"**{v[p]}**" if v[p] == best else str(v[p]) for p in policies]
        bound = f"{s['bracket']['bound']} | " if bounded else ""
        print(f"| {s['scenario']} | {s['nodes']} | {s['jobs']} | " + bound + " | ".join(cells) + " |")
    print()
    print("| over all scenarios | " + " | ".join(policies) + " |")
    print("|---|" + "---:|" * len(policies))
    rows = {
        "violations": lambda ms: str(sum(m["violations"] for m in ms)),
        "excess time": lambda ms: fmt_s(sum(m["excessTotalMs"] for m in ms)),
        "median p95 latency": lambda ms: fmt_s(statistics.median(m["latencyP95Ms"] for m in ms)),
        "energy": lambda ms: f"{sum(m['energyJ'] for m in ms) / 1e6:.1f} MJ",
    }
    per_policy = {p: [next(m for m in s["policies"] if m["policy"] == p) for s in scenarios] for p in policies}
    for name, f in rows.items():
        print(f"| {name} | " + " | ".join(f(per_policy[p]) for p in policies) + " |")
    ours = [m["violations"] for m in per_policy["synergai"]]
    geo = []
    for p in policies:
        theirs = [m["violations"] for m in per_policy[p]]
        logs = [math.log((t + 1) / (o + 1)) for t, o in zip(theirs, ours)]
        geo.append(f"{math.exp(sum(logs) / len(logs)):.2f}×")
    print("| geometric mean of (v + 1) / (synergai + 1) | " + " | ".join(geo) + " |")
    summary = report.get("summary")
    if summary:
        print()
        print(
            f"synergai has no more violations than any other policy on "
            f"{summary['synergaiFewest']} of {summary['scenarios']} scenarios; not on: "
            + ", ".join(summary["synergaiNotFewest"])
        )
        if "synergaiAtBound" in summary:
            print()
            print(
                f"synergai's violations equal the lower bound (a provably optimal "
                f"schedule) on {summary['synergaiAtBound']} of {summary['scenarios']} scenarios."
            )


if __name__ == "__main__":
    main()
