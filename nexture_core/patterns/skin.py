"""Procedural skin micro-relief: crease networks, pores, folds, fine noise.

Real micro-scans cannot ship with the project, so the built-in bank is grown
here from a :class:`~.styles.SkinStyle`. Everything is computed on a torus
(periodic distances, FFT noise, wrapped pore stamps) because the engine samples
patterns freely and a seam would read as a straight artificial crease.

All maps are ``H x W`` (square, ``size`` px) covering ``width_mm`` millimetres.
Same style, size, width and seed -> bit-identical arrays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import List, Tuple

import numpy as np
from scipy import ndimage
from scipy.spatial import cKDTree

from .styles import Folds, Network, Pores, SkinStyle


@dataclass
class SkinMaps:
    """Generated maps: displacement HxW [0,1] (high = raised), albedo HxWx3 sRGB
    [0,1], specular HxW [0,1]; ``furrows``/``pore_mask`` HxW bool for tests."""

    displacement: np.ndarray
    albedo: np.ndarray
    specular: np.ndarray
    furrows: np.ndarray
    pore_mask: np.ndarray
    pore_count: int


# ----------------------------------------------------------------- periodic noise
def band_noise(rng: np.random.Generator, size: int, fine_px: float, coarse_px: float) -> np.ndarray:
    """Periodic noise with features between ``fine_px`` and ``coarse_px`` (sigmas, px), unit std."""
    white = rng.standard_normal((size, size))
    fy = np.fft.fftfreq(size)[:, None]
    fx = np.fft.rfftfreq(size)[None, :]
    f2 = fx * fx + fy * fy
    gain = np.exp(-2.0 * np.pi**2 * fine_px**2 * f2)
    if coarse_px > 0:
        gain = gain - np.exp(-2.0 * np.pi**2 * coarse_px**2 * f2)
    out = np.fft.irfft2(np.fft.rfft2(white) * gain, s=(size, size))
    std = out.std()
    return out / std if std > 0 else out


def _hash01(a: np.ndarray, b: np.ndarray, salt: int) -> np.ndarray:
    """Deterministic uniform [0,1) per unordered pair (a, b): one value per furrow edge."""
    lo = np.minimum(a, b).astype(np.uint64)
    hi = np.maximum(a, b).astype(np.uint64)
    x = lo * np.uint64(0x9E3779B97F4A7C15) ^ (hi + np.uint64(salt)) * np.uint64(0xC2B2AE3D27D4EB4F)
    x ^= x >> np.uint64(31)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(29)
    return (x >> np.uint64(11)).astype(np.float64) / float(1 << 53)


# ----------------------------------------------------------------- crease network
def _seed_points(rng: np.random.Generator, box: Tuple[float, float], cell: float, net: Network) -> np.ndarray:
    nx = max(2, int(round(box[0] / cell)))
    ny = max(2, int(round(box[1] / cell)))
    gx, gy = np.meshgrid(np.arange(nx, dtype=np.float64), np.arange(ny, dtype=np.float64))
    if net.lattice == "stagger":
        gx = gx + 0.5 * (gy.astype(int) % 2)
    jitter = net.jitter * (rng.random((2, ny, nx)) - 0.5)
    px = (gx + 0.5 + jitter[0]) * box[0] / nx
    py = (gy + 0.5 + jitter[1]) * box[1] / ny
    pts = np.stack([px.ravel() % box[0], py.ravel() % box[1]], axis=1)
    return np.minimum(pts, np.nextafter(np.array(box), 0))


def crease_network(rng: np.random.Generator, size: int, px_per_mm: float, net: Network) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Depth (>= 0, HxW) of a furrow network, the distance to the nearest furrow (px)
    and the id of the cell each pixel lies in.

    Furrows are V-grooves along the bisectors between neighbouring Voronoi
    seeds; each edge draws its own depth and width, and edges running along a
    preferred orientation are deeper (region-typical crease direction).
    """
    sx, sy = net.stretch
    box = (size / sx, size / sy)
    cell = net.cell_mm * px_per_mm / np.sqrt(sx * sy)
    points = _seed_points(rng, box, cell, net)
    warp_px = net.warp_mm * px_per_mm
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float64)
    if warp_px > 0:
        coarse = 0.5 * net.cell_mm * px_per_mm
        xs = xs + warp_px * band_noise(rng, size, coarse * 0.5, 0.0)
        ys = ys + warp_px * band_noise(rng, size, coarse * 0.5, 0.0)
    q = np.stack([np.mod(xs / sx, box[0]), np.mod(ys / sy, box[1])], axis=-1).reshape(-1, 2)
    q = np.minimum(q, np.nextafter(np.array(box), 0))
    tree = cKDTree(points, boxsize=box)
    _, idx = tree.query(q, k=2, workers=-1)
    boxv = np.array(box)
    v1 = q - points[idx[:, 0]]
    v1 -= boxv * np.round(v1 / boxv)
    v2 = q - points[idx[:, 1]]
    v2 -= boxv * np.round(v2 / boxv)
    normal = v1 - v2  # s2 - s1 in stretched space
    numer = 0.5 * ((v2 * v2).sum(1) - (v1 * v1).sum(1))
    pix_normal = normal / np.array([sx, sy])  # back to pixel space (see module doc)
    norm = np.maximum(np.hypot(pix_normal[:, 0], pix_normal[:, 1]), 1e-9)
    dist = (numer / norm).reshape(size, size)
    furrow_angle = np.degrees(np.arctan2(pix_normal[:, 1], pix_normal[:, 0])).reshape(size, size) + 90.0

    a, b = idx[:, 0].reshape(size, size), idx[:, 1].reshape(size, size)
    depth = 1.0 - net.depth_variation * _hash01(a, b, 1)
    width = net.width_mm * px_per_mm * (0.7 + 0.6 * _hash01(a, b, 2))
    if net.orientations:
        align = np.zeros_like(dist)
        for angle in net.orientations:
            align = np.maximum(align, np.abs(np.cos(np.radians(furrow_angle - angle))) ** 4)
        depth = depth * ((1.0 - net.orientation_bias) + net.orientation_bias * align)
    # Furrows fade a little along their length, as real ones do.
    depth = depth * (0.8 + 0.2 * np.tanh(band_noise(rng, size, net.cell_mm * px_per_mm * 0.4, 0.0)))
    t = np.clip(1.0 - dist / np.maximum(width, 0.75), 0.0, 1.0)
    return net.depth * depth * t**1.4, dist, a


# ------------------------------------------------------------------------ pores
def poisson_disc(rng: np.random.Generator, size: int, spacing: float, accept=None, tries: int = 30) -> np.ndarray:
    """Periodic dart throwing: points (N, 2) as (x, y) px, no two closer than ``spacing``.

    ``accept(x, y) -> bool`` rejects candidates (e.g. on a furrow).
    """
    cell = spacing / np.sqrt(2.0)
    n = max(1, int(np.ceil(size / cell)))
    cell = size / n
    grid = -np.ones((n, n), dtype=np.int64)
    count = int(tries * (size / spacing) ** 2)
    cand = rng.random((count, 2)) * size
    kept: List[Tuple[float, float]] = []
    reach = int(np.ceil(spacing / cell))
    for x, y in cand:
        gi, gj = int(y / cell) % n, int(x / cell) % n
        ok = True
        for di in range(-reach, reach + 1):
            for dj in range(-reach, reach + 1):
                k = grid[(gi + di) % n, (gj + dj) % n]
                if k >= 0:
                    dx = abs(kept[k][0] - x)
                    dy = abs(kept[k][1] - y)
                    dx, dy = min(dx, size - dx), min(dy, size - dy)
                    if dx * dx + dy * dy < spacing * spacing:
                        ok = False
                        break
            if not ok:
                break
        if ok and grid[gi, gj] < 0 and (accept is None or accept(x, y)):
            grid[gi, gj] = len(kept)
            kept.append((x, y))
    return np.array(kept, dtype=np.float64).reshape(-1, 2)


def stamp_pores(rng: np.random.Generator, size: int, px_per_mm: float, spec: Pores,
                furrow_dist: np.ndarray) -> Tuple[np.ndarray, np.ndarray, int]:
    """Depth map (>= 0) of cup-shaped pores with a faint rim, their mask and count."""
    spacing = spec.spacing_mm * px_per_mm
    margin = spec.keep_off_furrow_mm * px_per_mm + spec.radius_mm * px_per_mm

    def off_furrow(x: float, y: float) -> bool:
        return furrow_dist[int(y) % size, int(x) % size] > margin

    centres = poisson_disc(rng, size, spacing, off_furrow)
    depth = np.zeros((size, size))
    mask = np.zeros((size, size), dtype=bool)
    r0 = spec.radius_mm * px_per_mm
    for x, y in centres:
        radius = max(0.8, r0 * float(np.exp(spec.radius_spread * rng.standard_normal())))
        strength = spec.depth * (0.6 + 0.8 * rng.random())
        aspect = 1.0 + (spec.elongation - 1.0) * rng.random()
        theta = np.pi * rng.random()
        half = int(np.ceil(radius * aspect * 1.4)) + 1
        oy, ox = np.mgrid[-half:half + 1, -half:half + 1].astype(np.float64)
        oy -= y - np.floor(y)
        ox -= x - np.floor(x)
        u = (ox * np.cos(theta) + oy * np.sin(theta)) / aspect
        v = -ox * np.sin(theta) + oy * np.cos(theta)
        r = np.hypot(u, v) / radius
        cup = np.where(r < 1.0, (1.0 - r * r) ** 2, 0.0) - 0.12 * np.exp(-((r - 1.1) / 0.25) ** 2)
        rows = (np.arange(-half, half + 1) + int(np.floor(y))) % size
        cols = (np.arange(-half, half + 1) + int(np.floor(x))) % size
        depth[np.ix_(rows, cols)] += strength * cup
        mask[np.ix_(rows, cols)] |= r < 0.7
    return depth, mask, len(centres)


# ------------------------------------------------------------------------ folds
def groove_lattice(size: int, px_per_mm: float, spec: Folds) -> Tuple[int, int]:
    """Whole numbers (count, slant) of grooves ``count * y + slant * x = k * size``
    closest to the wanted spacing and angle: whole numbers keep the tile periodic."""
    per_tile = size / px_per_mm / spec.spacing_mm
    count = int(round(per_tile * math.cos(math.radians(spec.angle))))
    slant = int(round(per_tile * math.sin(math.radians(spec.angle))))
    if count == 0 and slant == 0:
        count = 1
    return count, slant


def fold_grooves(rng: np.random.Generator, size: int, px_per_mm: float, spec: Folds) -> np.ndarray:
    """Depth (>= 0) of one family of long grooves; each groove draws its own depth."""
    count, slant = groove_lattice(size, px_per_mm, spec)
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float64)
    bend = spec.bend_mm * px_per_mm * np.cos(2.0 * np.pi * xs / size)
    warp = spec.warp_mm * px_per_mm * band_noise(rng, size, size / 24.0, 0.0)
    spacing = size / math.hypot(count, slant)  # px between grooves, measured across them
    phase = (count * ys + slant * xs) / size + (bend + warp) / spacing
    groove = np.round(phase)
    dist = np.abs(phase - groove) * spacing
    # Groove k continues as groove k + slant across the right edge: ids modulo the
    # gcd keep each groove's own depth the same on both sides of the seam.
    period = max(1, math.gcd(count, abs(slant)))
    groove_id = np.mod(groove, period).astype(np.int64)
    own = 0.55 + 0.45 * _hash01(groove_id, groove_id, 7 + 2 * abs(slant) + int(slant < 0))
    width = spec.width_mm * px_per_mm * (0.75 + 0.5 * (0.5 + 0.5 * np.tanh(band_noise(rng, size, size / 16.0, 0.0))))
    fade = np.clip(0.6 + 0.6 * band_noise(rng, size, size / (2.5 * spec.fade_cells), 0.0), 0.0, 1.0)
    t = np.clip(1.0 - dist / width, 0.0, 1.0)
    return spec.depth * own * fade * t**1.2


# ----------------------------------------------------------------- whole pattern
def generate_skin(style: SkinStyle, size: int, width_mm: float, seed: int) -> SkinMaps:
    """Grow one square pattern of ``size`` px covering ``width_mm`` mm."""
    rng = np.random.default_rng(seed)
    px_per_mm = size / float(width_mm)
    primary, dist1, _ = crease_network(rng, size, px_per_mm, style.primary)
    secondary, _, _ = crease_network(rng, size, px_per_mm, style.secondary)
    height = -primary - secondary
    cell_px = style.primary.cell_mm * px_per_mm
    height += style.dome * np.tanh(dist1 / (0.25 * cell_px))
    pore_mask = np.zeros((size, size), dtype=bool)
    pore_count = 0
    furrows = primary > 0.25 * style.primary.depth
    for fold in style.folds:
        grooves = fold_grooves(rng, size, px_per_mm, fold)
        height -= grooves
        furrows |= grooves > 0.25 * fold.depth
        dist1 = np.minimum(dist1, np.where(grooves > 0, 0.0, np.inf))
    for spec in (style.pores, style.follicles):
        if spec is None:
            continue
        depth, mask, count = stamp_pores(rng, size, px_per_mm, spec, dist1)
        height -= depth
        pore_mask |= mask
        pore_count += count
    height += style.noise * band_noise(rng, size, 0.6, 2.5)
    height += 0.5 * style.noise * band_noise(rng, size, 0.012 * px_per_mm * 2, 0.08 * px_per_mm)
    height = ndimage.gaussian_filter(height, 0.6, mode="wrap")
    lo, hi = np.percentile(height, [0.02, 99.98])
    displacement = np.clip((height - lo) / max(hi - lo, 1e-9) * 0.96 + 0.02, 0.0, 1.0)
    albedo, specular = _shading_maps(rng, style, displacement, px_per_mm)
    return SkinMaps(
        displacement=displacement.astype(np.float32),
        albedo=albedo.astype(np.float32),
        specular=specular.astype(np.float32),
        furrows=furrows,
        pore_mask=pore_mask,
        pore_count=pore_count,
    )


def _shading_maps(rng: np.random.Generator, style: SkinStyle, disp: np.ndarray, px_per_mm: float) -> Tuple[np.ndarray, np.ndarray]:
    """Albedo and specular that agree with the relief.

    Cavities (creases, pores) hold less oil and are occluded: darker specular,
    slightly darker and redder albedo. Melanin blotches are low-frequency.
    """
    size = disp.shape[0]
    broad = ndimage.gaussian_filter(disp, 0.4 * px_per_mm, mode="wrap")
    detail = disp - broad
    scale = max(float(detail.std()), 1e-6)
    cavity = np.clip(-detail / (3.0 * scale), 0.0, 1.0)
    ridge = np.clip(detail / (3.0 * scale), 0.0, 1.0)
    blotch = band_noise(rng, size, 0.6 * px_per_mm, 0.0)
    mottle = band_noise(rng, size, 0.08 * px_per_mm, 0.3 * px_per_mm)
    grain = band_noise(rng, size, 0.7, 0.0)
    tone = np.array(style.tone)
    # Per channel: melanin darkens all but blue least; cavities lose green/blue first (redder).
    melanin = 1.0 - 0.05 * blotch[..., None] * np.array([1.0, 1.3, 1.4])
    cav = 1.0 - cavity[..., None] * np.array([0.10, 0.18, 0.18])
    albedo = tone * melanin * cav * (1.0 + 0.015 * mottle[..., None] + 0.01 * grain[..., None])
    specular = style.sheen * (1.0 - 0.65 * cavity + 0.35 * ridge) * (1.0 + 0.06 * mottle + 0.04 * grain)
    return np.clip(albedo, 0.0, 1.0), np.clip(specular, 0.0, 1.0)

