"""A zoom/pan map viewer with a before/after split and a preview overlay.

Coordinates: the viewer works in *map pixels* of the full-resolution map, so
1:1 means one map pixel per screen pixel even though the images it draws are
downsampled for display. ``zoom`` is screen px per map px; ``offset`` is the
screen position of the map's top-left corner.
"""

from __future__ import annotations

from typing import Optional, Tuple

import numpy as np

from .qt import Qt, QtCore, QtGui, QtWidgets, Signal, event_pos

ZOOM_RANGE = (1.0 / 64.0, 32.0)
WHEEL_STEP = 1.25  # zoom factor per wheel notch
SPLIT_GRAB_PX = 6  # how close to the split line a press grabs it


def qimage_from(pixels: np.ndarray) -> QtGui.QImage:  # type: ignore[name-defined]
    """HxW or HxWx3 uint8 -> an owning QImage (the copy detaches it from numpy's buffer)."""
    arr = np.ascontiguousarray(pixels)
    h, w = arr.shape[:2]
    if arr.ndim == 2:
        image = QtGui.QImage(arr.data, w, h, arr.strides[0], QtGui.QImage.Format_Grayscale8)
    else:
        image = QtGui.QImage(arr.data, w, h, arr.strides[0], QtGui.QImage.Format_RGB888)
    return image.copy()


class MapViewer(QtWidgets.QWidget):  # type: ignore[misc,name-defined]
    """Draws ``before`` (and ``after`` in split mode) plus an optional preview patch.

    Wheel zooms about the cursor, left-drag pans (or moves the split line when
    grabbed), ``1`` shows 1:1, ``F`` fits the map in the view.
    """

    view_changed = Signal()  # zoom or pan changed
    split_changed = Signal(float)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.StrongFocus)
        self.setMouseTracking(True)
        self.setMinimumSize(240, 200)
        self.map_size: Tuple[int, int] = (0, 0)  # (width, height) in full-res px
        self.before: Optional[QtGui.QImage] = None  # type: ignore[name-defined]
        self.after: Optional[QtGui.QImage] = None  # type: ignore[name-defined]
        self.preview: Optional[QtGui.QImage] = None  # type: ignore[name-defined]
        self.preview_rect: Optional[Tuple[int, int, int, int]] = None  # x, y, w, h in map px
        self.preview_label = "PREVIEW"
        self.preview_visible = True  # the panel hides it while a result is on screen
        self.split_mode = False
        self.split = 0.5  # split line position as a fraction of the widget width
        self.placeholder = "Drop a displacement map here or use Browse"
        self.zoom = 1.0
        self.offset = QtCore.QPointF(0.0, 0.0)
        self._fitted = True
        self._drag: Optional[str] = None
        self._drag_from = QtCore.QPointF()
        self._offset_from = QtCore.QPointF()

    # -- content -----------------------------------------------------------
    def set_map(self, before, size: Tuple[int, int], *, keep_view: bool = False) -> None:
        """Show ``before`` (QImage, any resolution) as a map of ``size`` = (w, h) full-res px."""
        changed = tuple(size) != tuple(self.map_size)
        self.before = before
        self.map_size = (int(size[0]), int(size[1]))
        if changed:
            self.after = None
            self.clear_preview()
        if changed or not keep_view:
            self.fit()
        self.update()

    def set_after(self, after) -> None:
        """The result image shown right of the split line (None hides it)."""
        self.after = after
        self.update()

    def set_split_mode(self, on: bool) -> None:
        self.split_mode = bool(on)
        self.update()

    def set_split(self, fraction: float) -> None:
        self.split = float(min(max(fraction, 0.0), 1.0))
        self.split_changed.emit(self.split)
        self.update()

    def set_preview(self, image, rect: Tuple[int, int, int, int]) -> None:
        """Overlay ``image`` on the map rectangle ``rect`` = (x, y, w, h) in map px."""
        self.preview = image
        self.preview_rect = tuple(int(v) for v in rect)  # type: ignore[assignment]
        self.update()

    def clear_preview(self) -> None:
        self.preview = None
        self.preview_rect = None
        self.update()

    # -- view transform -----------------------------------------------------
    def map_to_screen(self, x: float, y: float) -> QtCore.QPointF:  # type: ignore[name-defined]
        return QtCore.QPointF(self.offset.x() + x * self.zoom, self.offset.y() + y * self.zoom)

    def screen_to_map(self, point) -> Tuple[float, float]:
        return ((point.x() - self.offset.x()) / self.zoom, (point.y() - self.offset.y()) / self.zoom)

    def view_centre(self) -> Tuple[float, float]:
        """The map pixel under the middle of the widget, clamped onto the map."""
        x, y = self.screen_to_map(QtCore.QPointF(self.width() / 2.0, self.height() / 2.0))
        w, h = self.map_size
        return (min(max(x, 0.0), float(w)), min(max(y, 0.0), float(h)))

    def fit(self) -> None:
        """Zoom so the whole map is visible, centred."""
        w, h = self.map_size
        self._fitted = True
        if w <= 0 or h <= 0:
            return
        self.zoom = self._clamp_zoom(min(self.width() / float(w), self.height() / float(h)) * 0.98)
        self._centre_on(w / 2.0, h / 2.0)

    def actual_size(self) -> None:
        """One map pixel per screen pixel, keeping the view centre where it is."""
        self.zoom_about(1.0 / self.zoom, QtCore.QPointF(self.width() / 2.0, self.height() / 2.0))

    def zoom_about(self, factor: float, anchor) -> None:
        """Multiply the zoom by ``factor`` keeping the map point under ``anchor`` (screen) fixed."""
        mx, my = self.screen_to_map(anchor)
        self.zoom = self._clamp_zoom(self.zoom * factor)
        self.offset = QtCore.QPointF(anchor.x() - mx * self.zoom, anchor.y() - my * self.zoom)
        self._fitted = False
        self.view_changed.emit()
        self.update()

    def pan(self, dx: float, dy: float) -> None:
        self.offset = QtCore.QPointF(self.offset.x() + dx, self.offset.y() + dy)
        self._fitted = False
        self.view_changed.emit()
        self.update()

    def _centre_on(self, x: float, y: float) -> None:
        self.offset = QtCore.QPointF(self.width() / 2.0 - x * self.zoom, self.height() / 2.0 - y * self.zoom)
        self.view_changed.emit()
        self.update()

    @staticmethod
    def _clamp_zoom(z: float) -> float:
        return float(min(max(z, ZOOM_RANGE[0]), ZOOM_RANGE[1]))

    # -- events ---------------------------------------------------------------
    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if self._fitted:
            self.fit()
        super().resizeEvent(event)

    def wheelEvent(self, event) -> None:  # noqa: N802
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_about(WHEEL_STEP**steps, event_pos(event))
        event.accept()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key_1:
            self.actual_size()
        elif event.key() == Qt.Key_F:
            self.fit()
        else:
            super().keyPressEvent(event)

    def _split_x(self) -> float:
        return self.split * self.width()

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() != Qt.LeftButton:
            return super().mousePressEvent(event)
        pos = event_pos(event)
        self.setFocus()
        near_split = self.split_mode and self.after is not None and abs(pos.x() - self._split_x()) <= SPLIT_GRAB_PX
        self._drag = "split" if near_split else "pan"
        self._drag_from = QtCore.QPointF(pos)
        self._offset_from = QtCore.QPointF(self.offset)
        event.accept()

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        pos = event_pos(event)
        if self._drag == "split":
            self.set_split(pos.x() / max(1.0, float(self.width())))
        elif self._drag == "pan":
            self.offset = QtCore.QPointF(
                self._offset_from.x() + pos.x() - self._drag_from.x(),
                self._offset_from.y() + pos.y() - self._drag_from.y(),
            )
            self._fitted = False
            self.update()
        else:
            grab = self.split_mode and self.after is not None and abs(pos.x() - self._split_x()) <= SPLIT_GRAB_PX
            self.setCursor(Qt.SplitHCursor if grab else Qt.ArrowCursor)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if self._drag == "pan":
            self.view_changed.emit()
        self._drag = None

    # -- painting ---------------------------------------------------------------
    def _map_rect(self) -> QtCore.QRectF:  # type: ignore[name-defined]
        w, h = self.map_size
        return QtCore.QRectF(self.offset.x(), self.offset.y(), w * self.zoom, h * self.zoom)

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QtGui.QPainter(self)
        painter.fillRect(self.rect(), QtGui.QColor(38, 38, 42))
        if self.before is None:
            painter.setPen(QtGui.QColor(150, 150, 150))
            painter.drawText(self.rect(), Qt.AlignCenter, self.placeholder)
            painter.end()
            return
        # Smooth when minifying, nearest when magnifying so texels stay readable.
        painter.setRenderHint(QtGui.QPainter.SmoothPixmapTransform, self.zoom < 1.0)
        target = self._map_rect()
        painter.drawImage(target, self.before, QtCore.QRectF(self.before.rect()))
        if self.preview is not None and self.preview_rect is not None and self.preview_visible and not self.split_mode:
            self._paint_preview(painter)
        if self.split_mode and self.after is not None:
            sx = self._split_x()
            painter.save()
            painter.setClipRect(QtCore.QRectF(sx, 0, self.width() - sx, self.height()))
            painter.drawImage(target, self.after, QtCore.QRectF(self.after.rect()))
            painter.restore()
            painter.setPen(QtGui.QPen(QtGui.QColor(255, 200, 40), 2))
            painter.drawLine(QtCore.QPointF(sx, 0), QtCore.QPointF(sx, self.height()))
            for text, box in (
                ("input", QtCore.QRectF(sx - 52, 6, 46, 18)),
                ("result", QtCore.QRectF(sx + 6, 6, 46, 18)),
            ):
                painter.fillRect(box, QtGui.QColor(20, 20, 24, 190))  # readable over light relief
                painter.setPen(QtGui.QColor(255, 255, 255))
                painter.drawText(box, Qt.AlignCenter, text)
        painter.end()

    def _paint_preview(self, painter) -> None:
        if self.preview is None or self.preview_rect is None:
            return
        x, y, w, h = self.preview_rect
        tl = self.map_to_screen(x, y)
        rect = QtCore.QRectF(tl.x(), tl.y(), w * self.zoom, h * self.zoom)
        painter.drawImage(rect, self.preview, QtCore.QRectF(self.preview.rect()))
        painter.setPen(QtGui.QPen(QtGui.QColor(110, 170, 255), 1.5, Qt.DashLine))
        painter.drawRect(rect)
        metrics = painter.fontMetrics()
        label = QtCore.QRectF(
            rect.x() + 1, rect.y() + 1, metrics.horizontalAdvance(self.preview_label) + 10, metrics.height() + 4
        )
        painter.fillRect(label, QtGui.QColor(10, 25, 60, 210))
        painter.setPen(QtGui.QColor(190, 220, 255))
        painter.drawText(label, Qt.AlignCenter, self.preview_label)
