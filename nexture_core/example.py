"""The bundled example input: a sculpted eye corner at production texel size, made by code.

A 1024 px map covering 20.48 mm (:data:`EXAMPLE_TEXEL_MM` = 0.02 mm per texel,
the texel of a 16k map of a face; its height unit :data:`EXAMPLE_HEIGHT_MM` =
10 mm per map unit): the outer corner of a left eye as an artist sculpts it
before micro-detail. The lower lid's edge and the upper lid's fold, the
cheek's rise below, the tear trough, and crow's-feet wrinkles fanning out
from the corner, each a fraction of a millimetre deep and tens of texels wide:
nothing at the size of a pore (0.05-0.25 mm, 3-12 texels here) or a crease
cell (0.2-1 mm, 10-50 texels), which is what Nexture adds.

Deterministic; 16-bit; CC0.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy import ndimage

EXAMPLE_SIZE = 1024
EXAMPLE_TEXEL_MM = 0.02
EXAMPLE_HEIGHT_MM = 10.0
EXAMPLE_PATH = Path(__file__).resolve().parents[1] / "examples" / "eye_corner_1k.tif"
# Height in the map's units: 0.5 is the base surface, 1 unit = 10 mm of relief.
BASE = 0.5


def _groove(x, y, path_x, path_y, width_mm, depth_mm):
    """A soft groove along a polyline (mm coordinates), tapering to nothing at both ends.

    Returns the height change in mm (negative: it cuts in).
    """
    pts = np.stack([np.asarray(path_x, float), np.asarray(path_y, float)], 1)
    seg = np.hypot(*np.diff(pts, axis=0).T)
    start = np.concatenate([[0.0], np.cumsum(seg)])
    total = max(start[-1], 1e-9)
    d = np.full(x.shape, np.inf)
    along = np.zeros(x.shape)
    for i, ((x0, y0), (x1, y1)) in enumerate(zip(pts[:-1], pts[1:])):
        vx, vy = x1 - x0, y1 - y0
        t = np.clip(((x - x0) * vx + (y - y0) * vy) / (vx * vx + vy * vy), 0, 1)
        di = np.hypot(x - (x0 + t * vx), y - (y0 + t * vy))
        closer = di < d
        d = np.where(closer, di, d)
        along = np.where(closer, (start[i] + t * seg[i]) / total, along)
    taper = np.sin(np.pi * along) ** 1.5  # smooth at both ends: no crease where the groove stops
    return -depth_mm * taper * np.exp(-((d / width_mm) ** 2))


def _curve(p0, p1, p2, n=48):
    """Sample points (x array, y array) of a quadratic Bezier curve."""
    t = np.linspace(0.0, 1.0, n)[:, None]
    pts = (1 - t) ** 2 * np.array(p0) + 2 * (1 - t) * t * np.array(p1) + t**2 * np.array(p2)
    return pts[:, 0], pts[:, 1]


def make_example(size: int = EXAMPLE_SIZE) -> np.ndarray:
    """H x W float32 map units (1 unit = :data:`EXAMPLE_HEIGHT_MM` mm), base surface 0.5."""
    y, x = (np.mgrid[0:size, 0:size] + 0.5) * EXAMPLE_TEXEL_MM  # mm, origin top left
    h = np.zeros((size, size))  # mm of relief
    # The eyeball under the lids (the eye opens to the left of the map), the
    # orbital rim's curve and the cheek's rise below: a few mm over the patch.
    h += 2.4 * np.exp(-(((x + 2.0) / 9.0) ** 2 + ((y - 7.5) / 5.5) ** 2))
    h += 1.6 * np.exp(-(((x - 12.0) / 11.0) ** 2 + ((y - 19.0) / 6.5) ** 2))
    h -= 0.5 * np.exp(-(((x - 9.0) / 10.0) ** 2 + ((y - 12.5) / 1.6) ** 2))  # orbital hollow
    # Lid edges: the lower lid's margin and the upper lid's fold meeting at the corner.
    lx, ly = _curve((0.0, 9.6), (3.5, 10.6), (6.8, 8.2))
    h += _groove(x, y, lx, ly, 0.22, 0.45)
    ux, uy = _curve((0.0, 4.6), (4.2, 4.4), (7.4, 7.9))
    h += _groove(x, y, ux, uy, 0.3, 0.35)
    # Tear trough: a soft groove curving down and out under the lower lid.
    tx, ty = _curve((0.5, 12.4), (5.0, 14.2), (10.5, 13.0))
    h += _groove(x, y, tx, ty, 0.9, 0.25)
    # Crow's feet fanning out from the corner, a little wavy, 0.05-0.12 mm deep.
    rng = np.random.default_rng(7)
    for k, angle in enumerate((-38.0, -20.0, -4.0, 11.0, 27.0)):
        a = np.radians(angle)
        r0, r1 = 1.6 + 0.3 * k % 2, 8.5 + 2.5 * rng.random()
        radii = np.linspace(r0, r1, 48)
        wobble = 0.3 * np.sin(radii * 0.7 + k)
        gx = 7.4 + radii * np.cos(a) - wobble * np.sin(a)
        gy = 8.0 + radii * np.sin(a) + wobble * np.cos(a)
        h += _groove(x, y, gx, gy, 0.12 + 0.03 * (k % 2), 0.06 + 0.015 * k)
    # A faint second fold line above the upper lid's fold.
    fx, fy = _curve((0.0, 2.6), (4.5, 2.2), (8.2, 5.8))
    h += _groove(x, y, fx, fy, 0.25, 0.08)
    # Nothing finer than ~0.1 mm (5 texels): what a sculpt holds before micro-detail.
    h = ndimage.gaussian_filter(h, 0.05 / EXAMPLE_TEXEL_MM)
    return (BASE + (h - h.mean()) / EXAMPLE_HEIGHT_MM).astype(np.float32)


def write_example(path: Path = EXAMPLE_PATH, size: int = EXAMPLE_SIZE) -> Path:
    """Write the example as a 16-bit zip TIFF, atomically and byte-identically per run."""
    from .io import write_image
    from .patterns.writer import fixed_timestamps

    with fixed_timestamps():
        return write_image(path, make_example(size), dtype="uint16", compression="zip")
