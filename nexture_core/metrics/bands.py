"""Structure/detail split and resampling on numpy maps (H x W float32).

The numpy twin of :mod:`nexture_core.filters` for the low-pass (float64, so
bands telescope exactly); resampling is the engine's own, so a pattern is
judged at the output's scale exactly as the engine drew it. ``sigma`` is in pixels
of the map it is applied to; ``wrap=True`` treats the map as tileable.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from ..maps import as_map as _as_map  # the metrics modules' name for the shared check
from ..maps import resize_to


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
