"""The bundled example input: a coarse, face-like displacement map, made by code.

Broad forms (forehead, brow ridge, eye sockets, nose, cheeks, lips, chin) in a
front-projection layout, a few large wrinkles (forehead lines, crow's feet,
nasolabial folds), and nothing finer than about 20 px: what a sculpt looks
like before micro-detail. Deterministic; 16-bit; CC0.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy import ndimage

EXAMPLE_SIZE = 1024
EXAMPLE_PATH = Path(__file__).resolve().parents[1] / "examples" / "face_coarse_1k.tif"


def _blob(x, y, cx, cy, sx, sy, amp):
    return amp * np.exp(-(((x - cx) / sx) ** 2 + ((y - cy) / sy) ** 2))


def _groove(x, y, path_x, path_y, width, depth):
    """A soft groove along a polyline of sample points (depth > 0 cuts in).

    Depth tapers to nothing at both ends, as real wrinkles do, so no groove ends
    in a blunt cap.
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
    taper = np.sin(np.pi * along) ** 0.6
    return -depth * taper * np.exp(-((d / width) ** 2))


def _curve(p0, p1, p2, n=12):
    """Sample points of a quadratic Bezier curve (x array, y array)."""
    t = np.linspace(0.0, 1.0, n)[:, None]
    pts = (1 - t) ** 2 * np.array(p0) + 2 * (1 - t) * t * np.array(p1) + t**2 * np.array(p2)
    return pts[:, 0], pts[:, 1]


def make_example(size: int = EXAMPLE_SIZE) -> np.ndarray:
    """HxW float32 in [0, 1] (0.5 = the base surface)."""
    y, x = (np.mgrid[0:size, 0:size] + 0.5) / size
    h = 0.5 + 0.18 * np.cos((x - 0.5) * 2.2) * np.cos((y - 0.52) * 1.6) - 0.1
    h += _blob(x, y, 0.5, 0.2, 0.32, 0.13, 0.06)  # forehead
    h += _blob(x, y, 0.35, 0.34, 0.11, 0.035, 0.05) + _blob(x, y, 0.65, 0.34, 0.11, 0.035, 0.05)  # brows
    h += _blob(x, y, 0.35, 0.42, 0.08, 0.045, -0.09) + _blob(x, y, 0.65, 0.42, 0.08, 0.045, -0.09)  # eye sockets
    h += _blob(x, y, 0.5, 0.5, 0.045, 0.14, 0.1) + _blob(x, y, 0.5, 0.6, 0.07, 0.04, 0.05)  # nose
    h += _blob(x, y, 0.3, 0.58, 0.12, 0.1, 0.05) + _blob(x, y, 0.7, 0.58, 0.12, 0.1, 0.05)  # cheeks
    h += _blob(x, y, 0.5, 0.72, 0.085, 0.022, 0.04) + _blob(x, y, 0.5, 0.765, 0.075, 0.025, 0.035)  # lips
    h += _blob(x, y, 0.5, 0.743, 0.075, 0.007, -0.03)  # mouth line
    h += _blob(x, y, 0.5, 0.87, 0.1, 0.06, 0.05)  # chin
    for i, yy in enumerate((0.16, 0.2, 0.24)):  # forehead lines
        xs = np.linspace(0.3, 0.7, 9)
        h += _groove(x, y, xs, yy + 0.006 * np.sin(xs * 17 + i), 0.006, 0.014)
    for side in (-1, 1):
        for k in range(3):  # crow's feet
            a = np.radians(-25 + 25 * k)
            cx = 0.5 + side * 0.2
            h += _groove(x, y, np.array([cx, cx + side * 0.07 * np.cos(a)]), np.array([0.44, 0.44 + 0.07 * np.sin(a)]), 0.004, 0.01)
        fx, fy = _curve((0.5 + side * 0.065, 0.585), (0.5 + side * 0.14, 0.66), (0.5 + side * 0.115, 0.8))
        h += _groove(x, y, fx, fy, 0.009, 0.02)  # nasolabial folds
    h = ndimage.gaussian_filter(h, size / 160.0)  # nothing finer than ~20 px
    return np.clip(h, 0.0, 1.0).astype(np.float32)


def write_example(path: Path = EXAMPLE_PATH, size: int = EXAMPLE_SIZE) -> Path:
    """Write the example as a 16-bit zip TIFF, atomically and byte-identically per run."""
    from .io import write_image
    from .patterns.writer import fixed_timestamps

    with fixed_timestamps():
        return write_image(path, make_example(size), dtype="uint16", compression="zip")
