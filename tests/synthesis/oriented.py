"""Two patterns that differ only in direction, and a measure of which way detail runs.

Furrows of the cell texture stretched three times along x run mostly
horizontally; the transposed copy runs vertically. Which pattern a piece of
output follows then shows in one number per region, whatever the amplitude.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from tests.synthesis.conftest import TinyPattern, cell_texture

# Enough iterations of the weight-free network for direction to show (a few seconds at 96 px).
ORIENTED_ITERATIONS = 80


def oriented_patterns(size: int = 160):
    """(horizontal, vertical): the same cells, stretched along x, and transposed."""
    stretched = ndimage.zoom(cell_texture(size, 40, 3), (1, 3), order=1)[:, :size]
    horizontal = np.ascontiguousarray(stretched, dtype=np.float32)
    return (
        TinyPattern("horizontal", horizontal, tileable=False),
        TinyPattern("vertical", np.ascontiguousarray(horizontal.T), tileable=False),
    )


def detail(x: np.ndarray, sigma: float = 4.0) -> np.ndarray:
    return x - ndimage.gaussian_filter(x, sigma, mode="reflect")


def anisotropy(x: np.ndarray, margin: int = 8) -> float:
    """log(vertical / horizontal gradient energy): > 0 when detail runs horizontally, < 0 vertically.

    Measured inside a ``margin``: at the borders the structure's blur of a
    sloped input reflects, a difference that runs along the border and, at a
    few micrometres of detail, would outweigh the detail's own direction.
    """
    arr = np.asarray(x, np.float64)
    if min(arr.shape) > 4 * margin:
        arr = arr[margin:-margin, margin:-margin]
    gy, gx = np.gradient(arr)
    return float(np.log(np.mean(gy**2) / np.mean(gx**2)))
