#!/usr/bin/env python3
"""Writes the small PyTorch checkpoints the Java checkpoint reader is tested on
(src/engine/src/test/resources/dev/stylize/engine/model/checkpoints/), in every format a
torchvision VGG19 file may come in:

  tiny-vgg-zip.pth     torch.save's default since PyTorch 1.6: a zip of data.pkl and data/<key>
  tiny-vgg-legacy.pth  torch.save(..., _use_new_zipfile_serialization=False): the pre-1.6 stream
                       of pickles followed by raw storages, with _rebuild_tensor_v2
  tiny-vgg-2017.pth    the same stream as PyTorch 0.2/0.3 wrote it (torchvision's VGG19 file,
                       vgg19-dcbb9e9d.pth, dates from 2017): tensors rebuilt by the 4-argument
                       _rebuild_tensor, storages saved from the GPU, one storage a view of
                       another; written by hand below and checked by torch.load itself

A tiny network with VGG19's key structure (features.0 ... features.34, classifier.0/3/6) and
2 channels per layer keeps each file under 20 KB. Every element's value follows from its key
and position (see value()), so the Java test needs no copy of the expected numbers; a few
extra tensors cover other number formats, a transposed (non-contiguous) tensor and two
tensors sharing one storage.

    python3 -m venv venv && venv/bin/pip install torch
    venv/bin/python tools/weights/make_checkpoint_fixtures.py
"""
import collections
import os
import pickle
import struct
import sys

import torch
import torch._utils

OUT = os.path.join(os.path.dirname(__file__), "..", "..",
                   "src/engine/src/test/resources/dev/stylize/engine/model/checkpoints")
FEATURES = [0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34]
CLASSIFIER = [0, 3, 6]
CHANNELS = 2


def value(base, n):
    """Element i of a tensor whose key gives base: base*1000 + i (exact in float32)."""
    return torch.arange(n, dtype=torch.float32) + base * 1000


def state_dict():
    sd = collections.OrderedDict()
    for index in FEATURES:
        inputs = 3 if index == 0 else CHANNELS
        sd[f"features.{index}.weight"] = value(index, CHANNELS * inputs * 9).reshape(CHANNELS, inputs, 3, 3)
        sd[f"features.{index}.bias"] = -value(index, CHANNELS)
    for index in CLASSIFIER:
        sd[f"classifier.{index}.weight"] = value(100 + index, 8).reshape(4, 2)
        sd[f"classifier.{index}.bias"] = -value(100 + index, 4)
    return sd


def extras():
    """Other formats and layouts the reader must get right: the Java test checks each."""
    shared = value(200, 12)
    return collections.OrderedDict([
        ("extra.half", (torch.arange(6, dtype=torch.float32) * 0.25 - 0.5).half().reshape(2, 3)),
        ("extra.bf16", (torch.arange(6, dtype=torch.float32) * 0.5).bfloat16()),
        ("extra.double", value(202, 4).double()),
        ("extra.transposed", value(203, 6).reshape(2, 3).t()),             # strides (1, 3)
        ("extra.shared.head", shared[0:4].reshape(2, 2)),                  # one storage, two tensors
        ("extra.shared.tail", shared[6:12].reshape(3, 2)),                 # offset 6
        ("extra.steps", torch.tensor(7, dtype=torch.int64)),              # a number format we skip
    ])


# ------------------------------------------------------------ the 2017 (PyTorch 0.2) layout

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001


class OldStorage:
    """A storage as PyTorch 0.2 pickled it: by persistent id, its bytes after the pickles."""

    def __init__(self, key, data, location="cuda:0", view_of=None, offset=0):
        self.key, self.data, self.location = key, data, location
        self.view_of, self.offset = view_of, offset


class OldTensor:
    """A tensor as PyTorch 0.2 pickled it: _rebuild_tensor(storage, offset, size, stride)."""

    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, tuple(size), tuple(stride))

    def __reduce__(self):
        return torch._utils._rebuild_tensor, self.args


def save_2017(sd, path):
    tensors = collections.OrderedDict()
    roots = []
    for i, (key, tensor) in enumerate(sd.items()):
        storage = OldStorage(str(140000000 + i), tensor.contiguous().flatten())
        roots.append(storage)
        tensors[key] = OldTensor(storage, 0, tensor.shape, tensor.contiguous().stride())
    # A storage that is a view of another (view_metadata), as 0.2 saved sliced storages:
    # the root holds 10 floats, the view starts at element 4 and has 6.
    root = OldStorage("139999999", value(300, 10))
    view = OldStorage("139999998", None, view_of=root, offset=4)
    roots.append(root)
    tensors["extra.view"] = OldTensor(view, 1, (2, 2), (2, 1))  # elements 5..8 of the root

    def persistent_id(obj):
        if not isinstance(obj, OldStorage):
            return None
        if obj.view_of is None:
            return "storage", torch.FloatStorage, obj.key, obj.location, obj.data.numel(), None
        base = obj.view_of
        return ("storage", torch.FloatStorage, base.key, base.location, base.data.numel(),
                (obj.key, obj.offset, 6))

    with open(path, "wb") as f:
        pickle.dump(MAGIC_NUMBER, f, protocol=2)
        pickle.dump(PROTOCOL_VERSION, f, protocol=2)
        pickle.dump(dict(protocol_version=PROTOCOL_VERSION, little_endian=True,
                         type_sizes=dict(short=2, int=4, long=4)), f, protocol=2)
        pickler = pickle.Pickler(f, protocol=2)
        pickler.persistent_id = persistent_id
        pickler.dump(tensors)
        pickle.dump([s.key for s in roots], f, protocol=2)
        for s in roots:
            f.write(struct.pack("<q", s.data.numel()))
            f.write(struct.pack("<%df" % s.data.numel(), *s.data.tolist()))


def check(path, expected):
    loaded = torch.load(path, map_location="cpu", weights_only=False)
    for key, tensor in expected.items():
        got = loaded[key]
        if got.dtype != tensor.dtype or got.shape != tensor.shape or not torch.equal(got, tensor):
            sys.exit(f"{path}: torch.load gives a different {key}")
    print(f"wrote {os.path.relpath(path)} ({os.path.getsize(path)} bytes), torch.load agrees")


def main():
    os.makedirs(OUT, exist_ok=True)
    sd = state_dict()
    sd.update(extras())
    zip_path = os.path.join(OUT, "tiny-vgg-zip.pth")
    torch.save(sd, zip_path)
    check(zip_path, sd)
    legacy_path = os.path.join(OUT, "tiny-vgg-legacy.pth")
    torch.save(sd, legacy_path, _use_new_zipfile_serialization=False)
    check(legacy_path, sd)

    old = state_dict()
    old_path = os.path.join(OUT, "tiny-vgg-2017.pth")
    save_2017(old, old_path)
    old["extra.view"] = value(300, 10)[5:9].reshape(2, 2)
    check(old_path, old)


if __name__ == "__main__":
    main()
