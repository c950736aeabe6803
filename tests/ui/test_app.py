"""The standalone window: menus, recent files, drag and drop, Save As, `nexture gui`."""

from __future__ import annotations

import numpy as np
import pytest

from nexture_core.errors import OutputError
from nexture_core.io import read_map
from nexture_core.ui.app import NextureWindow, save_output_copy
from nexture_core.ui.qt import QtCore, QtGui, QtWidgets

pytestmark = pytest.mark.qt


@pytest.fixture
def window(qtbot, gallery_bank):
    w = NextureWindow(bank=gallery_bank)
    qtbot.addWidget(w)
    w.panel.live_preview.setChecked(False)
    w.show()
    qtbot.waitExposed(w)
    return w


def menu_texts(menu) -> list:
    return [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]


def test_file_menu_has_open_recent_save_quit(window):
    file_menu = window.menuBar().actions()[0].menu()
    assert menu_texts(file_menu) == ["Open…", "Open Recent", "Save Output As", "Quit"]
    assert window.open_action.shortcut() == QtGui.QKeySequence(QtGui.QKeySequence.Open)
    assert not window.recent_menu.isEnabled() and not window.save_menu.isEnabled()
    assert (window.width(), window.height()) == (1400, 900)


def test_dropping_a_map_loads_it_and_remembers_it(window, qtbot, height_tiff):
    mime = QtCore.QMimeData()
    mime.setUrls([QtCore.QUrl.fromLocalFile(str(height_tiff))])
    pos = QtCore.QPointF(200, 200)
    try:  # Qt 6.12 takes a QPointF and deprecates the QPoint form; older Qts take only QPoint
        enter = QtGui.QDragEnterEvent(pos, QtCore.Qt.CopyAction, mime, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier)
    except TypeError:
        enter = QtGui.QDragEnterEvent(
            pos.toPoint(), QtCore.Qt.CopyAction, mime, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier
        )
    QtWidgets.QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QtGui.QDropEvent(pos, QtCore.Qt.CopyAction, mime, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier)
    with qtbot.waitSignal(window.panel.input_loaded, timeout=20_000):
        QtWidgets.QApplication.sendEvent(window, drop)
    assert window.panel.loaded.path == height_tiff
    assert window.windowTitle() == "Nexture — sculpt.tif"
    assert window.recent_menu.isEnabled()
    assert [a.data() for a in window.recent_menu.actions()] == [str(height_tiff.resolve())]


def test_recent_files_menu_reopens(window, qtbot, height_tiff, tmp_path, make_height_tiff):
    other = make_height_tiff(tmp_path / "other.tif", size=64)
    for path in (height_tiff, other):
        with qtbot.waitSignal(window.panel.input_loaded, timeout=20_000):
            window.panel.set_input_path(path)
    actions = window.recent_menu.actions()
    assert [a.text() for a in actions] == ["other.tif", "sculpt.tif"]
    with qtbot.waitSignal(window.panel.input_loaded, timeout=20_000):
        actions[1].trigger()
    assert window.panel.loaded.path == height_tiff


def test_save_output_as_converts_format(window, qtbot, height_tiff, tmp_path):
    window.panel.output_paths = [height_tiff]
    window.panel.finished.emit([height_tiff])  # what a finished run announces
    assert window.save_menu.isEnabled()
    assert [a.data() for a in window.save_menu.actions()] == [str(height_tiff)]
    target = tmp_path / "copy.exr"
    with qtbot.waitSignal(window.save_bridge.finished, timeout=20_000):
        window.save_output_as(height_tiff, str(target))
    assert "Saved" in window.statusBar().currentMessage()
    copy, info = read_map(target)
    source, _ = read_map(height_tiff)
    assert info.format.lower().startswith("openexr") or target.suffix == ".exr"
    assert np.allclose(copy, source, atol=1e-6)


def test_save_copy_never_overwrites_the_output_itself(height_tiff):
    with pytest.raises(OutputError, match="sculpt.tif"):
        save_output_copy(height_tiff, height_tiff)


APP_SCRIPT = r"""
import argparse, os, sys
from nexture_core.ui import app as app_module
from nexture_core.ui.qt import QtCore, QtWidgets, application

app = application()  # timers need the application's event dispatcher; run_app reuses it
QtCore.QSettings.setDefaultFormat(QtCore.QSettings.IniFormat)
QtCore.QSettings.setPath(QtCore.QSettings.IniFormat, QtCore.QSettings.UserScope, sys.argv[2])

def close_when_loaded():
    windows = [w for w in QtWidgets.QApplication.topLevelWidgets() if isinstance(w, app_module.NextureWindow)]
    if windows and windows[0].panel.loaded is not None:
        print("LOADED", windows[0].panel.loaded.path.name, windows[0].windowTitle(), flush=True)
        windows[0].close()  # the last window closing ends the event loop
    else:
        QtCore.QTimer.singleShot(50, close_when_loaded)

QtCore.QTimer.singleShot(50, close_when_loaded)
QtCore.QTimer.singleShot(60_000, QtWidgets.QApplication.quit)
from nexture_core.cli import gui_cmd
sys.exit(gui_cmd.handler(argparse.Namespace(input=sys.argv[1])))
"""


def test_nexture_gui_opens_the_input_and_exits_zero(height_tiff, tmp_path, real_bank):
    """`nexture gui INPUT` in its own process: the app's event loop ends with the window, exit code 0."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [sys.executable, "-c", APP_SCRIPT, str(height_tiff), str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "LOADED sculpt.tif Nexture — sculpt.tif" in proc.stdout
