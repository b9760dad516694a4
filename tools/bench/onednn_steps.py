#!/usr/bin/env python3
"""Sums the oneDNN primitives of each step from an ONEDNN_VERBOSE=1 log, per kind.

Both engines run VGG's convolutions through oneDNN, so this separates the kernels' own time from
everything around them: run `bench` and the PyTorch baseline with the verbose log on and compare
the last steps. A step starts at the forward convolution of the 3-channel image (conv1_1).

    source bin/java-env
    ONEDNN_VERBOSE=1 bin/stylize bench --size 512 --precision fp32 --iterations 4 --warmup 4 > ours.log
    ONEDNN_VERBOSE=1 OMP_NUM_THREADS=2 python3 tools/reference/bench_pytorch.py --size 512 \
        --iterations 4 --warmup 4 > pytorch.log
    python3 tools/bench/onednn_steps.py ours.log pytorch.log
"""
import collections
import sys


def steps(path):
    """Each step's executed primitives as (kind, propagation, milliseconds)."""
    result = []
    for line in open(path, errors="replace"):
        fields = line.strip().split(",")
        if len(fields) < 8 or fields[0] != "onednn_verbose" or fields[3] != "exec":
            continue
        kind, propagation, millis = fields[5], fields[7], float(fields[-1])
        if kind == "convolution" and propagation.startswith("forward") and "_ic3oc" in line:
            result.append([])
        if result:
            result[-1].append((kind, propagation, millis))
    return result


def main():
    for path in sys.argv[1:]:
        found = steps(path)
        print(f"{path}: {len(found)} passes (targets and warm-up included); the last 4:")
        for step in found[-4:]:
            totals = collections.defaultdict(float)
            for kind, propagation, millis in step:
                totals[f"{kind} {propagation}"] += millis
            print("  " + ", ".join(f"{k} {v:.0f} ms" for k, v in sorted(totals.items())))


if __name__ == "__main__":
    main()
