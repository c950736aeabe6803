"""Procedural skin micro-relief in physical units: furrow networks, pores, folds, stipple.

Real micro-scans cannot ship with the project, so the built-in bank is grown
here from a :class:`~.styles.SkinStyle` whose sizes are millimetres and
depths micrometres (``docs/skin.md`` says where each figure comes from):

- two furrow networks, V-grooves along the borders of warped Voronoi cells: the
  primary lines bound the plateaus, the shallower secondary lines subdivide
  them; edges along the region's tension lines run deeper;
- plateaus bulge slightly between furrows, so heights skew the way skin's do:
  broad plateaus, narrow deep furrows and pores (negative skewness);
- follicle openings and pores are funnel-shaped pits without a raised rim; a
  share of them sits where furrows meet, where hairs leave the skin;
- folds (lip grooves, the forearm's crossing lines, knuckle folds), and a
  corneocyte-scale stipple.

Everything is computed on a torus (periodic distances, FFT noise, wrapped
stamps) because the engine samples patterns freely and a seam would read as a
straight artificial crease. All maps are ``H x W`` (square, ``size`` px)
covering ``width_mm``. Same style, size, width and seed -> bit-identical maps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import numpy as np
from scipy import ndimage
from scipy.spatial import cKDTree

from .styles import Folds, Furrows, Openings, SkinStyle

# The displacement's [0, 1] maps this share of the height range (percentiles
# 0.02 to 99.98) into [0.02, 0.98]: a little headroom, the 16-bit range used.
RANGE_PERCENTILES = (0.02, 99.98)
RANGE_MARGIN = 0.02
FURROW_EXPONENT = 1.8  # furrow depth ~ (1 - d/w)^p across its half-width w
FUNNEL_EXPONENT = 1.2  # pit depth ~ (1 - r/R)^p: steep in the centre, meeting the surface without a rim


@dataclass
class SkinMaps:
    """Generated maps: displacement HxW [0,1] (high = raised), albedo HxWx3 sRGB
    [0,1], specular HxW [0,1]; ``height_um`` the micrometres the displacement's
    [0, 1] spans; ``furrows``/``pore_mask`` HxW bool and ``pore_count`` for tests;
    ``relief`` what was measured on the result (see :func:`measure_relief`)."""

    displacement: np.ndarray
    albedo: np.ndarray
    specular: np.ndarray
    height_um: float
    furrows: np.ndarray
    pore_mask: np.ndarray
    pore_count: int
    relief: Dict[str, float] = field(default_factory=dict)


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


# ----------------------------------------------------------------- furrow networks
@dataclass
class Network:
    """One furrow network on the pixel grid: depth (um, >= 0), distance to the
    nearest furrow (px) and how close each pixel is to a junction (px: 0 where
    three cells meet)."""

    depth_um: np.ndarray
    distance_px: np.ndarray
    junction_px: np.ndarray


def _seed_points(rng: np.random.Generator, box: Tuple[float, float], cell: float, net: Furrows) -> np.ndarray:
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


def crease_network(rng: np.random.Generator, size: int, px_per_mm: float, net: Furrows) -> Network:
    """Furrows as V-grooves along the bisectors between neighbouring Voronoi seeds.

    Each edge draws its own depth and width, and edges running along a
    preferred orientation are deeper (the region's crease direction). The
    Voronoi diagram lives in a stretched, warped copy of the plane, so cells are
    elongated and their borders wander like real furrows.
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
    dists, idx = tree.query(q, k=3, workers=-1)
    boxv = np.array(box)
    v1 = q - points[idx[:, 0]]
    v1 -= boxv * np.round(v1 / boxv)
    v2 = q - points[idx[:, 1]]
    v2 -= boxv * np.round(v2 / boxv)
    normal = v1 - v2  # s2 - s1 in stretched space
    numer = 0.5 * ((v2 * v2).sum(1) - (v1 * v1).sum(1))
    pix_normal = normal / np.array([sx, sy])  # back to pixel space
    norm = np.maximum(np.hypot(pix_normal[:, 0], pix_normal[:, 1]), 1e-9)
    dist = (numer / norm).reshape(size, size)
    furrow_angle = np.degrees(np.arctan2(pix_normal[:, 1], pix_normal[:, 0])).reshape(size, size) + 90.0
    # Three seeds about equally near: the pixel lies at a junction of furrows.
    junction = ((dists[:, 2] - dists[:, 0]) * np.sqrt(sx * sy)).reshape(size, size)

    a, b = idx[:, 0].reshape(size, size), idx[:, 1].reshape(size, size)
    depth = 1.0 - net.depth_variation * _hash01(a, b, 1)
    width = 0.5 * net.width_mm * px_per_mm * (0.7 + 0.6 * _hash01(a, b, 2))  # half-width, px
    if net.orientations:
        align = np.zeros_like(dist)
        for angle in net.orientations:
            align = np.maximum(align, np.abs(np.cos(np.radians(furrow_angle - angle))) ** 4)
        depth = depth * ((1.0 - net.orientation_bias) + net.orientation_bias * align)
    # Furrows fade a little along their length, as real ones do.
    depth = depth * (0.8 + 0.2 * np.tanh(band_noise(rng, size, net.cell_mm * px_per_mm * 0.4, 0.0)))
    t = np.clip(1.0 - dist / np.maximum(width, 0.75), 0.0, 1.0)
    # A V whose shoulders round off into the plateau.
    return Network(depth_um=net.depth_um * depth * t**FURROW_EXPONENT, distance_px=dist, junction_px=junction)


def junction_points(net: Network, cell_px: float) -> np.ndarray:
    """Pixel positions (N, 2) as (x, y) where three cells meet: local minima of the junction distance."""
    j = net.junction_px
    window = max(3, int(round(0.35 * cell_px)) | 1)
    minima = (j == ndimage.minimum_filter(j, size=window, mode="wrap")) & (j < 0.2 * cell_px)
    ys, xs = np.nonzero(minima)
    return np.stack([xs, ys], axis=1).astype(np.float64) + 0.5


# ------------------------------------------------------------------ openings
def poisson_disc(
    rng: np.random.Generator,
    size: int,
    spacing: float,
    accept=None,
    tries: int = 30,
    seeds: Optional[np.ndarray] = None,
) -> np.ndarray:
    """Periodic dart throwing: points (N, 2) as (x, y) px, no two closer than ``spacing``.

    Written here rather than taken from scipy.stats.qmc.PoissonDisk: that one
    does not wrap, and a pattern must tile. ``accept(x, y) -> bool`` rejects
    candidates (e.g. on a furrow); ``seeds`` are tried first, in order, and
    need only keep the spacing.
    """
    cell = spacing / np.sqrt(2.0)
    n = max(1, int(np.ceil(size / cell)))
    cell = size / n
    grid = -np.ones((n, n), dtype=np.int64)
    count = int(tries * (size / spacing) ** 2)
    cand = rng.random((count, 2)) * size
    n_seeds = 0
    if seeds is not None and len(seeds):
        n_seeds = len(seeds)
        cand = np.concatenate([np.asarray(seeds, dtype=np.float64).reshape(-1, 2) % size, cand])
    kept: List[Tuple[float, float]] = []
    reach = int(np.ceil(spacing / cell))
    for i, (x, y) in enumerate(cand):
        gi, gj = int(y / cell) % n, int(x / cell) % n
        ok = grid[gi, gj] < 0
        for di in range(-reach, reach + 1):
            if not ok:
                break
            for dj in range(-reach, reach + 1):
                k = grid[(gi + di) % n, (gj + dj) % n]
                if k >= 0:
                    dx = abs(kept[k][0] - x)
                    dy = abs(kept[k][1] - y)
                    dx, dy = min(dx, size - dx), min(dy, size - dy)
                    if dx * dx + dy * dy < spacing * spacing:
                        ok = False
                        break
        if ok and (i < n_seeds or accept is None or accept(x, y)):
            grid[gi, gj] = len(kept)
            kept.append((x, y))
    return np.array(kept, dtype=np.float64).reshape(-1, 2)


def place_openings(
    rng: np.random.Generator, size: int, px_per_mm: float, spec: Openings, junctions: np.ndarray, furrow_px: np.ndarray
) -> np.ndarray:
    """Centres (N, 2) of ``spec``'s openings: a share at furrow junctions, the rest on plateaus."""
    area_cm2 = (size / px_per_mm / 10.0) ** 2
    wanted = int(round(spec.density_per_cm2 * area_cm2))
    if wanted == 0:
        return np.zeros((0, 2))
    # Spacing of a hexagonal packing at this density, relaxed so random placement reaches it.
    spacing = 0.7 * math.sqrt(2.0 / (math.sqrt(3.0) * spec.density_per_cm2)) * 10.0 * px_per_mm
    spacing = max(spacing, 1.2 * spec.diameter_mm * px_per_mm)
    at_junction = rng.permutation(junctions)[: int(round(spec.at_junctions * wanted))]
    margin = 0.5 * spec.diameter_mm * px_per_mm

    def on_plateau(x: float, y: float) -> bool:
        return furrow_px[int(y) % size, int(x) % size] > margin

    return poisson_disc(rng, size, spacing, on_plateau, seeds=at_junction)[:wanted]


def stamp_openings(
    rng: np.random.Generator,
    size: int,
    px_per_mm: float,
    spec: Openings,
    centres: np.ndarray,
    direction: Optional[float],
) -> Tuple[np.ndarray, np.ndarray]:
    """Depth (um, >= 0) of funnel-shaped pits at ``centres`` and a mask of their mouths."""
    depth = np.zeros((size, size))
    mask = np.zeros((size, size), dtype=bool)
    r_median = 0.5 * spec.diameter_mm * px_per_mm
    for x, y in centres:
        scale = float(np.exp(spec.diameter_spread * rng.standard_normal()))
        radius = max(0.7, r_median * scale)
        pit = spec.depth_um * scale * (0.8 + 0.4 * rng.random())
        aspect = 1.0 + (spec.elongation - 1.0) * rng.random()
        theta = np.pi * rng.random()
        if direction is not None and spec.align > 0:
            theta = (1.0 - spec.align) * theta + spec.align * math.radians(direction)
        half = int(np.ceil(radius * aspect)) + 2
        oy, ox = np.mgrid[-half : half + 1, -half : half + 1].astype(np.float64)
        oy -= y - np.floor(y)
        ox -= x - np.floor(x)
        u = (ox * np.cos(theta) + oy * np.sin(theta)) / aspect
        v = -ox * np.sin(theta) + oy * np.cos(theta)
        s = np.hypot(u, v) / radius
        funnel = np.where(s < 1.0, (1.0 - np.minimum(s, 1.0)) ** FUNNEL_EXPONENT, 0.0)
        rows = (np.arange(-half, half + 1) + int(np.floor(y))) % size
        cols = (np.arange(-half, half + 1) + int(np.floor(x))) % size
        block = np.ix_(rows, cols)
        depth[block] = np.maximum(depth[block], pit * funnel)
        mask[block] |= s < 0.6
    return depth, mask


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
    """Depth (um, >= 0) of one family of long grooves; each groove draws its own depth."""
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
    half_width = (
        0.5 * spec.width_mm * px_per_mm * (0.75 + 0.5 * (0.5 + 0.5 * np.tanh(band_noise(rng, size, size / 16.0, 0.0))))
    )
    fade = np.clip(0.6 + 0.6 * band_noise(rng, size, size / (2.5 * spec.fade_cells), 0.0), 0.0, 1.0)
    t = np.clip(1.0 - dist / np.maximum(half_width, 0.75), 0.0, 1.0)
    return spec.depth_um * own * fade * t**1.2


# ----------------------------------------------------------------- whole pattern
def _main_direction(style: SkinStyle) -> Optional[float]:
    return style.primary.orientations[0] if style.primary.orientations else None


def grow_height(style: SkinStyle, size: int, width_mm: float, seed: int):
    """Height in micrometres (H x W, plateau top near 0, pits negative) and what lies where."""
    rng = np.random.default_rng(seed)
    px_per_mm = size / float(width_mm)
    primary = crease_network(rng, size, px_per_mm, style.primary)
    secondary = crease_network(rng, size, px_per_mm, style.secondary)
    height = -primary.depth_um - secondary.depth_um
    cell_px = style.primary.cell_mm * px_per_mm
    dist = primary.distance_px
    # Plateaus bulge between their furrows like cushions (broad tops, narrow furrows).
    height += style.dome_um * np.sin(0.5 * np.pi * np.clip(dist / (0.45 * cell_px), 0.0, 1.0))
    furrows = primary.depth_um > 0.25 * style.primary.depth_um
    for fold in style.folds:
        grooves = fold_grooves(rng, size, px_per_mm, fold)
        height -= grooves
        furrows |= grooves > 0.25 * fold.depth_um
        dist = np.minimum(dist, np.where(grooves > 0, 0.0, np.inf))
    junctions = junction_points(primary, cell_px)
    pore_mask = np.zeros((size, size), dtype=bool)
    pits = np.zeros((size, size))
    count = 0
    for spec in (style.pores, style.follicles):
        if spec is None:
            continue
        centres = place_openings(rng, size, px_per_mm, spec, junctions, dist)
        depth, mask = stamp_openings(rng, size, px_per_mm, spec, centres, _main_direction(style))
        pits = np.maximum(pits, depth)
        pore_mask |= mask
        count += len(centres)
    height -= pits
    # The surface is not flat between its furrows: it undulates gently over millimetres.
    if style.undulation_um:
        height += style.undulation_um * band_noise(rng, size, 0.35 * px_per_mm, 1.2 * px_per_mm)
    # Stratum corneum: corneocytes (~30 um) and the faint tertiary lines between them.
    height += style.stipple_um * band_noise(rng, size, 0.4, 0.015 * px_per_mm)
    height += 0.5 * style.stipple_um * band_noise(rng, size, 0.02 * px_per_mm, 0.08 * px_per_mm)
    return ndimage.gaussian_filter(height, 0.6, mode="wrap"), furrows, pore_mask, count, rng


def measure_relief(displacement: np.ndarray, height_um: float, cell_px: float, wrap: bool = True) -> Dict[str, float]:
    """RMS roughness, depth (0.5th to 99.5th percentile) and skewness of the detail band, in um.

    The detail band is what a Gaussian of half a cell removes: the band the
    engine matches (see :func:`nexture_core.units.structure_sigma_px`).
    """
    h = displacement.astype(np.float64) * height_um
    d = h - ndimage.gaussian_filter(h, 0.5 * cell_px, mode="wrap" if wrap else "reflect")
    rq = float(d.std())
    lo, hi = np.percentile(d, [0.5, 99.5])
    skew = float(((d - d.mean()) ** 3).mean() / max(rq, 1e-12) ** 3)
    return {"rq_um": round(rq, 2), "depth_um": round(float(hi - lo), 1), "skewness": round(skew, 2)}


def generate_skin(style: SkinStyle, size: int, width_mm: float, seed: int) -> SkinMaps:
    """Grow one square pattern of ``size`` px covering ``width_mm`` mm."""
    height, furrows, pore_mask, count, rng = grow_height(style, size, width_mm, seed)
    lo, hi = np.percentile(height, RANGE_PERCENTILES)
    span = max(float(hi - lo), 1e-9)
    displacement = np.clip((height - lo) / span * (1.0 - 2 * RANGE_MARGIN) + RANGE_MARGIN, 0.0, 1.0).astype(np.float32)
    height_um = span / (1.0 - 2 * RANGE_MARGIN)
    px_per_mm = size / float(width_mm)
    albedo, specular = _shading_maps(rng, style, displacement, px_per_mm, pore_mask)
    return SkinMaps(
        displacement=displacement,
        albedo=albedo.astype(np.float32),
        specular=specular.astype(np.float32),
        height_um=round(height_um, 2),
        furrows=furrows,
        pore_mask=pore_mask,
        pore_count=count,
        relief=measure_relief(displacement, height_um, style.primary.cell_mm * px_per_mm),
    )


def _shading_maps(
    rng: np.random.Generator, style: SkinStyle, disp: np.ndarray, px_per_mm: float, pores: np.ndarray
) -> Tuple[np.ndarray, np.ndarray]:
    """Albedo and specular that agree with the relief.

    Cavities (furrows, pores) hold less light and less of the surface's oil
    film: darker specular, slightly darker and redder albedo; pore mouths are
    darker still (shadow and keratin). Melanin gives a fine mottle and, on some
    regions, freckles of 1-3 mm.
    """
    size = disp.shape[0]
    broad = ndimage.gaussian_filter(disp, 0.4 * px_per_mm, mode="wrap")
    detail = disp - broad
    scale = max(float(detail.std()), 1e-6)
    cavity = np.clip(-detail / (3.0 * scale), 0.0, 1.0)
    ridge = np.clip(detail / (3.0 * scale), 0.0, 1.0)
    mouth = ndimage.gaussian_filter(pores.astype(np.float64), 0.6, mode="wrap")
    pig = style.pigment
    blotch = band_noise(rng, size, 0.6 * px_per_mm, 0.0)
    mottle = band_noise(rng, size, 0.05 * px_per_mm, 0.3 * px_per_mm)
    grain = band_noise(rng, size, 0.7, 0.0)
    freckles = _freckles(rng, size, px_per_mm, pig.freckles_per_cm2, pig.freckle_mm)
    tone = np.array(style.tone)
    # Per channel: melanin darkens green and blue most; cavities lose green/blue first (redder).
    melanin = 1.0 - (0.05 * blotch + pig.mottle * mottle + pig.freckle_contrast * freckles)[..., None] * np.array(
        [0.8, 1.15, 1.3]
    )
    cav = 1.0 - cavity[..., None] * np.array([0.10, 0.18, 0.18]) - mouth[..., None] * np.array([0.10, 0.14, 0.14])
    albedo = tone * melanin * cav * (1.0 + 0.01 * grain[..., None])
    specular = style.sheen * (1.0 - 0.65 * cavity - 0.4 * mouth + 0.3 * ridge) * (1.0 + 0.06 * mottle + 0.04 * grain)
    return np.clip(albedo, 0.0, 1.0), np.clip(specular, 0.0, 1.0)


def _freckles(rng: np.random.Generator, size: int, px_per_mm: float, per_cm2: float, diameter_mm: float) -> np.ndarray:
    """Soft round macules (0..1) at ``per_cm2``, periodic."""
    out = np.zeros((size, size))
    count = int(round(per_cm2 * (size / px_per_mm / 10.0) ** 2))
    if count == 0:
        return out
    impulses = np.zeros((size, size))
    xy = (rng.random((count, 2)) * size).astype(int)
    impulses[xy[:, 1], xy[:, 0]] = 0.6 + 0.8 * rng.random(count)
    sigma = 0.35 * diameter_mm * px_per_mm
    out = ndimage.gaussian_filter(impulses, sigma, mode="wrap") * (2 * np.pi * sigma**2)
    return np.clip(out, 0.0, 1.0)
