"""The binding shim: PySide6 first, a clear error without Qt, and no Qt on `import nexture_core`."""

from __future__ import annotations

import subprocess
import sys

import pytest

from nexture_core.errors import NextureError
from nexture_core.ui import qt


def test_import_nexture_core_does_not_import_qt():
    code = "import sys, nexture_core, nexture_core.ui, nexture_core.cli.gui_cmd; print(any(m.startswith(('PySide6', 'PySide2')) for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_pyside6_is_preferred():
    assert qt.BINDING == "PySide6"
    assert qt.QT6
    assert qt.QAction.__module__.startswith("PySide6.QtGui")
    assert qt.QShortcut.__module__.startswith("PySide6.QtGui")


def test_missing_binding_is_a_readable_error():
    with pytest.raises(qt.QtMissingError) as info:
        qt.import_binding(("NoSuchQtBinding",))
    assert isinstance(info.value, NextureError)
    assert "pip install nexture[ui]" in str(info.value)


def test_exec_helper_runs_an_event_loop(qtbot):
    loop = qt.QtCore.QEventLoop()
    qt.QtCore.QTimer.singleShot(0, lambda: loop.exit(7))
    assert qt.exec_(loop) == 7


def _gui_args(argv):
    import argparse

    from nexture_core.cli import gui_cmd

    parser = argparse.ArgumentParser(prog="nexture")
    gui_cmd.register(parser.add_subparsers())
    return parser.parse_args(argv)


def test_gui_command_without_qt_says_how_to_install(monkeypatch):
    args = _gui_args(["gui"])
    for name in ("PySide6.QtCore", "PySide2.QtCore"):
        monkeypatch.setitem(sys.modules, name, None)  # makes `import name` raise ImportError
    with pytest.raises(NextureError, match=r"pip install nexture\[ui\]"):
        args.func(args)


def test_gui_command_rejects_a_missing_input(tmp_path):
    args = _gui_args(["gui", str(tmp_path / "nope.tif")])
    with pytest.raises(NextureError, match="nope.tif"):
        args.func(args)


def test_binding_does_not_leak_none_references(qapp):
    """PySide6 6.12.0 on Python 3.11 decrefs None on every void call and crashes long sessions."""
    label = qt.QtWidgets.QLabel()
    before = sys.getrefcount(None)
    for _ in range(500):
        label.setText("x")
        label.update()
    assert sys.getrefcount(None) > before - 100, (
        "this Qt binding leaks None references; install PySide6-Essentials<6.12"
    )
    assert not qt.NONE_LEAK
