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
