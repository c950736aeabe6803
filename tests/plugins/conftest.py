"""Fixtures for the host-plugin tests: fake hosts on sys.path, plugin folders, the engine.

The fakes in ``fakes/`` are importable as the real host module names (``nuke``,
``hou``, ``maya.cmds``...). ``engine`` is the real ``synthesize_file`` once the
engine, io and pattern bank import; until then a small stand-in with the same
contract (reads the input, honours progress and cancel, writes float EXRs atomically).
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
for path in (HERE / "fakes", HERE, REPO / "plugins" / "nuke", REPO / "plugins" / "houdini" / "python", REPO / "plugins" / "maya" / "scripts"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import fakes  # noqa: E402


def real_engine_available() -> bool:
    try:
        from nexture_core.api import synthesize_file  # noqa: F401
        from nexture_core.io import read_map, write_image  # noqa: F401
        from nexture_core.patterns import load_bank

        load_bank().get("cheek")
        return True
    except Exception:
        return False


def _stand_in(request, progress, cancel):
    """Same contract as synthesize_file, tiny work: used only while the engine is absent."""
    import OpenImageIO as oiio

    from nexture_core.api import output_paths
    from nexture_core.errors import Cancelled

    src = oiio.ImageInput.open(str(request.input))
    image = np.asarray(src.read_image(0, 0, 0, -1, "float"))[..., 0]
    src.close()
    rng = np.random.default_rng(request.settings.seed)
    steps = max(4, (request.settings.iterations or 4))
    for i in range(steps):
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        if progress:
            progress(i / steps, f"iteration {i + 1}/{steps}", None)
        time.sleep(0.01)
    up = request.settings.upscale
    detail = np.kron(image, np.ones((up, up), np.float32)) + 0.01 * request.settings.strength * rng.standard_normal((image.shape[0] * up, image.shape[1] * up)).astype(np.float32)
    written = []
    for (_key, m), path in output_paths(request, request.patterns, list(request.settings.maps), ".exr").items():
        arr = detail if m != "normal" else np.stack([detail] * 3, -1)
        arr = arr[..., None] if arr.ndim == 2 else arr
        spec = oiio.ImageSpec(arr.shape[1], arr.shape[0], arr.shape[2], "float")
        fd, tmp = tempfile.mkstemp(suffix=".exr", dir=path.parent)
        os.close(fd)
        out = oiio.ImageOutput.create(tmp)
        out.open(tmp, spec)
        out.write_image(np.ascontiguousarray(arr, dtype=np.float32))
        out.close()
        os.replace(tmp, path)
        written.append(path)
    if progress:
        progress(1.0, "done", None)
    return written


@pytest.fixture
def engine(monkeypatch):
    """'real' or 'stand-in': which synthesis the plugins' runs use in this test."""
    from nexture_core.hosts import runner

    if real_engine_available():
        return "real"
    monkeypatch.setattr(runner, "run_synthesis", _stand_in)
    return "stand-in"


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("NEXTURE_CACHE", str(folder))
    return folder


@pytest.fixture(autouse=True)
def clean_fakes():
    fakes.reset()
    yield
    fakes.reset()


def smooth_image(size: int = 64, seed: int = 1) -> np.ndarray:
    """A sculpt-like height field (HxW float32): broad blobs, no fine detail."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size] / size
    img = np.zeros((size, size), np.float32)
    for _ in range(6):
        cx, cy, r, a = rng.uniform(0, 1), rng.uniform(0, 1), rng.uniform(0.1, 0.4), rng.uniform(-1, 1)
        img += a * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r)).astype(np.float32)
    return img


def wait_no_threads(prefix: str = "nexture-", timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end and any(t.name.startswith(prefix) for t in threading.enumerate()):
        time.sleep(0.01)
