"""Fixtures for the host-plugin tests: fake hosts on sys.path, plugin folders, the engine.

The fakes in ``fakes/`` are importable as the real host module names (``nuke``,
``hou``, ``maya.cmds``...). ``engine`` is the real engine; a broken engine fails
the tests loudly (only a missing torch skips them).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
for path in (
    HERE / "fakes",
    HERE,
    REPO / "plugins" / "nuke",
    REPO / "plugins" / "houdini" / "python",
    REPO / "plugins" / "maya" / "scripts",
):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import fakes  # noqa: E402


def real_engine_available() -> bool:
    """True when the engine and the built-in bank load; False only when torch is not installed.

    Any other failure (a broken import, a broken bank) is raised: a stand-in engine
    must never hide a broken one.
    """
    try:
        import torch  # noqa: F401
    except ModuleNotFoundError as exc:
        if exc.name == "torch":
            return False
        raise
    from nexture_core.api import synthesize_file  # noqa: F401
    from nexture_core.io import read_map, write_image  # noqa: F401
    from nexture_core.patterns import load_bank

    load_bank().get("cheek")
    return True


TEST_PATTERN = "host_test"
TEST_PATTERN_PX = 128


@pytest.fixture(scope="session")
def small_bank(tmp_path_factory) -> Path:
    """A real pattern cut from the built-in cheek (its top-left 128 px, with its true mm size),
    so the plugins run the real engine on a real pattern in seconds, not minutes."""
    from nexture_core.io import read_image, write_image
    from nexture_core.patterns import load_bank

    cheek = load_bank().get("cheek")
    root = tmp_path_factory.mktemp("bank")
    folder = root / TEST_PATTERN
    folder.mkdir()
    n = TEST_PATTERN_PX
    names = {"displacement": "displacement.tif", "albedo": "albedo.tif", "specular": "specular.tif"}
    for name, file in names.items():
        pixels = read_image(cheek.maps[name])[0][:n, :n]
        write_image(folder / file, np.ascontiguousarray(pixels if name == "albedo" else pixels[..., 0]), dtype="uint16")
    width = cheek.width_mm * n / cheek.size_px[0]
    maps = "\n".join(f'{k} = "{v}"' for k, v in names.items())
    (folder / "pattern.toml").write_text(
        f'id = "{TEST_PATTERN}"\nname = "Host test"\nregion = "cheek"\ndescription = "Cut from the cheek pattern."\n'
        f'width_mm = {width}\nfeature_mm = {cheek.feature_mm}\nlicence = "CC0-1.0"\nattribution = "Nexture"\n'
        f"tileable = false\n\n[maps]\n{maps}\n",
        encoding="utf-8",
    )
    assert TEST_PATTERN in load_bank(extra_paths=[root]), load_bank(extra_paths=[root]).warnings
    return root


@pytest.fixture
def engine(small_bank, monkeypatch):
    """The real engine on the small test pattern (tests pick ``pattern=TEST_PATTERN``); a broken
    engine fails loudly, only a missing torch skips."""
    if not real_engine_available():
        pytest.skip("torch is not installed; the host plugins run the real engine")
    monkeypatch.setenv("NEXTURE_PATTERN_PATH", str(small_bank))
    return "real"


@pytest.fixture
def qt_panel_env(tmp_path_factory):
    """The shared panel in a host test: PySide6 offscreen, QSettings in a temp folder."""
    pytest.importorskip("PySide6", reason="the panel needs PySide6 (pip install nexture[ui])")
    pytest.importorskip("pytestqt", reason="the panel tests need pytest-qt")
    from nexture_core.ui.qt import QtCore

    folder = tmp_path_factory.mktemp("qsettings")
    QtCore.QSettings.setDefaultFormat(QtCore.QSettings.IniFormat)
    QtCore.QSettings.setPath(QtCore.QSettings.IniFormat, QtCore.QSettings.UserScope, str(folder))
    return folder


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("NEXTURE_CACHE", str(folder))
    return folder


@pytest.fixture(autouse=True)
def clean_fakes(monkeypatch):
    """Fresh fakes, and no cache, torch-folder or Qt-binding variables from the caller's shell
    (a host plugin sets NEXTURE_QT_BINDING in its process; tests must not leak it)."""
    for name in [
        n for n in os.environ if n.startswith("NEXTURE_PYTHONPATH") or n in ("NEXTURE_CACHE", "NEXTURE_QT_BINDING")
    ]:
        monkeypatch.delenv(name, raising=False)
    fakes.reset()
    yield
    os.environ.pop("NEXTURE_QT_BINDING", None)
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
