#!/usr/bin/env python3
"""Converts torchvision's ImageNet VGG19 checkpoint into the safetensors file bin/stylize reads
(features.0 … features.28, torchvision's key names, float32), and prints its sha256.

    curl -LO https://download.pytorch.org/models/vgg19-dcbb9e9d.pth
    python3 -m pip install torch safetensors
    python3 tools/weights/convert_torchvision_vgg19.py vgg19-dcbb9e9d.pth vgg19-features.safetensors

torchvision names its files by the first 8 hex digits of their sha256 (here dcbb9e9d): the
script checks that prefix before converting.
"""
import hashlib
import sys

import torch
from safetensors.torch import save_file

DEEPEST = 28  # conv5_1


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main(source, target):
    prefix = source.rsplit("-", 1)[-1].split(".")[0]
    if len(prefix) == 8 and not sha256(source).startswith(prefix):
        sys.exit(f"{source}: sha256 does not start with {prefix}; the download is damaged")
    state = torch.load(source, map_location="cpu", weights_only=True)
    kept = {k: v.float().contiguous() for k, v in state.items()
            if k.startswith("features.") and int(k.split(".")[1]) <= DEEPEST}
    if len(kept) != 26:
        sys.exit(f"{source}: expected 13 conv layers up to features.{DEEPEST}, found {len(kept) // 2}")
    save_file(kept, target)
    print(f"wrote {target}, sha256 {sha256(target)}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: convert_torchvision_vgg19.py vgg19-dcbb9e9d.pth vgg19-features.safetensors")
    main(sys.argv[1], sys.argv[2])
