"""Offscreen Qt for the panel tests, with QSettings kept in a temp folder.

QT_QPA_PLATFORM must be set before any Qt module is imported, hence at the top.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

pytest.importorskip("PySide6", reason="the panel tests need PySide6 (pip install nexture[ui])")
pytest.importorskip("pytestqt", reason="the panel tests need pytest-qt")

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO / ".." / "shared" / "data"
TEST_OUTPUT = REPO / "test-output"


@pytest.fixture(autouse=True)
def isolated_qsettings(tmp_path_factory):
    """Point QSettings at a fresh folder so tests neither read nor write the artist's settings."""
    from nexture_core.ui.qt import QtCore

    folder = tmp_path_factory.mktemp("qsettings")
    QtCore.QSettings.setDefaultFormat(QtCore.QSettings.IniFormat)
    QtCore.QSettings.setPath(QtCore.QSettings.IniFormat, QtCore.QSettings.UserScope, str(folder))
    yield folder


@pytest.fixture
def test_output() -> Path:
    TEST_OUTPUT.mkdir(exist_ok=True)
    return TEST_OUTPUT


def write_height_tiff(path: Path, size: int = 128, seed: int = 1) -> Path:
    """A 16-bit grey TIFF with broad forms (a dome and ridges), like a sculpt before detailing."""
    from nexture_core.io import write_image

    y, x = np.mgrid[0:size, 0:size].astype(np.float32) / size
    rng = np.random.default_rng(seed)
    dome = np.exp(-((x - 0.5) ** 2 + (y - 0.5) ** 2) / 0.08)
    ridges = 0.15 * np.sin(9 * x + 4 * y) + 0.05 * rng.standard_normal((size, size)).astype(np.float32)
    height = (dome + ridges).astype(np.float32)
    height = (height - height.min()) / (height.max() - height.min())
    return write_image(path, height, dtype="uint16")


@pytest.fixture
def make_height_tiff():
    return write_height_tiff


@pytest.fixture
def height_tiff(tmp_path) -> Path:
    return write_height_tiff(tmp_path / "sculpt.tif")


@dataclass
class GalleryPattern:
    """The fields the gallery shows; enough to test filtering and selection without a bank on disk."""

    id: str
    name: str
    region: str
    width_mm: float = 10.0
    size_px: tuple = (512, 512)
    description: str = ""
    licence: str = "CC0"
    attribution: str = ""
    thumbnail_path: object = None
    mm_per_px: float = field(init=False)

    def __post_init__(self) -> None:
        self.mm_per_px = self.width_mm / self.size_px[0]


class GalleryBank:
    def __init__(self, patterns) -> None:
        self._patterns = list(patterns)

    def patterns(self):
        return list(self._patterns)


@pytest.fixture
def gallery_bank() -> GalleryBank:
    return GalleryBank(
        [
            GalleryPattern("cheek", "Cheek", "face", description="open pores"),
            GalleryPattern("forehead", "Forehead", "face", description="fine horizontal creases"),
            GalleryPattern("palm", "Palm", "hand", description="deep crease network"),
            GalleryPattern("knuckle", "Knuckle", "hand", description="folds"),
        ]
    )


@pytest.fixture(scope="session")
def real_bank():
    """The built-in pattern bank; skips while nexture_core.patterns is unavailable."""
    try:
        from nexture_core.patterns import load_bank
    except ImportError as exc:
        pytest.skip(f"nexture_core.patterns is not available yet ({exc})")
    return load_bank()
