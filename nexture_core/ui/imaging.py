"""Maps to screen images: downsample, level, shade, tint. No Qt here.

All of this runs on worker threads (a 16k map takes seconds to shade); the UI
thread only wraps the small uint8 results into QImages. Arrays are HxW float32
in the map's own units unless said otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

import numpy as np

from ..lookdev import auto_exaggeration, shaded_relief

# Longest side of a display image: big enough to look sharp on a 4k monitor at
# "fit", small enough that converting it to a QImage takes a few milliseconds.
DISPLAY_MAX_SIDE = 2048


def downsample(height: np.ndarray, max_side: int = DISPLAY_MAX_SIDE) -> np.ndarray:
    """Box-filter ``height`` (HxW or HxWxC) by a whole factor so its longest side is <= max_side."""
    arr = np.asarray(height, dtype=np.float32)
    factor = int(np.ceil(max(arr.shape[:2]) / float(max_side)))
    if factor <= 1:
        return arr
    h = (arr.shape[0] // factor) * factor
    w = (arr.shape[1] // factor) * factor
    trimmed = arr[:h, :w]
    shape = (h // factor, factor, w // factor, factor) + arr.shape[2:]
    return trimmed.reshape(shape).mean(axis=(1, 3), dtype=np.float32)


def level(height: np.ndarray, low_pct: float = 0.5, high_pct: float = 99.5) -> np.ndarray:
    """Stretch ``height`` to [0, 1] between robust percentiles (one outlier must not flatten the view)."""
    arr = np.asarray(height, dtype=np.float32)
    finite = arr[np.isfinite(arr)]
    if finite.size == 0:
        return np.zeros(arr.shape, np.float32)
    lo, hi = np.percentile(finite, [low_pct, high_pct])
    if hi - lo < 1e-12:
        return np.full(arr.shape, 0.5, np.float32)
    return np.clip((np.nan_to_num(arr, nan=lo) - lo) / (hi - lo), 0.0, 1.0).astype(np.float32)


def shaded(height: np.ndarray, exaggeration="auto") -> np.ndarray:
    """Shaded relief of ``height`` (HxW) in [0, 1].

    Pass the input's exaggeration when shading a result, so before and after are lit alike.
    """
    return np.asarray(shaded_relief(np.asarray(height, np.float32), exaggeration=exaggeration), dtype=np.float32)


def exaggeration_of(height: np.ndarray) -> float:
    """The 'auto' exaggeration :func:`shaded` would pick for ``height``."""
    return float(auto_exaggeration(np.asarray(height, np.float32)))


def to_uint8(gray01: np.ndarray) -> np.ndarray:
    """[0, 1] float -> contiguous uint8 with rounding."""
    return np.ascontiguousarray(np.clip(np.asarray(gray01) * 255.0 + 0.5, 0, 255).astype(np.uint8))


def blue_tint(gray01: np.ndarray) -> np.ndarray:
    """HxW [0, 1] -> HxWx3 uint8 in cold blues: the quick preview must never pass for a final map."""
    g = np.clip(np.asarray(gray01, np.float32), 0.0, 1.0)[..., None]
    dark = np.array([0.04, 0.10, 0.28], np.float32)
    light = np.array([0.62, 0.82, 1.0], np.float32)
    return to_uint8(dark + (light - dark) * g)


@dataclass
class DisplayMaps:
    """Screen-ready renderings of one map: ``height`` and ``relief`` uint8, ``factor`` = full px per display px."""

    height: np.ndarray
    relief: np.ndarray
    full_size: Tuple[int, int]  # (width, height) of the full-resolution map
    factor: float
    exaggeration: Optional[float] = None  # the relief's height multiplier, to light results alike


def display_maps(
    height: np.ndarray, max_side: int = DISPLAY_MAX_SIDE, exaggeration: Optional[float] = None
) -> DisplayMaps:
    """Height and shaded-relief renderings of ``height`` (HxW), downsampled for the screen.

    ``exaggeration`` None picks one for this map; a result passes its input's.
    """
    arr = np.asarray(height, dtype=np.float32)
    if arr.ndim == 3:
        arr = arr[..., 0]
    small = downsample(arr, max_side)
    factor = arr.shape[1] / float(small.shape[1])
    if exaggeration is None:
        exaggeration = exaggeration_of(small)
    relief = shaded(small, exaggeration if exaggeration is not None else "auto")
    return DisplayMaps(to_uint8(level(small)), to_uint8(relief), (arr.shape[1], arr.shape[0]), factor, exaggeration)


def crop_around(
    height: np.ndarray, centre_xy: Tuple[float, float], size: int
) -> Tuple[np.ndarray, Tuple[int, int, int, int]]:
    """The at-most ``size`` x ``size`` crop of ``height`` nearest to ``centre_xy`` (full-res px).

    Returns the crop and its rectangle (x, y, w, h) in full-resolution pixels.
    """
    h, w = height.shape[:2]
    cw, ch = min(size, w), min(size, h)
    x0 = int(round(centre_xy[0] - cw / 2.0))
    y0 = int(round(centre_xy[1] - ch / 2.0))
    x0 = min(max(x0, 0), w - cw)
    y0 = min(max(y0, 0), h - ch)
    return np.ascontiguousarray(height[y0 : y0 + ch, x0 : x0 + cw]), (x0, y0, cw, ch)
