"""Synthetic detail with known structure, for the metric tests (small, seeded)."""

from __future__ import annotations

import numpy as np
from scipy import ndimage
from scipy.spatial import cKDTree


def furrow_network(size: int = 128, cell: float = 16.0, seed: int = 0, pores: bool = True) -> np.ndarray:
    """Voronoi furrows (a connected network, ~``cell`` px cells) with a pore in most cells; tileable-ish."""
    rng = np.random.default_rng(seed)
    n = int(round(size / cell))
    gy, gx = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    seeds = (np.stack([gy.ravel(), gx.ravel()], 1) + rng.uniform(0.15, 0.85, (n * n, 2))) * (size / n)
    # Wrap the seeds so the network tiles.
    offsets = np.array([(dy, dx) for dy in (-size, 0, size) for dx in (-size, 0, size)])
    tree = cKDTree((seeds[None] + offsets[:, None]).reshape(-1, 2))
    yy, xx = np.meshgrid(np.arange(size), np.arange(size), indexing="ij")
    d, _ = tree.query(np.stack([yy.ravel(), xx.ravel()], 1), k=2)
    gap = (d[:, 1] - d[:, 0]).reshape(size, size)
    height = -np.exp(-((gap / 1.5) ** 2))
    if pores:
        for y, x in seeds[rng.random(len(seeds)) < 0.8]:
            height -= 0.6 * np.exp(-((yy - y) ** 2 + (xx - x) ** 2) / (2 * 1.5**2))
    height += 0.05 * ndimage.gaussian_filter(rng.standard_normal((size, size)), 1.0, mode="wrap")
    return height.astype(np.float32)


def smooth_noise(size: int = 128, sigma: float = 2.0, seed: int = 0, shape=None) -> np.ndarray:
    """Band-limited Gaussian noise, unit std; tileable (wrap blur)."""
    rng = np.random.default_rng(seed)
    x = ndimage.gaussian_filter(rng.standard_normal(shape or (size, size)), sigma, mode="wrap")
    return (x / x.std()).astype(np.float32)


def stripes(size: int = 64, period: float = 8.0, vertical: bool = True) -> np.ndarray:
    """Sinusoidal stripes; vertical stripes vary along x."""
    t = np.arange(size, dtype=np.float32)
    wave = np.sin(2 * np.pi * t / period)
    return np.tile(wave[None, :], (size, 1)) if vertical else np.tile(wave[:, None], (1, size))


def plant_pits(size: int, count: int, sigma: float = 2.0, depth: float = 1.0, seed: int = 0, noise: float = 0.02):
    """``count`` Gaussian pits at well-separated random places on faint noise; returns (map, centres)."""
    rng = np.random.default_rng(seed)
    centres = []
    margin = int(4 * sigma) + 2
    while len(centres) < count:
        c = rng.uniform(margin, size - margin, 2)
        if all(np.hypot(*(c - o)) > 6 * sigma for o in centres):
            centres.append(c)
    yy, xx = np.meshgrid(np.arange(size), np.arange(size), indexing="ij")
    height = noise * rng.standard_normal((size, size))
    for y, x in centres:
        height -= depth * np.exp(-((yy - y) ** 2 + (xx - x) ** 2) / (2 * sigma**2))
    return height.astype(np.float32), np.array(centres)
