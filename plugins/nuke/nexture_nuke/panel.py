"""The pattern's Panel... button: the shared Qt panel, pre-filled from the knobs."""

from __future__ import annotations

from typing import Any

import nuke

from nexture_core.errors import NextureError
from nexture_core.hosts.panel import open_panel as open_shared_panel

from . import node as nexture_node

_OPEN: list = []  # keep Python references so Qt does not delete the windows


def open_panel(group: Any) -> Any:
    """Open the panel over Nuke's main window; a clear message when it is not installed."""
    try:
        from nexture_core.ui.qt import QtWidgets  # type: ignore[import-not-found]

        parent = QtWidgets.QApplication.activeWindow()
    except Exception:
        parent = None
    try:
        panel = open_shared_panel(nexture_node.control_values(group), parent=parent)
    except NextureError as exc:
        nuke.message(str(exc))
        return None
    _OPEN.append(panel)
    return panel
