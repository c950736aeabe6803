"""Dropping a map from a file browser onto a widget: one event filter for the panel and the window."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from .qt import QtCore


def dropped_path(mime) -> Optional[Path]:
    """The first local file in a drag's mime data, if any."""
    if mime is None or not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile():
            return Path(url.toLocalFile())
    return None


class FileDrops(QtCore.QObject):  # type: ignore[misc,name-defined]
    """Makes ``widget`` accept a dragged local file and hands it to ``on_file(path)``.

    An event filter rather than overridden drag handlers, so any widget (the
    panel, the standalone window) takes drops the same way. Owned by ``widget``.
    """

    def __init__(self, widget, on_file: Callable[[Path], object]) -> None:
        super().__init__(widget)
        self.on_file = on_file
        widget.setAcceptDrops(True)
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind not in (QtCore.QEvent.DragEnter, QtCore.QEvent.Drop):
            return False
        path = dropped_path(event.mimeData())
        if path is None:
            return False
        if kind == QtCore.QEvent.Drop:
            self.on_file(path)
        event.acceptProposedAction()
        return True
