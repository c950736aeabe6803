"""Look-dev maps derived from a displacement map: normals, shaded relief, cavity, frequency bands.

All numpy/scipy, on H x W displacement in the map's own units. ``wrap=True``
treats the map as tileable (differences and blurs wrap around). Normals and
the shaded relief come from the same central differences; the relief is the
normals lit by one light, for thumbnails and before/after sheets
(:mod:`nexture_core.relief`).
"""

from __future__ import annotations

import math
from typing import Dict, Optional, Sequence, Tuple, Union

import numpy as np
from scipy import ndimage

from .maps import as_map

DEFAULT_LIGHT = (315.0, 45.0)  # azimuth (deg, clockwise from up), altitude (deg)
Exaggeration = Union[str, float]


def _central_differences(h: np.ndarray, wrap: bool) -> Tuple[np.ndarray, np.ndarray]:
    """(dh/dcol, dh/drow) per pixel, in ``h``'s dtype; one-sided at the borders unless wrapping."""
    if wrap:
        dx = 0.5 * (np.roll(h, -1, axis=1) - np.roll(h, 1, axis=1))
        dy = 0.5 * (np.roll(h, -1, axis=0) - np.roll(h, 1, axis=0))
        return dx, dy
    dy, dx = np.gradient(h)
    return dx, dy


def normal_map(
    displacement: np.ndarray,
    *,
    height_scale: float = 1.0,
    texel_size: float = 1.0,
    wrap: bool = False,
    flip_green: bool = False,
) -> np.ndarray:
    """Tangent-space normals encoded to [0, 1], H x W x 3 float32 (R = +X right, G = +Y up, B = +Z out).

    n = normalize(-dh/dx * k, -dh/dy * k, 1) with k = height_scale / texel_size,
    x to the right and y up (OpenGL). ``displacement * height_scale`` must be in
    the same length unit as ``texel_size`` (the width of one pixel); e.g. a map
    in cm on 0.1 mm texels: height_scale=10 (mm per unit), texel_size=0.1.
    ``flip_green=True`` gives the DirectX convention (+Y down).
    """
    h = as_map(displacement, "displacement").astype(np.float64)
    if not texel_size > 0:
        raise ValueError(f"texel_size must be positive; got {texel_size}.")
    k = float(height_scale) / float(texel_size)
    d_col, d_row = _central_differences(h, wrap)
    nx = -d_col * k
    ny = d_row * k  # rows grow downwards, so dh/dy_up = -dh/drow
    if flip_green:
        ny = -ny
    norm = np.sqrt(nx * nx + ny * ny + 1.0)
    n = np.stack([nx / norm, ny / norm, 1.0 / norm], axis=-1)
    return (0.5 * (n + 1.0)).astype(np.float32)


def gradient_scale(height: np.ndarray, wrap: bool = False) -> float:
    """Robust slope of a map: the 95th percentile of its gradient magnitude (units per pixel)."""
    h = as_map(height, "height")
    step = max(1, int(math.sqrt(h.size / 4_000_000)))  # subsample huge maps
    dx, dy = _central_differences(h[::step, ::step].astype(np.float32), wrap)
    return float(max(np.percentile(np.hypot(dx, dy), 95) / step, 1e-12))


def auto_exaggeration(height: np.ndarray, wrap: bool = False) -> float:
    """Height multiplier that makes the 95th-percentile slope 45 degrees, whatever the map's units."""
    return 1.0 / gradient_scale(height, wrap)


def shaded_relief(
    height: np.ndarray,
    *,
    light: Tuple[float, float] = DEFAULT_LIGHT,
    exaggeration: Exaggeration = "auto",
    wrap: bool = False,
) -> np.ndarray:
    """Lambertian shading of the height field, H x W float32 in [0, 1].

    Normals come from central differences of ``height * exaggeration``;
    ``"auto"`` picks :func:`auto_exaggeration`. Pass one fixed number to light
    several maps identically (before/after). ``light`` = (azimuth, altitude) in
    degrees; azimuth 315 is the cartographic north-west light.
    """
    h = as_map(height, "height")
    k = auto_exaggeration(h, wrap) if exaggeration == "auto" else float(exaggeration)
    dx, dy = _central_differences(h, wrap)
    az, alt = math.radians(light[0]), math.radians(light[1])
    lx, ly, lz = math.sin(az) * math.cos(alt), math.cos(az) * math.cos(alt), math.sin(alt)
    nx = -dx * np.float32(k)
    ny = dy * np.float32(k)  # image rows grow downwards; the light's y is up
    shade = (nx * lx + ny * ly + lz) / np.sqrt(nx * nx + ny * ny + 1.0)
    return np.clip(shade, 0.0, 1.0).astype(np.float32)


def cavity_map(
    displacement: np.ndarray, *, radius_px: float, wrap: bool = False, depth: Optional[float] = None
) -> np.ndarray:
    """Cavity map H x W in [0, 1]: 1 on flats and ridges, darker in pores and creases.

    Cavity depth is how far a pixel lies below its neighbourhood's mean (a
    Gaussian of ``radius_px``). It maps linearly to darkness, reaching 0 at
    ``depth`` (displacement units; default: the 99th percentile of the cavity
    depths, so every map uses its full range). Shaders multiply occlusion and
    specular by it, which is why ridges stay at 1 instead of going bright.
    """
    h = as_map(displacement, "displacement").astype(np.float64)
    if not radius_px > 0:
        raise ValueError(f"radius_px must be positive; got {radius_px}.")
    below = np.maximum(ndimage.gaussian_filter(h, radius_px, mode="wrap" if wrap else "reflect") - h, 0.0)
    if depth is None:
        positive = below[below > 0]
        depth = float(np.percentile(positive, 99)) if positive.size else 1.0
    depth = max(float(depth), 1e-12)
    return np.clip(1.0 - below / depth, 0.0, 1.0).astype(np.float32)


BAND_NAMES = ("micro", "tertiary", "secondary", "residual")


def bands_for_sigma(sigma: float) -> Tuple[float, float, float]:
    """Band sigmas (px) around the structure sigma: (sigma/4, sigma, 4*sigma).

    micro + tertiary is then exactly the detail band the synthesis replaces;
    micro holds pore-scale detail, secondary the wrinkles larger than a cell.
    """
    s = float(sigma)
    return (max(0.5, s / 4.0), s, 4.0 * s)


def frequency_bands(
    displacement: np.ndarray, sigmas: Sequence[float] = (2.0, 8.0, 32.0), wrap: bool = False
) -> Dict[str, np.ndarray]:
    """Split a map into micro, tertiary, secondary and residual bands (H x W float32 each).

    With Gaussians G1, G2, G3 of the increasing ``sigmas`` (px):
    micro = x - G1, tertiary = G1 - G2, secondary = G2 - G3, residual = G3, so
    the four sum back to the input (up to float32 rounding).
    """
    x = as_map(displacement, "displacement").astype(np.float64)
    s = [float(v) for v in sigmas]
    if len(s) != 3 or not (0 < s[0] < s[1] < s[2]):
        raise ValueError(f"sigmas must be three increasing positive numbers; got {tuple(sigmas)}.")
    mode = "wrap" if wrap else "reflect"
    g1, g2, g3 = (ndimage.gaussian_filter(x, v, mode=mode) for v in s)
    bands = {"micro": x - g1, "tertiary": g1 - g2, "secondary": g2 - g3, "residual": g3}
    return {k: bands[k].astype(np.float32) for k in BAND_NAMES}
