"""Which way the detail runs: gradient-orientation histograms and their L1 distance."""

from __future__ import annotations

import math

import numpy as np

from .bands import _as_map


def orientation_histogram(detail: np.ndarray, bins: int = 18) -> np.ndarray:
    """Gradient orientation (mod pi) histogram weighted by gradient magnitude; sums to 1.

    Bin ``i`` is centred on ``i * pi / bins`` (bin 0 holds gradients along x,
    i.e. furrows running vertically). A flat map gives a uniform histogram.
    """
    arr = _as_map(detail).astype(np.float64)
    gy, gx = np.gradient(arr)
    magnitude = np.hypot(gx, gy).ravel()
    theta = np.mod(np.arctan2(gy, gx).ravel(), math.pi)
    idx = np.floor(theta / (math.pi / bins) + 0.5).astype(np.int64) % bins
    hist = np.bincount(idx, weights=magnitude, minlength=bins)
    total = hist.sum()
    if total <= 0:
        return np.full(bins, 1.0 / bins)
    return hist / total


def orientation_l1(a: np.ndarray, b: np.ndarray, bins: int = 18) -> float:
    """L1 distance (0 = same, 2 = disjoint) between two detail bands' orientation histograms."""
    return float(np.abs(orientation_histogram(a, bins) - orientation_histogram(b, bins)).sum())
