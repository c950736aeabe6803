"""The map viewer: zoom about the cursor, pan, 1:1 and fit keys, the split line."""

from __future__ import annotations

import numpy as np
import pytest

from nexture_core.ui.qt import Qt, QtCore
from nexture_core.ui.viewer import MapViewer, qimage_from


@pytest.fixture
def viewer(qtbot):
    v = MapViewer()
    qtbot.addWidget(v)
    v.resize(400, 300)
    v.show()
    qtbot.waitExposed(v)
    ramp = (np.arange(64 * 128) % 256).astype(np.uint8).reshape(64, 128)
    v.set_map(qimage_from(ramp), (1024, 512))  # a 1024x512 map shown from a 128x64 rendering
    return v


def test_qimage_from_copies_grey_and_rgb():
    grey = np.full((3, 5), 200, np.uint8)
    image = qimage_from(grey)
    assert (image.width(), image.height()) == (5, 3)
    assert image.pixelColor(4, 2).red() == 200
    rgb = np.zeros((2, 2, 3), np.uint8)
    rgb[..., 2] = 255
    colour = qimage_from(rgb).pixelColor(1, 1)
    assert (colour.red(), colour.blue()) == (0, 255)


def test_fit_shows_the_whole_map_centred(viewer):
    assert viewer.zoom == pytest.approx(min(400 / 1024, 300 / 512) * 0.98)
    cx, cy = viewer.view_centre()
    assert cx == pytest.approx(512, abs=1) and cy == pytest.approx(256, abs=1)


def test_wheel_zoom_keeps_the_point_under_the_cursor(viewer):
    anchor = QtCore.QPointF(100, 80)
    before = viewer.screen_to_map(anchor)
    zoom = viewer.zoom
    viewer.zoom_about(1.25**3, anchor)
    assert viewer.zoom == pytest.approx(zoom * 1.25**3)
    after = viewer.screen_to_map(anchor)
    assert after == pytest.approx(before, abs=1e-6)


def test_keys_one_to_one_and_fit(viewer, qtbot):
    viewer.setFocus()
    qtbot.keyClick(viewer, Qt.Key_1)
    assert viewer.zoom == pytest.approx(1.0)
    qtbot.keyClick(viewer, Qt.Key_F)
    assert viewer.zoom == pytest.approx(min(400 / 1024, 300 / 512) * 0.98)


def test_drag_pans(viewer, qtbot):
    offset = QtCore.QPointF(viewer.offset)
    qtbot.mousePress(viewer, Qt.LeftButton, pos=QtCore.QPoint(100, 100))
    qtbot.mouseMove(viewer, QtCore.QPoint(130, 90))
    qtbot.mouseRelease(viewer, Qt.LeftButton, pos=QtCore.QPoint(130, 90))
    assert viewer.offset.x() - offset.x() == pytest.approx(30)
    assert viewer.offset.y() - offset.y() == pytest.approx(-10)


def test_split_line_drags_and_paints_both_sides(viewer, qtbot):
    dark = qimage_from(np.zeros((64, 128), np.uint8))
    light = qimage_from(np.full((64, 128), 255, np.uint8))
    viewer.set_map(dark, (1024, 512), keep_view=True)
    viewer.set_after(light)
    viewer.set_split_mode(True)
    qtbot.mousePress(viewer, Qt.LeftButton, pos=QtCore.QPoint(200, 150))  # on the line (0.5 * 400)
    qtbot.mouseMove(viewer, QtCore.QPoint(100, 150))
    qtbot.mouseRelease(viewer, Qt.LeftButton, pos=QtCore.QPoint(100, 150))
    assert viewer.split == pytest.approx(0.25)
    shot = viewer.grab().toImage()
    assert shot.pixelColor(60, 150).red() < 40  # left of the line: the input
    assert shot.pixelColor(300, 150).red() > 215  # right of the line: the result


def test_preview_patch_is_drawn_over_its_rectangle(viewer):
    blue = np.zeros((32, 32, 3), np.uint8)
    blue[..., 2] = 250
    viewer.set_preview(qimage_from(blue), (256, 128, 256, 256))
    centre = viewer.map_to_screen(384, 256)
    colour = viewer.grab().toImage().pixelColor(int(centre.x()), int(centre.y()))
    assert colour.blue() > 200 and colour.red() < 60
