#!/usr/bin/env python3
"""PyTorch eager baseline for `bin/stylize bench`: the same seed-preset step (VGG19 to conv5_1,
seed losses, backward to the image, Adam) on a square noise image, median ms per step.
`--precision bf16` runs the convolutions under bfloat16 autocast and, as the engine does, takes
the Gram matrices and losses of the activations in float32.
Run with the same GLIBC_TUNABLES and threads as bin/stylize for a fair comparison (bin/java-env
sets the allocator; the engine uses two threads here):

    source bin/java-env && OMP_NUM_THREADS=2 /tmp/ref/bin/python tools/reference/bench_pytorch.py --size 512
"""
import argparse
import contextlib
import json
import resource
import statistics
import time

import torch

from seed_reference import STYLE_WEIGHTS, features_of, gram, vgg19_features


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--precision", choices=["fp32", "bf16"], default="fp32")
    args = parser.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(0)

    model = vgg19_features(random_weights())
    content = torch.randn(1, 3, args.size, args.size)
    style = torch.randn(1, 3, args.size, args.size)
    def activations(image):
        """The taps' activations in float32, the convolutions in bf16 under --precision bf16."""
        with (torch.autocast("cpu", dtype=torch.bfloat16) if args.precision == "bf16" else contextlib.nullcontext()):
            features = features_of(image, model)
        return {k: v.float() for k, v in features.items()}

    with torch.no_grad():
        content_target = activations(content)["conv4_2"]
        style_grams = {k: gram(v) for k, v in activations(style).items() if k in STYLE_WEIGHTS}
    target = content.clone().requires_grad_(True)
    optimizer = torch.optim.Adam([target], lr=0.003)
    times = []
    for i in range(args.warmup + args.iterations):
        start = time.perf_counter()
        features = activations(target)
        loss = torch.mean((features["conv4_2"] - content_target) ** 2)
        for layer, w in STYLE_WEIGHTS.items():
            _, d, h, ww = features[layer].shape
            loss = loss + 1e6 * w * torch.mean((gram(features[layer]) - style_grams[layer]) ** 2) / (d * h * ww)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if i >= args.warmup:
            times.append((time.perf_counter() - start) * 1000)
    print(json.dumps({"size": args.size, "precision": args.precision, "engine": "pytorch-eager " + torch.__version__,
                      "medianMillis": round(statistics.median(times), 1),
                      "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))


def random_weights():
    spec = [(0, 3, 64), (2, 64, 64), (5, 64, 128), (7, 128, 128), (10, 128, 256), (12, 256, 256),
            (14, 256, 256), (16, 256, 256), (19, 256, 512), (21, 512, 512), (23, 512, 512), (25, 512, 512),
            (28, 512, 512)]
    weights = {}
    for index, cin, cout in spec:
        w = torch.empty(cout, cin, 3, 3)
        torch.nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")
        weights[f"features.{index}.weight"] = w
        weights[f"features.{index}.bias"] = torch.zeros(cout)
    return weights


if __name__ == "__main__":
    main()
