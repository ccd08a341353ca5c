"""Draw the theme's favicon (themes/zhanqun/static/favicon.ico): a yellow five-pointed star on the theme's red,
16 and 32 px, in pure Python so the bytes are the same on every machine (issue 14). Run it again after a change:

    python scripts/favicon.py themes/zhanqun/static/favicon.ico

Each build copies the favicon of the theme's static folder (a cluster's own one in
``themes/zhanqun/static/favicon.ico`` over the package's) to the root of every site.
"""

from __future__ import annotations

import math
import struct
import sys
from pathlib import Path

RED = (0x9E, 0x1B, 0x1B)
YELLOW = (0xFF, 0xD2, 0x1F)
SAMPLES = 4  # per axis: 16 samples a pixel smooth the edges


def _star(size: int) -> list[tuple[float, float]]:
    centre, outer = size / 2, size * 0.42
    inner = outer * math.sin(math.radians(18)) / math.sin(math.radians(54))
    points = []
    for k in range(10):
        radius = outer if k % 2 == 0 else inner
        angle = math.radians(-90 + 36 * k)
        points.append((centre + radius * math.cos(angle), centre + 0.04 * size + radius * math.sin(angle)))
    return points


def _inside(x: float, y: float, polygon: list[tuple[float, float]]) -> bool:
    hit = False
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def _in_square(x: float, y: float, size: int) -> bool:
    """A square with rounded corners (radius size/6)."""
    r = size / 6
    dx, dy = max(r - x, 0, x - (size - r)), max(r - y, 0, y - (size - r))
    return dx * dx + dy * dy <= r * r


def _pixels(size: int) -> list[tuple[int, int, int, int]]:
    star = _star(size)
    rows = []
    for py in range(size):
        for px in range(size):
            red = yellow = 0
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    x, y = px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES
                    if _in_square(x, y, size):
                        if _inside(x, y, star):
                            yellow += 1
                        else:
                            red += 1
            total = SAMPLES * SAMPLES
            covered = red + yellow
            if not covered:
                rows.append((0, 0, 0, 0))
                continue
            colour = tuple(round((RED[i] * red + YELLOW[i] * yellow) / covered) for i in range(3))
            rows.append((*colour, round(255 * covered / total)))
    return rows


def _bitmap(size: int) -> bytes:
    """One ICO image: a 32-bit BMP without file header, rows bottom-up, doubled height, empty AND mask."""
    pixels = _pixels(size)
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, 0, 0, 0, 0, 0)
    body = b"".join(bytes((b, g, r, a)) for row in range(size - 1, -1, -1)
                    for r, g, b, a in pixels[row * size:(row + 1) * size])
    mask_row = ((size + 31) // 32) * 4
    return header + body + bytes(mask_row * size)


def icon(sizes: tuple[int, ...] = (16, 32)) -> bytes:
    images = [_bitmap(s) for s in sizes]
    out = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    for size, image in zip(sizes, images):
        out += struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(image), offset)
        offset += len(image)
    return out + b"".join(images)


if __name__ == "__main__":
    Path(sys.argv[1]).write_bytes(icon())
