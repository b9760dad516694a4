"""Time to quality from `stylize run --trace` files.

Usage: python3 tools/bench/time_to_loss.py SEED_TRACE OTHER_TRACE...

The target is the seed trace's final loss. For each trace, prints the optimisation wall time
(the sum of per-step milliseconds, every scale included) until a step at the final size
reaches that loss, and the final loss. Start-up and weight loading are not counted: they are
the same for every recipe.
"""
import json
import sys


def read(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def final_size(rows):
    return rows[-1].get("size")


def time_to(rows, target):
    elapsed = 0.0
    size = final_size(rows)
    for row in rows:
        elapsed += row["millis"]
        if row.get("size") == size and row["loss"] <= target:
            return elapsed / 1000, row["step"]
    return None, None


def main(paths):
    seed = read(paths[0])
    target = seed[-1]["loss"]
    print(f"target: the seed recipe's final loss, {target:.6g} (step {seed[-1]['step']})")
    print(f"| recipe | steps | total wall s | wall s to target | speed-up | final loss |")
    print(f"|---|---|---|---|---|---|")
    seed_time, _ = time_to(seed, target)
    for path in paths:
        rows = read(path)
        t, step = time_to(rows, target)
        total = sum(r["millis"] for r in rows) / 1000
        reached = f"{t:.1f} (step {step})" if t is not None else "not reached"
        speedup = f"{seed_time / t:.0f}x" if t else "-"
        print(f"| {path} | {len(rows)} | {total:.1f} | {reached} | {speedup} | {rows[-1]['loss']:.4g} |")


if __name__ == "__main__":
    main(sys.argv[1:])
