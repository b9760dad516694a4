#!/usr/bin/env python3
"""Draws the example photo and painting in docs/examples/ procedurally, so the project ships
images it owns. Needs Pillow: python3 tools/make_examples.py"""
import math
import random

from PIL import Image, ImageDraw, ImageFilter

W, H = 384, 256
random.seed(2026)

# "Photo": a harbour at dusk: sky gradient, sun, hills, water, a boat.
photo = Image.new("RGB", (W, H))
d = ImageDraw.Draw(photo)
for y in range(H):
    t = y / H
    d.line([(0, y), (W, y)], fill=(int(40 + 200 * t), int(70 + 110 * t), int(140 + 60 * (1 - t))))
d.ellipse([250, 50, 310, 110], fill=(255, 214, 120))
d.polygon([(0, 170), (90, 110), (170, 160), (260, 120), (384, 175), (384, 256), (0, 256)], fill=(46, 82, 60))
d.rectangle([0, 190, W, H], fill=(30, 70, 110))
for i in range(40):
    y = random.randint(195, 250)
    x = random.randint(0, W - 40)
    d.line([(x, y), (x + random.randint(10, 40), y)], fill=(120, 160, 200), width=1)
d.polygon([(120, 200), (200, 200), (185, 215), (135, 215)], fill=(120, 50, 40))
d.line([(160, 200), (160, 150)], fill=(60, 40, 30), width=3)
d.polygon([(162, 152), (162, 196), (195, 196)], fill=(235, 230, 210))
photo = photo.filter(ImageFilter.GaussianBlur(0.8))
photo.save("docs/examples/harbour.png")

# "Painting": swirling, thick brush strokes in a warm-cool palette.
palette = [(236, 179, 54), (33, 64, 154), (222, 90, 48), (250, 236, 190), (28, 120, 140), (20, 30, 60)]
paint = Image.new("RGB", (W, H), (25, 40, 90))
d = ImageDraw.Draw(paint)
for _ in range(2600):
    cx, cy = random.uniform(0, W), random.uniform(0, H)
    angle = math.atan2(cy - H / 2, cx - W / 2) + math.pi / 2 + random.uniform(-0.3, 0.3)
    length = random.uniform(8, 22)
    dx, dy = math.cos(angle) * length, math.sin(angle) * length
    d.line([(cx - dx, cy - dy), (cx + dx, cy + dy)], fill=random.choice(palette), width=random.randint(2, 5))
paint.save("docs/examples/swirls.png")

# "Print photo": the same harbour drawn at 3072x2048 (8x), for a print through the service (a
# print needs a photo at least that large: photos are never enlarged). Its own random stream, so
# the two images above stay exactly as they were.
S = 8
rng = random.Random(2027)
big = Image.new("RGB", (W * S, H * S))
d = ImageDraw.Draw(big)
for y in range(H * S):
    t = y / (H * S)
    d.line([(0, y), (W * S, y)], fill=(int(40 + 200 * t), int(70 + 110 * t), int(140 + 60 * (1 - t))))
d.ellipse([250 * S, 50 * S, 310 * S, 110 * S], fill=(255, 214, 120))
d.polygon([(x * S, y * S) for x, y in [(0, 170), (90, 110), (170, 160), (260, 120), (384, 175), (384, 256), (0, 256)]],
          fill=(46, 82, 60))
d.rectangle([0, 190 * S, W * S, H * S], fill=(30, 70, 110))
for i in range(40 * S * S // 4):
    y = rng.randint(195 * S, 250 * S)
    x = rng.randint(0, (W - 40) * S)
    d.line([(x, y), (x + rng.randint(10 * S, 40 * S), y)], fill=(120, 160, 200), width=S // 2)
d.polygon([(x * S, y * S) for x, y in [(120, 200), (200, 200), (185, 215), (135, 215)]], fill=(120, 50, 40))
d.line([(160 * S, 200 * S), (160 * S, 150 * S)], fill=(60, 40, 30), width=3 * S)
d.polygon([(x * S, y * S) for x, y in [(162, 152), (162, 196), (195, 196)]], fill=(235, 230, 210))
big = big.filter(ImageFilter.GaussianBlur(0.8 * S))
big.save("docs/examples/harbour-print.jpg", quality=90)
