"""Structure/detail split and resampling on numpy maps (H x W float32).

The numpy twin of :mod:`nexture_core.filters`: metrics run without torch so
they can judge any map, including ones made elsewhere. ``sigma`` is in pixels
of the map it is applied to; ``wrap=True`` treats the map as tileable.
"""

from __future__ import annotations

from typing import Tuple

import numpy as np
from scipy import ndimage

from ..maps import as_map as _as_map  # the metrics modules' name for the shared check


def lowpass(x: np.ndarray, sigma: float, wrap: bool = False) -> np.ndarray:
    """Gaussian blur of ``sigma`` px (H x W float32); borders reflected, or wrapped."""
    arr = _as_map(x)
    if sigma <= 0:
        return arr.copy()
    # float64 inside so the band split telescopes back to the input exactly.
    out = ndimage.gaussian_filter(arr.astype(np.float64), sigma, mode="wrap" if wrap else "reflect")
    return out.astype(np.float32)


def detail_band(x: np.ndarray, sigma: float, wrap: bool = False) -> np.ndarray:
    """What the Gaussian of ``sigma`` px removes: ``x - lowpass(x, sigma)``."""
    arr = _as_map(x)
    return (arr.astype(np.float64) - lowpass(arr, sigma, wrap)).astype(np.float32)


def resize_to(x: np.ndarray, shape: Tuple[int, int], order: int = 3) -> np.ndarray:
    """Resample to exactly ``shape`` (H, W) with a spline of ``order`` (3: bicubic-like).

    Shrinking pre-blurs by half the step so detail finer than the new pixel
    does not alias into false texture.
    """
    arr = _as_map(x)
    h, w = arr.shape
    th, tw = int(shape[0]), int(shape[1])
    if (h, w) == (th, tw):
        return arr.copy()
    fy, fx = th / h, tw / w
    if fy < 1 or fx < 1:
        arr = ndimage.gaussian_filter(arr, (max(0.0, 0.5 / fy - 0.5), max(0.0, 0.5 / fx - 0.5)), mode="reflect")
    out = ndimage.zoom(arr, (fy, fx), order=order, mode="reflect", grid_mode=True)
    if out.shape != (th, tw):  # zoom rounds; pad/crop the last row/column if needed
        out = np.pad(out, ((0, max(0, th - out.shape[0])), (0, max(0, tw - out.shape[1]))), mode="edge")[:th, :tw]
    return out.astype(np.float32)


def upsample(x: np.ndarray, factor: float) -> np.ndarray:
    """The map ``factor`` times larger on each side (cubic spline), e.g. the input at the output's size."""
    arr = _as_map(x)
    return resize_to(arr, (int(round(arr.shape[0] * factor)), int(round(arr.shape[1] * factor))))


def resample_pattern(pattern_disp: np.ndarray, multiplier: float) -> np.ndarray:
    """The pattern at the output's pixel scale: ``multiplier`` output pixels per pattern pixel."""
    if not multiplier > 0:
        raise ValueError(f"multiplier must be positive; got {multiplier}.")
    return upsample(pattern_disp, multiplier)


def robust_range(x: np.ndarray) -> float:
    """0.5th to 99.5th percentile spread; the same definition the engine uses for amplitude."""
    flat = np.asarray(x).ravel()
    lo, hi = np.percentile(flat[:: max(1, flat.size // 1_000_000)], [0.5, 99.5])
    return float(max(hi - lo, 1e-6))
