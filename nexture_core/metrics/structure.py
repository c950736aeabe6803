"""Structure of the detail itself: connected furrows, pattern-like patches, pores.

Second-order statistics (spectrum, orientation) can match while the detail is a
generic crinkle; these measures see whether furrows connect into a network,
whether local patches look like the pattern's, and whether pores exist.
See /work/shared/QUALITY.md.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Optional

import numpy as np
from scipy import ndimage

from .bands import _as_map

FURROW_QUANTILE = 0.12
EIGHT_CONNECTED = np.ones((3, 3), dtype=bool)


def furrow_mask(detail: np.ndarray, quantile: float = FURROW_QUANTILE) -> np.ndarray:
    """The furrow floors: the lowest ``quantile`` share of the detail band (H x W bool)."""
    arr = _as_map(detail)
    return arr <= np.quantile(arr, quantile)


def crease_connectivity(detail: np.ndarray, cell_px: float, quantile: float = FURROW_QUANTILE) -> float:
    """Share (0..1) of furrow-floor pixels that lie in 8-connected pieces spanning more than one cell.

    ``cell_px`` is the typical crease-cell size in this map's pixels. A piece
    counts as "long" when it holds more pixels than all the furrow floor in a
    2 x 2-cell window (``quantile * (2 * cell_px)**2``): isolated pits and short
    fragments stay under it, a furrow network crossing cells exceeds it.
    """
    mask = furrow_mask(detail, quantile)
    labels, count = ndimage.label(mask, structure=EIGHT_CONNECTED)
    if count == 0:
        return 0.0
    sizes = np.bincount(labels.ravel())[1:]
    min_size = quantile * (2.0 * float(cell_px)) ** 2
    return float(sizes[sizes > min_size].sum() / max(1, sizes.sum()))


def connectivity_ratio(out_detail: np.ndarray, pattern_detail: np.ndarray, cell_px: float) -> Optional[float]:
    """Output's crease connectivity over the pattern's (~1: furrows as long as the pattern's); None if the pattern has none."""
    ref = crease_connectivity(pattern_detail, cell_px)
    if ref <= 0:
        return None
    return crease_connectivity(out_detail, cell_px) / ref


def _patches(x: np.ndarray, patch: int, stride: int) -> np.ndarray:
    view = np.lib.stride_tricks.sliding_window_view(x, (patch, patch))[::stride, ::stride]
    return view.reshape(-1, patch * patch)


def _stride_for(shape, patch: int, most: int) -> int:
    positions = max(1, (shape[0] - patch + 1) * (shape[1] - patch + 1))
    return max(1, int(math.ceil(math.sqrt(positions / most))))


def _mean_nearest(queries: np.ndarray, refs: np.ndarray, chunk: int = 512) -> float:
    """Mean Euclidean distance from each query row to its nearest reference row."""
    ref_sq = (refs * refs).sum(axis=1)
    total = 0.0
    for start in range(0, len(queries), chunk):
        q = queries[start : start + chunk]
        d2 = (q * q).sum(axis=1)[:, None] + ref_sq[None, :] - 2.0 * (q @ refs.T)
        total += float(np.sqrt(np.maximum(d2.min(axis=1), 0.0)).sum())
    return total / len(queries)


def patch_realism(
    out_detail: np.ndarray,
    pattern_detail: np.ndarray,
    patch: int = 16,
    queries: int = 1024,
    references: int = 8192,
) -> float:
    """Mean nearest-patch distance output -> pattern, over the same for two disjoint pattern halves.

    Both maps are detail bands at the same pixel scale, each divided by its own
    std, so this judges local shape, not amplitude (detail_std_ratio does that).
    The pattern's first half (along its longer side) is the reference set; its
    second half and the output each give ~``queries`` patches on a grid.
    ~1: the output is as pattern-like as the pattern itself; > 1.5: unlike it;
    << 1: suspiciously close (copying).
    """
    out = _as_map(out_detail, "output detail").astype(np.float32)
    pat = _as_map(pattern_detail, "pattern detail").astype(np.float32)
    out = (out - out.mean()) / max(float(out.std()), 1e-12)
    pat = (pat - pat.mean()) / max(float(pat.std()), 1e-12)
    if pat.shape[0] >= pat.shape[1]:
        half_a, half_b = pat[: pat.shape[0] // 2], pat[pat.shape[0] // 2 :]
    else:
        half_a, half_b = pat[:, : pat.shape[1] // 2], pat[:, pat.shape[1] // 2 :]
    for name, part in (("output", out), ("half of the pattern", half_a), ("other half of the pattern", half_b)):
        if min(part.shape) < patch:
            raise ValueError(f"the {name} ({part.shape}) is smaller than the {patch}px patch.")
    refs = _patches(half_a, patch, _stride_for(half_a.shape, patch, references))
    q_out = _patches(out, patch, _stride_for(out.shape, patch, queries))
    q_pat = _patches(half_b, patch, _stride_for(half_b.shape, patch, queries))
    baseline = _mean_nearest(q_pat, refs)
    return float(_mean_nearest(q_out, refs) / max(baseline, 1e-12))


@dataclass
class PoreStats:
    """Pits found by blob detection: count, density per 1000 px^2, median radius (px)."""

    count: int
    density_per_kpx2: float
    median_radius_px: float

    def to_dict(self) -> dict:
        return asdict(self)


RING_ANGLES = 16
RING_SIGMAS = 2.0


def fine_noise(detail: np.ndarray) -> float:
    """Robust std (1.4826 * MAD) of what a 1 px Gaussian removes: the map's pixel-level noise."""
    arr = _as_map(detail).astype(np.float64)
    fine = arr - ndimage.gaussian_filter(arr, 1.0)
    return float(1.4826 * np.median(np.abs(fine - np.median(fine))))


def find_pores(
    detail: np.ndarray,
    min_sigma: float = 1.0,
    max_sigma: float = 6.0,
    scales: int = 8,
    contrast: float = 2.0,
    closure: float = 0.6,
    wrap: bool = False,
) -> np.ndarray:
    """Pits (pores) in a detail band: array (N, 3) of (row, col, radius px).

    Candidates are local maxima over space and scale of the scale-normalised
    Laplacian of Gaussian at ``scales`` sigmas from ``min_sigma`` to
    ``max_sigma``. On the map blurred at the candidate's sigma, a ring of radius
    2 sigma must stand above the centre: its median by more than ``contrast``
    times the pixel noise (:func:`fine_noise`; at least 1 % of the detail's std)
    and its lowest point by at least ``closure`` of that depth. The ring test
    keeps closed pits and drops furrows and their junctions, whose low ground
    runs out through the ring. Radius = sigma * sqrt(2).
    """
    arr = _as_map(detail).astype(np.float64)
    h, w = arr.shape
    mode = "wrap" if wrap else "reflect"
    sigmas = np.geomspace(min_sigma, max_sigma, scales)
    stack = np.stack([s * s * ndimage.gaussian_laplace(arr, s, mode=mode) for s in sigmas])
    floor = contrast * max(fine_noise(arr), 0.01 * float(arr.std()), 1e-30)
    peaks = (stack == ndimage.maximum_filter(stack, size=(3, 3, 3), mode=("nearest", mode, mode))) & (
        stack > 0.25 * floor
    )
    angles = np.linspace(0.0, 2.0 * math.pi, RING_ANGLES, endpoint=False)
    found: list = []
    for k, s in enumerate(sigmas):
        ys, xs = np.nonzero(peaks[k])
        radius = RING_SIGMAS * s
        if not wrap:
            inside = (ys >= radius) & (ys < h - radius) & (xs >= radius) & (xs < w - radius)
            ys, xs = ys[inside], xs[inside]
        if len(ys) == 0:
            continue
        blurred = ndimage.gaussian_filter(arr, s, mode=mode)
        ry = np.rint(ys[:, None] + radius * np.sin(angles)[None]).astype(int) % h
        rx = np.rint(xs[:, None] + radius * np.cos(angles)[None]).astype(int) % w
        ring = blurred[ry, rx]
        centre = blurred[ys, xs]
        depth = np.median(ring, axis=1) - centre
        closed = ring.min(axis=1) - centre >= closure * depth
        keep = (depth > floor) & closed
        found.extend(zip(ys[keep], xs[keep], np.full(int(keep.sum()), s * math.sqrt(2.0))))
    return np.asarray(found, dtype=np.float64).reshape(-1, 3)


def pore_stats(detail: np.ndarray, **kwargs) -> PoreStats:
    """Pore count, density per 1000 px^2 and median radius (px) of a detail band; see :func:`find_pores`."""
    pores = find_pores(detail, **kwargs)
    area = float(np.asarray(detail).shape[0] * np.asarray(detail).shape[1])
    median = float(np.median(pores[:, 2])) if len(pores) else 0.0
    return PoreStats(count=len(pores), density_per_kpx2=1000.0 * len(pores) / area, median_radius_px=median)


def pore_sigmas_for_cell(cell_px: float) -> dict:
    """Blob scales for pores in cells of ``cell_px``: pores are a fraction of a cell across."""
    return {"min_sigma": 1.0, "max_sigma": max(2.0, cell_px / 4.0)}
