"""Small patterns made on the spot, so engine tests need neither the bank nor weights."""

from dataclasses import dataclass, field
from typing import Dict

import numpy as np
import pytest
from scipy import ndimage


def cell_texture(size: int, cells: int, seed: int) -> np.ndarray:
    """A tileable network of furrows (distance to the nearest cell edge) with a few pits."""
    rng = np.random.default_rng(seed)
    pts = rng.random((cells, 2)) * size
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    d = []
    for oy in (-size, 0, size):
        for ox in (-size, 0, size):
            d.append(np.hypot(yy[..., None] - (pts[:, 0] + oy), xx[..., None] - (pts[:, 1] + ox)))
    dist = np.sort(np.concatenate(d, axis=-1), axis=-1)
    edge = dist[..., 1] - dist[..., 0]
    furrow = -np.exp(-edge / 2.0)
    pits = np.zeros((size, size), np.float32)
    for y, x in rng.random((cells, 2)) * size:
        pits[int(y) % size, int(x) % size] = -6.0
    pits = ndimage.gaussian_filter(pits, 1.5, mode="wrap")
    h = furrow + pits + 0.05 * ndimage.gaussian_filter(rng.standard_normal((size, size)), 0.8, mode="wrap")
    return ((h - h.min()) / (h.max() - h.min())).astype(np.float32)


@dataclass
class TinyPattern:
    """Duck-types nexture_core.patterns.Pattern for engine tests."""

    id: str
    disp: np.ndarray
    feature_px: float = 24.0
    mm_per_px: float = 0.012
    tileable: bool = True
    maps: Dict[str, np.ndarray] = field(default_factory=dict)
    height_um: float = 200.0  # the displacement's [0, 1] spans 0.2 mm of relief

    @property
    def feature_mm(self) -> float:
        return self.feature_px * self.mm_per_px

    def load_map(self, name: str) -> np.ndarray:
        if name == "displacement":
            return self.disp
        return self.maps[name]

    def has_map(self, name: str) -> bool:
        return name == "displacement" or name in self.maps


def make_pattern(pid: str = "cells", size: int = 160, cells: int = 40, seed: int = 3) -> TinyPattern:
    disp = cell_texture(size, cells, seed)
    detail = disp - ndimage.gaussian_filter(disp, 4, mode="wrap")
    spec = np.clip(0.5 + 2.0 * detail, 0, 1).astype(np.float32)
    albedo = np.clip(np.stack([0.7 + 0.6 * detail, 0.5 + 0.9 * detail, 0.45 + 0.9 * detail], -1), 0, 1).astype(
        np.float32
    )
    return TinyPattern(pid, disp, maps={"specular": spec, "albedo": albedo})


@pytest.fixture(scope="session")
def pattern() -> TinyPattern:
    return make_pattern()


@pytest.fixture(scope="session")
def other_pattern() -> TinyPattern:
    return make_pattern("stripes", cells=12, seed=9)


@pytest.fixture(scope="session")
def face() -> np.ndarray:
    """A smooth 96 px 'face': broad bumps, no fine detail."""
    yy, xx = np.mgrid[0:96, 0:96] / 96.0
    return (
        0.5 + 0.3 * np.sin(3 * xx) * np.cos(2 * yy) + 0.1 * np.exp(-((xx - 0.5) ** 2 + (yy - 0.4) ** 2) / 0.15)
    ).astype(np.float32)


@pytest.fixture(scope="session")
def sample_like_pattern() -> np.ndarray:
    """Another sample of the process that made ``pattern`` (same spectrum, new layout)."""
    return cell_texture(160, 40, seed=11)
