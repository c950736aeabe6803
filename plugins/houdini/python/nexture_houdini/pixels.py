"""Float EXR in/out for the Houdini paths (plain OpenImageIO: it ships with Houdini)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

from nexture_core.errors import InputError


def write_exr(path: Path, pixels: np.ndarray) -> Path:
    """Write HxW or HxWxC float32 atomically (temp file beside it, then os.replace)."""
    import OpenImageIO as oiio

    arr = np.asarray(pixels, dtype=np.float32)
    arr = arr[..., None] if arr.ndim == 2 else arr
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".exr", dir=path.parent)
    os.close(fd)
    out = oiio.ImageOutput.create(tmp)
    if out is None or not out.open(tmp, oiio.ImageSpec(arr.shape[1], arr.shape[0], arr.shape[2], "float")):
        raise InputError(f"{path}: cannot be written ({oiio.geterror()}).")
    out.write_image(np.ascontiguousarray(arr))
    out.close()
    os.replace(tmp, path)
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
