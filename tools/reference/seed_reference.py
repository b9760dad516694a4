#!/usr/bin/env python3
"""Independent PyTorch implementation of the seed notebook's maths (shared/spec/style-algorithm.md,
preset `seed`), used to produce the numbers the Java engine is tested against.

It rebuilds VGG19's feature part with torch.nn (in-place ReLUs, max pooling, as torchvision),
loads the weights the Java command generated, and runs the notebook's loop: content init,
Adam lr 0.003, content = mean((T-C)^2) at relu4_2, style = sum_l w_l mean((G_T-G_S)^2)/(d h w),
total = 1 * content + 1e6 * style. It prints the weighted losses of the first steps as JSON.

    python3 -m venv /tmp/ref && /tmp/ref/bin/pip install torch==2.13.0 pillow safetensors numpy
    bin/stylize weights synth --seed 7 --out /tmp/w7.safetensors
    /tmp/ref/bin/python tools/reference/seed_reference.py --weights /tmp/w7.safetensors \
        --content src/engine/src/test/resources/reference/content.png \
        --style src/engine/src/test/resources/reference/style.png --steps 5 \
        > src/engine/src/test/resources/reference/seed-losses.json
"""
import argparse
import hashlib
import json

import numpy as np
import torch
from PIL import Image
from safetensors.torch import load_file

MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
CONV_INDICES = [0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28]
POOL_INDICES = [4, 9, 18, 27]
TAPS = {"1": "conv1_1", "6": "conv2_1", "11": "conv3_1", "20": "conv4_1", "22": "conv4_2", "29": "conv5_1"}
STYLE_WEIGHTS = {"conv1_1": 1.0, "conv2_1": 0.75, "conv3_1": 0.2, "conv4_1": 0.2, "conv5_1": 0.2}
CONTENT_WEIGHT, STYLE_WEIGHT = 1.0, 1e6


def vgg19_features(weights):
    layers = []
    channels = 3
    for i in range(30):
        if i in CONV_INDICES:
            out = weights[f"features.{i}.weight"].shape[0]
            conv = torch.nn.Conv2d(channels, out, 3, padding=1)
            conv.weight.data.copy_(weights[f"features.{i}.weight"])
            conv.bias.data.copy_(weights[f"features.{i}.bias"])
            layers.append(conv)
            channels = out
        elif i in POOL_INDICES:
            layers.append(torch.nn.MaxPool2d(2, 2))
        else:
            layers.append(torch.nn.ReLU(inplace=True))
    model = torch.nn.Sequential(*layers)
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def features_of(image, model):
    out = {}
    x = image
    for name, layer in model._modules.items():
        x = layer(x)
        if name in TAPS:
            out[TAPS[name]] = x
    return out


def gram(t):
    _, d, h, w = t.size()
    t = t.view(d, h * w)
    return torch.mm(t, t.t())


def load(path):
    rgb = np.asarray(Image.open(path).convert("RGB"), dtype=np.float32) / 255.0
    x = torch.from_numpy(rgb).permute(2, 0, 1).unsqueeze(0)
    return (x - MEAN) / STD


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--weights", required=True)
    parser.add_argument("--content", required=True)
    parser.add_argument("--style", required=True)
    parser.add_argument("--steps", type=int, default=5)
    args = parser.parse_args()

    torch.set_num_threads(2)
    model = vgg19_features(load_file(args.weights))
    content, style = load(args.content), load(args.style)
    content_features = features_of(content, model)
    style_features = features_of(style, model)
    style_grams = {layer: gram(style_features[layer]) for layer in style_features}

    target = content.clone().requires_grad_(True)
    optimizer = torch.optim.Adam([target], lr=0.003)
    steps = []
    for _ in range(args.steps):
        target_features = features_of(target, model)
        content_loss = torch.mean((target_features["conv4_2"] - content_features["conv4_2"]) ** 2)
        style_loss = 0
        for layer, weight in STYLE_WEIGHTS.items():
            target_feature = target_features[layer]
            _, d, h, w = target_feature.shape
            layer_loss = weight * torch.mean((gram(target_feature) - style_grams[layer]) ** 2)
            style_loss += layer_loss / (d * h * w)
        total = CONTENT_WEIGHT * content_loss + STYLE_WEIGHT * style_loss
        optimizer.zero_grad()
        total.backward()
        optimizer.step()
        steps.append({"loss": total.item(), "contentLoss": CONTENT_WEIGHT * content_loss.item(),
                      "styleLoss": STYLE_WEIGHT * style_loss.item()})

    with open(args.weights, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    print(json.dumps({"torch": torch.__version__, "weightsSha256": digest, "content": args.content,
                      "style": args.style, "steps": steps}, indent=2))


if __name__ == "__main__":
    main()
