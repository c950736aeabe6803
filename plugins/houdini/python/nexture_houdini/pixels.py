"""Float EXR in/out for the Houdini paths (plain OpenImageIO: it ships with Houdini).

Writes go through :mod:`nexture_core.io.atomic`, so a cook interrupted half-way
never leaves a truncated EXR where the next cook or a farm machine reads it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nexture_core.errors import InputError, OutputError
from nexture_core.io.atomic import atomic_destination


def write_exr(path: Path, pixels: np.ndarray) -> Path:
    """Write HxW or HxWxC float32 atomically."""
    import OpenImageIO as oiio

    arr = np.asarray(pixels, dtype=np.float32)
    arr = arr[..., None] if arr.ndim == 2 else arr
    with atomic_destination(path) as tmp:
        out = oiio.ImageOutput.create(str(tmp))
        if out is None or not out.open(str(tmp), oiio.ImageSpec(arr.shape[1], arr.shape[0], arr.shape[2], "float")):
            raise OutputError(f"{path}: cannot be written ({oiio.geterror()}).")
        try:
            if not out.write_image(np.ascontiguousarray(arr)):
                raise OutputError(f"{path}: cannot be written ({out.geterror()}).")
        finally:
            out.close()
    return path


def read_exr(path: Path) -> np.ndarray:
    """HxW (one channel) or HxWxC float32."""
    import OpenImageIO as oiio

    inp = oiio.ImageInput.open(str(path))
    if inp is None:
        raise InputError(f"{path}: cannot be read ({oiio.geterror()}).")
    try:
        arr = np.asarray(inp.read_image(0, 0, 0, -1, "float"), dtype=np.float32)
    finally:
        inp.close()
    return arr[..., 0] if arr.shape[2] == 1 else arr
