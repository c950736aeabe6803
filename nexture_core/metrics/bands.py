"""Structure/detail split and resampling on numpy maps (H x W float32).

The numpy twin of :mod:`nexture_core.filters` for the low-pass (float64, so
bands telescope exactly); resampling is the engine's own, so a pattern is
judged at the output's scale exactly as the engine drew it. ``sigma`` is in pixels
of the map it is applied to; ``wrap=True`` treats the map as tileable.
"""

from __future__ import annotations

from typing import Tuple

import numpy as np
import torch
from scipy import ndimage

from .. import filters


def _as_map(x: np.ndarray, name: str = "map") -> np.ndarray:
    arr = np.asarray(x)
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[..., 0]
    if arr.ndim != 2:
        raise ValueError(f"{name} must be one channel (H x W); got shape {arr.shape}.")
    return arr.astype(np.float32, copy=False)


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


def resize_to(x: np.ndarray, shape: Tuple[int, int], wrap: bool = False) -> np.ndarray:
    """Resample to exactly ``shape`` (H, W) with the engine's own resampler.

    :func:`nexture_core.filters.resize`: antialiased bicubic when shrinking (no
    finer-than-a-pixel detail aliases into false texture), bicubic when
    enlarging; ``wrap``: the map tiles, and so does the result. The metrics
    judge a pattern resampled exactly as the engine resampled it.
    """
    arr = _as_map(x)
    if arr.shape == (int(shape[0]), int(shape[1])):
        return arr.copy()
    tensor = torch.from_numpy(np.ascontiguousarray(arr, dtype=np.float32))[None, None]
    return filters.resize(tensor, (int(shape[0]), int(shape[1])), wrap=wrap)[0, 0].numpy()


def upsample(x: np.ndarray, factor: float) -> np.ndarray:
    """The map ``factor`` times larger on each side (cubic spline), e.g. the input at the output's size."""
    arr = _as_map(x)
    return resize_to(arr, (int(round(arr.shape[0] * factor)), int(round(arr.shape[1] * factor))))


def resample_pattern(pattern_disp: np.ndarray, multiplier: float, wrap: bool = False) -> np.ndarray:
    """The pattern at the output's pixel scale: ``multiplier`` output pixels per pattern pixel.

    ``wrap``: the pattern tiles, and is resampled as a tile (no border effects).
    It is never repeated here: the metrics compare the pattern's two halves as
    independent samples, which repeats would not be.
    """
    if not multiplier > 0:
        raise ValueError(f"multiplier must be positive; got {multiplier}.")
    arr = _as_map(pattern_disp)
    shape = (max(8, int(round(arr.shape[0] * multiplier))), max(8, int(round(arr.shape[1] * multiplier))))
    return resize_to(arr, shape, wrap=wrap)


def robust_range(x: np.ndarray) -> float:
    """0.5th to 99.5th percentile spread; the same definition the engine uses for amplitude."""
    flat = np.asarray(x).ravel()
    lo, hi = np.percentile(flat[:: max(1, flat.size // 1_000_000)], [0.5, 99.5])
    return float(max(hi - lo, 1e-6))
