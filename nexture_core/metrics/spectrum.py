"""Log power spectra of detail bands, radially averaged, and their distance in dB.

Power is per pixel (Hann-windowed FFT divided by the window's energy), and the
radius is in cycles per pixel, so maps of different sizes compare directly.
"""

from __future__ import annotations

import math
from typing import Optional, Tuple

import numpy as np

from .bands import _as_map

NYQUIST = 0.5  # cycles per pixel


def detail_cutoff(sigma: float) -> float:
    """Frequency (cycles/px) where the detail band of a Gaussian ``sigma`` starts.

    At f = 1/(2 pi sigma) the Gaussian passes exp(-1/2) = 61 %: below it the
    map is mostly structure, above it mostly detail.
    """
    return 1.0 / (2.0 * math.pi * float(sigma))


def power_spectrum(x: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """(power per pixel, radial frequency in cycles/px), both H x W, of a Hann-windowed map."""
    arr = _as_map(x).astype(np.float64)
    h, w = arr.shape
    window = np.outer(np.hanning(h), np.hanning(w))
    centred = (arr - arr.mean()) * window
    power = np.abs(np.fft.fft2(centred)) ** 2 / max(float(np.sum(window**2)), 1e-12)
    fy = np.fft.fftfreq(h)[:, None]
    fx = np.fft.fftfreq(w)[None, :]
    return power, np.sqrt(fy * fy + fx * fx)


def _tiles(arr: np.ndarray, tile: int, most: int = 16):
    """Evenly spread ``tile``-sized windows of a big map (Welch averaging); the map itself when small."""
    h, w = arr.shape
    if max(h, w) <= tile:
        return [arr]
    th, tw = min(h, tile), min(w, tile)
    ny, nx = max(1, h // th), max(1, w // tw)
    step = max(1, int(math.ceil(math.sqrt(ny * nx / most))))
    ys = np.linspace(0, h - th, ny).astype(int)[::step]
    xs = np.linspace(0, w - tw, nx).astype(int)[::step]
    return [arr[y : y + th, x : x + tw] for y in ys for x in xs]


# A bin averaging fewer FFT samples than this is too noisy to compare (the
# lowest detail frequencies of a small map hold only a handful).
MIN_BIN_SAMPLES = 8


def radial_log_spectrum(x: np.ndarray, edges: np.ndarray, tile: int = 1024) -> np.ndarray:
    """Mean power (dB) in each radial bin ``edges[i]..edges[i+1]`` (cycles/px); NaN where
    a bin holds fewer than MIN_BIN_SAMPLES samples.

    Maps larger than ``tile`` px average the spectra of up to 16 tiles, which
    bounds memory on 16k outputs and steadies the estimate.
    """
    sums = np.zeros(len(edges) - 1)
    counts = np.zeros(len(edges) - 1)
    for piece in _tiles(_as_map(x), tile):
        power, radius = power_spectrum(piece)
        idx = np.digitize(radius.ravel(), edges) - 1
        inside = (idx >= 0) & (idx < len(edges) - 1)
        sums += np.bincount(idx[inside], weights=power.ravel()[inside], minlength=len(edges) - 1)
        counts += np.bincount(idx[inside], minlength=len(edges) - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = sums / counts
        return np.where(counts >= MIN_BIN_SAMPLES, 10.0 * np.log10(np.maximum(mean, 1e-300)), np.nan)


def spectrum_distance_db(
    out_detail: np.ndarray,
    pattern_detail_resampled: np.ndarray,
    sigma: Optional[float] = None,
    bins: int = 24,
) -> float:
    """RMS difference (dB) of the two radially averaged log power spectra over the detail band.

    Both inputs are detail bands (H x W, any sizes) at the same pixel scale (the
    pattern resampled to the output's). Bins are log-spaced between the cutoff
    of ``sigma`` (or 4 cycles per image side when None) and Nyquist; bins too sparse
    in either spectrum are skipped. A map against itself scores 0; against a
    copy scaled by ``a``, ``20*log10(a)``.
    """
    a = _as_map(out_detail, "output detail")
    b = _as_map(pattern_detail_resampled, "pattern detail")
    low = detail_cutoff(sigma) if sigma else 4.0 / min(a.shape + b.shape)
    low = min(max(low, 1.0 / min(a.shape + b.shape)), NYQUIST / 2)
    edges = np.geomspace(low, NYQUIST, bins + 1)
    sa, sb = radial_log_spectrum(a, edges), radial_log_spectrum(b, edges)
    valid = np.isfinite(sa) & np.isfinite(sb)
    if valid.sum() < 3:
        raise ValueError(f"maps of {a.shape} and {b.shape} are too small to compare spectra above {low:.3g} cycles/px.")
    return float(np.sqrt(np.mean((sa[valid] - sb[valid]) ** 2)))
