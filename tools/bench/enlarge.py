#!/usr/bin/env python3
"""Makes a print-size photo from a small one: crops it to the asked aspect ratio around its
centre and enlarges it with Lanczos. `run` never enlarges a photo, so measuring a 7680x4320
result needs a 7680x4320 photo; this makes one from the project's own example. Needs Pillow.

    python3 tools/bench/enlarge.py docs/examples/harbour.png 7680x4320 out/harbour-8k.png
"""
import os
import sys

from PIL import Image


def enlarge(source, width, height):
    image = Image.open(source).convert("RGB")
    w, h = image.size
    if w * height > h * width:  # wider than asked: crop the sides
        crop = h * width // height
        box = ((w - crop) // 2, 0, (w - crop) // 2 + crop, h)
    else:  # taller than asked: crop top and bottom
        crop = w * height // width
        box = (0, (h - crop) // 2, w, (h - crop) // 2 + crop)
    return image.crop(box).resize((width, height), Image.LANCZOS)


def main(args):
    if len(args) != 3 or "x" not in args[1]:
        sys.exit("usage: enlarge.py PHOTO WIDTHxHEIGHT OUT")
    source, size, out = args
    width, height = (int(v) for v in size.lower().split("x"))
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    enlarge(source, width, height).save(out)
    print(f"{out}: {width}x{height} from {source}")


if __name__ == "__main__":
    main(sys.argv[1:])
