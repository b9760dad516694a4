#!/usr/bin/env python3
"""Fits MemoryEstimate's constants to `bin/stylize bench` (or `doctor --json`) output.

Reads JSON lines of bench results (size, precision, device, peakRssMiB; on a GPU the doctor's
bench.gpuPeakUsedMiB is used instead) and prints, per device and precision, the least-squares
line peak = fixed + perPixel * size^2 and the same slope with the intercept raised until no
measurement lies above it: the constants MemoryEstimate.Profile should hold.

    for s in 256 512 768 1024; do bin/stylize bench --size $s --precision bf16 --iterations 2 --warmup 1; done > bench.jsonl
    python3 tools/bench/fit_memory.py bench.jsonl
"""
import collections
import json
import sys


def rows(lines):
    for line in lines:
        line = line.strip()
        if not line.startswith("{"):
            continue
        r = json.loads(line)
        if "bench" in r:  # doctor --json
            b = r["bench"]
            yield r["device"], r["precision"], b["size"], b.get("gpuPeakUsedMiB", b["peakRssMiB"])
        else:
            yield r.get("device", "?"), r["precision"], r["size"], r["peakRssMiB"]


def main(paths):
    groups = collections.defaultdict(list)
    for path in paths or ["-"]:
        with (sys.stdin if path == "-" else open(path)) as f:
            for device, precision, size, peak in rows(f):
                groups[(device, precision)].append((size * size, peak * 1048576.0))
    for (device, precision), points in sorted(groups.items()):
        n = len(points)
        if n < 2:
            print(f"{device} {precision}: need two sizes or more")
            continue
        mx = sum(p for p, _ in points) / n
        my = sum(b for _, b in points) / n
        slope = sum((p - mx) * (b - my) for p, b in points) / sum((p - mx) ** 2 for p, _ in points)
        fixed = my - slope * mx
        envelope = max(b - slope * p for p, b in points)
        print(f"{device} {precision}: {n} sizes; fit {fixed / 1048576:.0f} MiB + {slope:.0f} B/px; "
              f"upper envelope {envelope / 1048576:.0f} MiB + {slope:.0f} B/px")
        for p, b in sorted(points):
            print(f"  {int(p ** 0.5)} px: {b / 1048576:.0f} MiB measured, {(envelope + slope * p) / 1048576:.0f} MiB by the envelope")


if __name__ == "__main__":
    main(sys.argv[1:])
