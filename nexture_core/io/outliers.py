"""Extreme finite samples: a few texels far beyond the rest of a float map.

A texel of 3.4e38 (a 'no data' marker, a broken export) is finite, so the NaN
check lets it through, yet it overflows the filters it touches: the output
became 100% NaN. One texel of 1e20 dragged almost every output pixel outside
the input's range. Such samples are found relative to the map's own spread and
refused or repaired as the artist chose.

The rule, in the map's units: the *robust band* is the 0.1st to 99.9th
percentile of the finite samples (on a map that is one value at both
percentiles, the band also spans the samples that differ from that value). A
sample is extreme when it lies more than ``FACTOR`` band widths beyond the
band, or beyond ``±ABSOLUTE_LIMIT`` whatever the band (float32 arithmetic on
such values overflows). Integer sources cannot hold extreme values.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Tuple

import numpy as np

from ..errors import InputError, SettingsError

OUTLIER_MODES = ("error", "clip", "fill", "keep")
BAND_PERCENTILES = (0.1, 99.9)
FACTOR = 1000.0
ABSOLUTE_LIMIT = 1e15
_SAMPLE = 1_000_000  # samples used for the percentiles of big maps
_ROWS = 1024


@dataclass(frozen=True)
class Outliers:
    """What :func:`find_outliers` found in one channel (values in the map's units)."""

    count: int
    worst: float  # the sample farthest from the band
    band: Tuple[float, float]  # robust band
    limits: Tuple[float, float]  # samples outside (low, high) are extreme
    total: int


def _finite_sample(plane: np.ndarray) -> np.ndarray:
    flat = plane.reshape(-1)
    with np.errstate(invalid="ignore"):  # signalling NaNs of half files warn on the cast
        sample = flat[:: max(1, flat.size // _SAMPLE)].astype(np.float64)
    return sample[np.isfinite(sample)]


def _rows(plane: np.ndarray):
    """Row chunks of ``plane`` as float64 (no overflow in the comparisons below)."""
    for y in range(0, plane.shape[0], _ROWS):
        with np.errstate(invalid="ignore"):
            yield plane[y : y + _ROWS].astype(np.float64)


def _band(plane: np.ndarray) -> Tuple[float, float]:
    sample = _finite_sample(plane)
    if sample.size == 0:
        return 0.0, 0.0
    lo, hi = np.percentile(sample, BAND_PERCENTILES)
    if hi > lo:
        return float(lo), float(hi)
    # Nearly one value (a flat base with a small sculpted feature): span the
    # samples that differ from it too, read exactly, as they may be few.
    others = [chunk[np.isfinite(chunk) & (chunk != lo)] for chunk in _rows(plane)]
    rest = np.concatenate(others) if others else np.empty(0)
    if rest.size == 0:
        return float(lo), float(hi)
    q_lo, q_hi = np.percentile(rest, BAND_PERCENTILES)
    return float(min(lo, q_lo)), float(max(hi, q_hi))


def find_outliers(plane: np.ndarray) -> Outliers:
    """Extreme samples of one (H, W) float channel (NaN/Inf ignored); see the module docstring."""
    lo, hi = _band(plane)
    width = hi - lo
    low = max(lo - FACTOR * width, -ABSOLUTE_LIMIT)
    high = min(hi + FACTOR * width, ABSOLUTE_LIMIT)
    count, worst, worst_distance = 0, 0.0, -1.0
    for chunk in _rows(plane):
        bad = np.isfinite(chunk) & ((chunk < low) | (chunk > high))
        n = int(np.count_nonzero(bad))
        if n:
            values = chunk[bad]
            distance = np.maximum(lo - values, values - hi)
            i = int(np.argmax(distance))
            if distance[i] > worst_distance:
                worst, worst_distance = float(values[i]), float(distance[i])
            count += n
    return Outliers(count, worst, (lo, hi), (low, high), int(plane.size))


def handle_outliers(pixels: np.ndarray, mode: str, path: Path, what: str, sample_type: str) -> int:
    """Apply ``mode`` to the extreme samples of ``pixels`` (H, W, C float32) in place; returns their count.

    - ``"error"``: raise :class:`InputError` naming the count and the worst value (default);
    - ``"clip"``: set each to the nearest in-range value of its channel (the
      highest or lowest sample that is not extreme);
    - ``"fill"``: replace each by its nearest normal pixel (like ``nan='fill'``);
    - ``"keep"``: leave them (``nexture info`` only reports them).
    Integer sources are left alone: their samples cannot be extreme.
    """
    if mode not in OUTLIER_MODES:
        raise SettingsError(f"outliers={mode!r} is not one of {', '.join(OUTLIER_MODES)}.")
    if pixels.dtype.kind != "f" or sample_type.startswith(("uint", "int")):
        return 0
    total = 0
    for c in range(pixels.shape[2]):
        plane = pixels[:, :, c]
        found = find_outliers(plane)
        if found.count == 0:
            continue
        total += found.count
        if mode == "keep":
            continue
        if mode == "error":
            lo, hi = found.band
            raise InputError(
                f"{path}: {found.count} sample(s) of {what} lie far outside the rest of the map, e.g. {found.worst:.4g} "
                f"(99.8% of it lies from {lo:.4g} to {hi:.4g}); fix the file or read with outliers='clip' (to the nearest "
                "in-range value) or 'fill' (from the nearest normal pixel) (CLI: --outliers clip|fill)."
            )
        _repair(plane, found, mode, path, what)
    return total


def _repair(plane: np.ndarray, found: Outliers, mode: str, path: Path, what: str) -> None:
    low, high = found.limits
    if mode == "fill":
        from .nonfinite import fill_nearest

        for y in range(0, plane.shape[0], _ROWS):
            chunk = plane[y : y + _ROWS]
            chunk[np.isfinite(chunk) & ((chunk < low) | (chunk > high))] = np.nan
        fill_nearest(plane, path, what)
        return
    keep_lo, keep_hi = np.inf, -np.inf
    for y in range(0, plane.shape[0], _ROWS):
        chunk = plane[y : y + _ROWS]
        good = chunk[np.isfinite(chunk) & (chunk >= low) & (chunk <= high)]
        if good.size:
            keep_lo, keep_hi = min(keep_lo, float(good.min())), max(keep_hi, float(good.max()))
    for y in range(0, plane.shape[0], _ROWS):
        chunk = plane[y : y + _ROWS]
        finite = np.isfinite(chunk)
        chunk[finite & (chunk > high)] = keep_hi
        chunk[finite & (chunk < low)] = keep_lo
