"""Helpers for the CLI robustness tests: bad files made on the spot (OpenImageIO, tifffile)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import OpenImageIO as oiio

FAST = ["--backbone", "random", "--iterations", "1", "-q"]


def smooth(h: int = 64, w: int = 64) -> np.ndarray:
    """A smooth sculpted-looking map in 0.2-0.8 (H x W float32)."""
    yy, xx = np.mgrid[0:h, 0:w] / max(h, w)
    return (0.5 + 0.3 * np.sin(3 * xx) * np.cos(2 * yy)).astype(np.float32)


def write_exr(
    path: Path,
    pixels: np.ndarray,
    dtype: str = "float",
    names: Optional[Sequence[str]] = None,
    data_origin=(0, 0),
    display=None,
) -> Path:
    """Plain OIIO write (independent of the writer under test): (H, W[, C]), windows as given."""
    arr = pixels if pixels.ndim == 3 else pixels[:, :, None]
    h, w, c = arr.shape
    spec = oiio.ImageSpec(w, h, c, dtype)
    if names:
        spec.channelnames = tuple(names)
    spec.x, spec.y = data_origin
    if display is not None:
        spec.full_x, spec.full_y, spec.full_width, spec.full_height = display
    out = oiio.ImageOutput.create(str(path))
    assert out.open(str(path), spec), out.geterror()
    assert out.write_image(np.ascontiguousarray(arr, np.float32)), out.geterror()
    out.close()
    return path


def write_tiff16(path: Path, pixels: np.ndarray) -> Path:
    import tifffile

    tifffile.imwrite(str(path), np.round(np.clip(pixels, 0, 1) * 65535).astype(np.uint16))
    return path
