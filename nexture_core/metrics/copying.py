"""Did the synthesis copy the pattern? Largest normalised cross-correlation of output patches."""

from __future__ import annotations

import math

import numpy as np
from scipy import fft as sfft

from .bands import _as_map, resize_to

# A tiled copy of the pattern scores ~1. Independent detail of the same kind
# scores what two disjoint halves of the pattern score against each other
# (:func:`independent_ncc`): 0.93-0.99 with 32 px patches on the built-in bank,
# 0.75-0.8 with cell-sized ones. A copy check compares with that, not with a
# fixed number.
COPY_NCC = 0.8
COPY_MARGIN = 0.05  # how far above the pattern's own halves an output may score


def ncc_patch_for_cell(cell_px: float) -> int:
    """Copy-check patch side: about a crease cell, where chance matches are rare."""
    return int(min(96, max(32, round(0.8 * float(cell_px)))))


def independent_ncc(pattern_detail: np.ndarray, patch: int = 32, **kwargs) -> float:
    """:func:`max_ncc` between the two halves of the pattern (the longer side split).

    The score detail of the pattern's own kind reaches without any copying: the
    reference an output is judged against. Raises ValueError when a half is
    smaller than the patch.
    """
    pat = _as_map(pattern_detail, "pattern detail")
    if pat.shape[1] >= pat.shape[0]:
        a, b = pat[:, : pat.shape[1] // 2], pat[:, pat.shape[1] // 2 :]
    else:
        a, b = pat[: pat.shape[0] // 2], pat[pat.shape[0] // 2 :]
    return max(max_ncc(a, b, patch=patch, **kwargs), max_ncc(b, a, patch=patch, **kwargs))


def _window_sums(x: np.ndarray, p: int) -> np.ndarray:
    """Sum of every p x p window (valid positions), by a summed-area table."""
    c = np.zeros((x.shape[0] + 1, x.shape[1] + 1))
    c[1:, 1:] = np.cumsum(np.cumsum(x, axis=0), axis=1)
    return c[p:, p:] - c[:-p, p:] - c[p:, :-p] + c[:-p, :-p]


def _grid_patches(x: np.ndarray, patch: int, samples: int) -> np.ndarray:
    """About ``samples`` patches on an even grid (deterministic), shape (N, patch, patch)."""
    n = max(1, int(math.ceil(math.sqrt(samples))))
    ys = np.unique(np.linspace(0, x.shape[0] - patch, n).astype(int))
    xs = np.unique(np.linspace(0, x.shape[1] - patch, n).astype(int))
    return np.stack([x[y : y + patch, x0 : x0 + patch] for y in ys for x0 in xs])


def max_ncc(
    output_detail: np.ndarray,
    pattern_detail: np.ndarray,
    patch: int = 32,
    samples: int = 64,
    max_side: int = 1024,
    batch: int = 4,
) -> float:
    """Largest NCC (-1..1) between ``samples`` output patches and any same-size window of the pattern.

    Both maps are detail bands at the same pixel scale (H x W, any sizes).
    Patches sit on an even grid, so the result is deterministic. Each patch is
    correlated against every valid pattern position through the FFT. Above
    ``max_side`` px both maps shrink by the same factor (and the patch with
    them), which keeps a copy's correlation near 1 and the cost to seconds.
    Values above ~0.8 mean the output copies the pattern.
    """
    out = _as_map(output_detail, "output detail").astype(np.float64)
    pat = _as_map(pattern_detail, "pattern detail").astype(np.float64)
    shrink = max_side / max(pat.shape) if max(pat.shape) > max_side else 1.0
    if shrink < 1.0:
        out = resize_to(out, (max(1, round(out.shape[0] * shrink)), max(1, round(out.shape[1] * shrink)))).astype(
            np.float64
        )
        pat = resize_to(pat, (max(1, round(pat.shape[0] * shrink)), max(1, round(pat.shape[1] * shrink)))).astype(
            np.float64
        )
        patch = max(8, int(round(patch * shrink)))
    if min(out.shape) < patch or min(pat.shape) < patch:
        raise ValueError(f"patch {patch} px is larger than the output {out.shape} or the pattern {pat.shape}.")
    patches = _grid_patches(out, patch, samples)
    patches = patches - patches.mean(axis=(1, 2), keepdims=True)
    norms = np.sqrt((patches**2).sum(axis=(1, 2)))
    keep = norms > 1e-6 * max(float(out.std()), 1e-30) * patch
    patches, norms = patches[keep], norms[keep]
    if len(patches) == 0:
        return 0.0  # a flat output copies nothing

    n = patch * patch
    s1 = _window_sums(pat, patch)
    s2 = _window_sums(pat * pat, patch)
    local = np.sqrt(np.maximum(s2 - s1 * s1 / n, 0.0))
    flat = local < 1e-6 * max(float(pat.std()), 1e-30) * patch
    vh, vw = s1.shape
    shape = (sfft.next_fast_len(pat.shape[0], real=True), sfft.next_fast_len(pat.shape[1], real=True))
    spec = sfft.rfft2(pat.astype(np.float32), s=shape, workers=-1)
    best = -1.0
    for start in range(0, len(patches), batch):
        chunk = patches[start : start + batch].astype(np.float32)
        kernels = sfft.rfft2(chunk, s=shape, axes=(1, 2), workers=-1)
        corr = sfft.irfft2(spec[None] * np.conj(kernels), s=shape, axes=(1, 2), workers=-1)[:, :vh, :vw]
        ncc = corr / (norms[start : start + batch, None, None] * np.where(flat, np.inf, local)[None])
        best = max(best, float(ncc.max()))
    return float(min(best, 1.0))
