"""Do mask edges show? Detail energy as a function of distance to a mask's contour.

Between two patterns the detail should change character, not gain a line:
a hard seam or a halo shows as a peak of gradient energy at distance ~0.
"""

from __future__ import annotations

from typing import Optional, Tuple

import numpy as np
from scipy import ndimage

from .bands import _as_map


def signed_distance(mask: np.ndarray) -> np.ndarray:
    """Distance (px) to the mask's 0.5 contour: positive inside (mask >= 0.5), negative outside."""
    inside = _as_map(mask, "mask") >= 0.5
    if inside.all() or not inside.any():
        raise ValueError("the mask has no edge: it is all inside or all outside at 0.5.")
    return (ndimage.distance_transform_edt(inside) - ndimage.distance_transform_edt(~inside)).astype(np.float32)


def transition_profile(detail: np.ndarray, mask: np.ndarray, width: int = 32) -> Tuple[np.ndarray, np.ndarray]:
    """(signed distance bin centres in px, mean gradient energy) from -``width`` to +``width``.

    ``detail`` and ``mask`` are H x W (the mask is resized by the caller).
    Bins are 1 px wide; bins with no pixel hold NaN.
    """
    arr = _as_map(detail, "detail").astype(np.float64)
    if np.asarray(mask).shape[:2] != arr.shape:
        raise ValueError(f"mask {np.asarray(mask).shape[:2]} and detail {arr.shape} must have the same size.")
    dist = signed_distance(mask)
    gy, gx = np.gradient(arr)
    energy = gx * gx + gy * gy
    edges = np.arange(-width - 0.5, width + 1.5, 1.0)
    idx = np.digitize(dist.ravel(), edges) - 1
    ok = (idx >= 0) & (idx < len(edges) - 1)
    sums = np.bincount(idx[ok], weights=energy.ravel()[ok], minlength=len(edges) - 1)
    counts = np.bincount(idx[ok], minlength=len(edges) - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        profile = np.where(counts > 0, sums / counts, np.nan)
    return 0.5 * (edges[:-1] + edges[1:]), profile


def transition_peak(
    detail: np.ndarray, mask: np.ndarray, near: float = 2.0, far: float = 8.0, width: int = 32
) -> Optional[float]:
    """Max mean energy within ``near`` px of the contour over the median of the bins ``far``..``width`` px away.

    ~1: no seam line; > ~2: the edge shows. None when there are no bins away from the edge.
    """
    d, profile = transition_profile(detail, mask, width)
    near_vals = profile[np.abs(d) <= near]
    far_vals = profile[(np.abs(d) >= far) & np.isfinite(profile)]
    near_vals = near_vals[np.isfinite(near_vals)]
    if len(far_vals) == 0 or len(near_vals) == 0:
        return None
    base = float(np.median(far_vals))
    return float(near_vals.max() / base) if base > 0 else None
