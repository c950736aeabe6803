"""Fake ``maya.OpenMayaUI``: ``MQtUtil`` hands out C++ pointers to Qt widgets, as Maya does.

``findControl(name)`` points at the widget of a ``workspaceControl`` made by the
fake ``cmds``; ``mainWindow()`` at a main window made once. The plugin must wrap
them with its binding's shiboken (``nexture_core.ui.qt.wrap_instance``).
"""

from __future__ import annotations

from typing import Any, List, Optional

from fakes import host_call

_MAIN: List[Any] = []


def _pointer(widget: Any) -> int:
    import shiboken6

    return int(shiboken6.getCppPointer(widget)[0])


class MQtUtil:
    @staticmethod
    @host_call("maya.OpenMayaUI.MQtUtil.findControl")
    def findControl(name: str) -> Optional[int]:
        from maya import cmds

        widget = cmds.WIDGETS.get(name)
        return None if widget is None else _pointer(widget)

    @staticmethod
    @host_call("maya.OpenMayaUI.MQtUtil.mainWindow")
    def mainWindow() -> int:
        if not _MAIN:
            from PySide6 import QtWidgets

            _MAIN.append(QtWidgets.QMainWindow())
        return _pointer(_MAIN[0])
