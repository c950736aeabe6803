"""Surface statistics in physical units, for holding detail against real skin.

A scan and a pattern compare only at the same texel size and on the same band;
these measures take the texel size in mm and report lengths in mm, so a
pattern resampled to a scan's texel can be judged against the scan itself:

- ``spectrum_slope``: the log-log slope of the radial power spectrum over a
  band of wavelengths (how energy falls off from cells to the finest lines);
- ``skewness``: the height distribution's third moment (skin: broad plateaus,
  narrow deep furrows and pores, so negative);
- ``mean_spacing_mm``: RSm of ISO 4287, the mean width of profile elements
  along rows and columns: the spacing of the furrows, i.e. the cell size a
  profilometer reads off a replica;
- ``anisotropy``: how strongly the furrows run one way (0 isotropic, 1 all one
  way) and that way, in degrees (0 = furrows running horizontally).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Tuple

import numpy as np

from .bands import _as_map
from .orientation import orientation_histogram
from .spectrum import power_spectrum

# ISO 4287 counts a profile element only if its peak and its valley each reach
# this share of the profile's Rz (height discrimination).
RSM_HEIGHT_SHARE = 0.1


def spectrum_slope(detail: np.ndarray, texel_mm: float, band_mm: Tuple[float, float]) -> float:
    """Slope of log10(power) against log10(frequency) for wavelengths within ``band_mm`` (short, long)."""
    power, freq = power_spectrum(detail)
    f_mm = freq / float(texel_mm)  # cycles per mm
    lo, hi = 1.0 / band_mm[1], 1.0 / band_mm[0]
    sel = (f_mm >= lo) & (f_mm <= hi) & (freq <= 0.5)
    if sel.sum() < 8:
        raise ValueError(f"the band {band_mm} mm holds too few frequencies at {texel_mm} mm per texel.")
    # Average within log-spaced bins first, so dense high-frequency rings do not outvote the rest.
    edges = np.geomspace(lo, min(hi, 0.5 / texel_mm), 13)
    idx = np.digitize(f_mm[sel], edges) - 1
    x, y = [], []
    for i in range(len(edges) - 1):
        here = idx == i
        if here.sum() >= 4:
            x.append(math.log10(math.sqrt(edges[i] * edges[i + 1])))
            y.append(math.log10(float(power[sel][here].mean()) + 1e-30))
    if len(x) < 3:
        raise ValueError(f"the band {band_mm} mm holds too few frequency bins at {texel_mm} mm per texel.")
    return float(np.polyfit(x, y, 1)[0])


def skewness(detail: np.ndarray) -> float:
    """Third standardised moment of the heights (negative: deep narrow pits in broad tops)."""
    d = _as_map(detail).astype(np.float64).ravel()
    d = d - d.mean()
    sd = float(d.std())
    return float((d**3).mean() / sd**3) if sd > 0 else 0.0


def mean_spacing_mm(detail: np.ndarray, texel_mm: float) -> float:
    """RSm (ISO 4287): mean width of profile elements along rows and columns, in mm.

    An element is one peak (crossing above +t) followed by one valley (below
    -t), with ``t`` = :data:`RSM_HEIGHT_SHARE` of the profile's Rz, so noise
    smaller than that does not split elements. For a network of furrows this
    is the furrow spacing, the cell size a profilometer reports.
    """
    arr = _as_map(detail).astype(np.float64)
    widths = []
    for profiles in (arr, arr.T):
        for p in profiles:
            p = p - p.mean()
            rz = float(np.percentile(p, 99) - np.percentile(p, 1))
            if rz <= 0:
                continue
            widths.extend(_upcrossing_widths(p, RSM_HEIGHT_SHARE * rz / 2.0))
    if not widths:
        raise ValueError("no profile element reaches the height discrimination; the map is flat.")
    return float(np.mean(widths)) * float(texel_mm)


def _upcrossing_widths(p: np.ndarray, t: float) -> list:
    """Distances (px) between successive up-crossings of the mean line that bracket a peak above
    ``t`` and a valley below ``-t``: one profile element each."""
    widths = []
    last_up = None
    had_peak = had_valley = False
    for i in range(1, len(p)):
        if p[i - 1] <= 0 < p[i]:  # an up-crossing of the mean line
            if last_up is not None and had_peak and had_valley:
                widths.append(i - last_up)
                last_up = i
                had_peak = had_valley = False
            elif last_up is None:
                last_up = i
        had_peak |= bool(p[i] > t)
        had_valley |= bool(p[i] < -t)
    return widths


def anisotropy(detail: np.ndarray) -> Tuple[float, float]:
    """(strength in [0, 1], direction in degrees) of the furrows, from the structure tensor.

    Strength is (l1 - l2) / (l1 + l2) of the summed gradient outer products;
    the direction is that of the furrows (across the dominant gradient), 0 =
    horizontal, in [0, 180).
    """
    arr = _as_map(detail).astype(np.float64)
    gy, gx = np.gradient(arr)
    jxx, jyy, jxy = float((gx * gx).sum()), float((gy * gy).sum()), float((gx * gy).sum())
    trace = jxx + jyy
    if trace <= 0:
        return 0.0, 0.0
    diff = math.hypot(jxx - jyy, 2 * jxy)
    strength = diff / trace
    gradient_angle = 0.5 * math.degrees(math.atan2(2 * jxy, jxx - jyy))
    return float(strength), float((gradient_angle + 90.0) % 180.0)


@dataclass
class SurfaceStats:
    """The physical statistics of one detail band (see the module docstring)."""

    rq: float
    skewness: float
    spectrum_slope: float
    spacing_mm: float
    anisotropy: float
    direction_deg: float

    def as_dict(self) -> dict:
        return asdict(self)


def surface_stats(detail: np.ndarray, texel_mm: float, band_mm: Tuple[float, float]) -> SurfaceStats:
    """All the statistics of one detail band at ``texel_mm``; ``band_mm`` for the spectrum slope."""
    arr = _as_map(detail)
    strength, direction = anisotropy(arr)
    return SurfaceStats(
        rq=float(arr.std()),
        skewness=skewness(arr),
        spectrum_slope=spectrum_slope(arr, texel_mm, band_mm),
        spacing_mm=mean_spacing_mm(arr, texel_mm),
        anisotropy=strength,
        direction_deg=direction,
    )


def orientation_distance(a: np.ndarray, b: np.ndarray, bins: int = 12) -> float:
    """L1 distance (0 = same, 2 = disjoint) between two bands' gradient-orientation histograms."""
    return float(np.abs(orientation_histogram(a, bins) - orientation_histogram(b, bins)).sum())
