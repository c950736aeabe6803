"""Fixtures for the image I/O tests: small files written with OpenImageIO itself."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import OpenImageIO as oiio
import pytest

# Beside the checkout (CI, /work/main); NEXTURE_SHARED_DATA points elsewhere (a worktree).
SHARED_DATA = Path(
    os.environ.get("NEXTURE_SHARED_DATA") or Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
)


def write_oiio(
    path: Path, pixels: np.ndarray, dtype: str = "float", names: Optional[Sequence[str]] = None, **attrs
) -> Path:
    """Write ``pixels`` (H, W, C) with plain OIIO, independent of the code under test."""
    h, w, c = pixels.shape
    spec = oiio.ImageSpec(w, h, c, dtype)
    if names:
        spec.channelnames = tuple(names)
    for key, value in attrs.items():
        spec.attribute(key.replace("__", ":"), value)
    out = oiio.ImageOutput.create(str(path))
    assert out.open(str(path), spec), out.geterror()
    assert out.write_image(pixels), out.geterror()
    out.close()
    return path


def write_multipart(path: Path, parts) -> Path:
    """EXR with several parts: ``parts`` is a list of (name, pixels (H, W, C), channel names)."""
    specs = []
    for name, pixels, names in parts:
        h, w, c = pixels.shape
        spec = oiio.ImageSpec(w, h, c, "half")
        spec.channelnames = tuple(names)
        spec.attribute("name", name)
        specs.append(spec)
    out = oiio.ImageOutput.create(str(path))
    assert out.open(str(path), specs), out.geterror()
    for i, (_, pixels, _) in enumerate(parts):
        if i:
            assert out.open(str(path), specs[i], "AppendSubimage"), out.geterror()
        assert out.write_image(pixels.astype(np.float16)), out.geterror()
    out.close()
    return path


def ramp(h: int = 48, w: int = 64, c: int = 1) -> np.ndarray:
    """Smooth (H, W, C) float32 in [0, 1]: rows and columns ramps, channels offset."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    base = 0.5 * x / (w - 1) + 0.5 * y / (h - 1)
    return np.stack([0.7 * base + 0.05 * k for k in range(c)], axis=2).astype(np.float32)


def noise(h: int = 48, w: int = 64, c: int = 1, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((h, w, c), dtype=np.float32)


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("shared test data (../shared/data) is not present")
    return SHARED_DATA.resolve()


class ImageHelpers:
    """Helpers handed to tests as the ``img`` fixture (test files cannot import conftest)."""

    write_oiio = staticmethod(write_oiio)
    write_multipart = staticmethod(write_multipart)
    ramp = staticmethod(ramp)
    noise = staticmethod(noise)


@pytest.fixture
def img() -> ImageHelpers:
    return ImageHelpers()
