"""The pattern gallery: shaded thumbnails of the bank, filtered by region and text.

A QListView in icon mode over a QStandardItemModel, behind a proxy that
filters; several patterns can be selected (one output each). The model keeps
the pattern id in ``ID_ROLE`` so the selection survives filtering and sorting.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, List, Optional

from ..io import read_image
from .imaging import level, to_uint8
from .qt import Qt, QtCore, QtGui, QtWidgets, Signal
from .viewer import qimage_from

ID_ROLE = int(Qt.UserRole) + 1
REGION_ROLE = int(Qt.UserRole) + 2
SEARCH_ROLE = int(Qt.UserRole) + 3
THUMB_PX = 96
ALL_REGIONS = "All regions"


def pattern_caption(pattern) -> str:
    """Two-line label: name, then physical size in mm and pixels."""
    w_px, h_px = pattern.size_px
    return f"{pattern.name}\n{pattern.width_mm:g} mm · {w_px} px"


def pattern_tooltip(pattern) -> str:
    parts = [
        f"<b>{pattern.name}</b> ({pattern.id})",
        f"Region: {pattern.region}",
        f"{pattern.width_mm:g} mm wide, {pattern.size_px[0]}x{pattern.size_px[1]} px, {pattern.mm_per_px * 1000:.1f} µm per px",
    ]
    if getattr(pattern, "description", ""):
        parts.append(pattern.description)
    if getattr(pattern, "licence", ""):
        parts.append(f"Licence: {pattern.licence}")
    if getattr(pattern, "attribution", ""):
        parts.append(pattern.attribution)
    return "<br>".join(parts)


def thumbnail_icon(pattern) -> QtGui.QIcon:  # type: ignore[name-defined]
    """The pattern's shaded thumbnail, or a neutral tile with its initials when it has none."""
    path = getattr(pattern, "thumbnail_path", None)
    image = QtGui.QImage(str(path)) if path and Path(path).is_file() else QtGui.QImage()
    if image.isNull() and path and Path(path).is_file():
        image = _read_with_core(Path(path))
    if image.isNull():
        image = QtGui.QImage(THUMB_PX, THUMB_PX, QtGui.QImage.Format_RGB32)
        image.fill(QtGui.QColor(70, 70, 76))
        painter = QtGui.QPainter(image)
        painter.setPen(QtGui.QColor(200, 200, 200))
        painter.drawText(image.rect(), Qt.AlignCenter, "".join(w[:1].upper() for w in str(pattern.name).split()[:2]))
        painter.end()
    pixmap = QtGui.QPixmap.fromImage(image.scaled(THUMB_PX, THUMB_PX, Qt.KeepAspectRatio, Qt.SmoothTransformation))
    return QtGui.QIcon(pixmap)


def _read_with_core(path: Path):
    """Thumbnails Qt cannot decode (16-bit TIFF, EXR) go through nexture_core.io."""
    try:
        pixels, _ = read_image(path)
        if pixels.shape[2] >= 3:
            return qimage_from(to_uint8(pixels[..., :3]))
        return qimage_from(to_uint8(level(pixels[..., 0])))
    except Exception:  # a bad thumbnail must not break the gallery
        return QtGui.QImage()


class _PatternFilter(QtCore.QSortFilterProxyModel):  # type: ignore[misc,name-defined]
    """Keeps rows whose region matches the combo and whose text contains every typed word."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.region = ""
        self.words: List[str] = []

    def set_filter(self, region: str, text: str) -> None:
        # Qt 6.10 replaced invalidateFilter() with a begin/end pair; hosts ship older Qts.
        modern = hasattr(self, "beginFilterChange") and hasattr(self, "endFilterChange")
        if modern:
            self.beginFilterChange()
        self.region = region
        self.words = text.lower().split()
        if modern:
            self.endFilterChange()
        else:
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent) -> bool:  # noqa: N802
        index = self.sourceModel().index(row, 0, parent)
        if self.region and index.data(REGION_ROLE) != self.region:
            return False
        haystack = index.data(SEARCH_ROLE) or ""
        return all(w in haystack for w in self.words)


class PatternGallery(QtWidgets.QWidget):  # type: ignore[misc,name-defined]
    """Pick one or more patterns from a bank; emits ``selection_changed(list of ids)``."""

    selection_changed = Signal(list)

    def __init__(self, bank=None, parent=None) -> None:
        super().__init__(parent)
        self.region_combo = QtWidgets.QComboBox()
        self.region_combo.setToolTip("Show only patterns from one body region")
        self.search = QtWidgets.QLineEdit()
        self.search.setPlaceholderText("Filter patterns…")
        self.search.setClearButtonEnabled(True)
        self.model = QtGui.QStandardItemModel(self)
        self.proxy = _PatternFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = QtWidgets.QListView()
        self.view.setModel(self.proxy)
        self.view.setViewMode(QtWidgets.QListView.IconMode)
        self.view.setIconSize(QtCore.QSize(THUMB_PX, THUMB_PX))
        self.view.setGridSize(QtCore.QSize(THUMB_PX + 34, THUMB_PX + 44))
        self.view.setResizeMode(QtWidgets.QListView.Adjust)
        self.view.setMovement(QtWidgets.QListView.Static)
        self.view.setWordWrap(True)
        self.view.setUniformItemSizes(True)
        self.view.setSelectionMode(QtWidgets.QAbstractItemView.MultiSelection)
        self.view.setEditTriggers(QtWidgets.QAbstractItemView.NoEditTriggers)
        self.count_label = QtWidgets.QLabel()
        self.count_label.setStyleSheet("color: #999;")

        top = QtWidgets.QHBoxLayout()
        top.addWidget(self.region_combo)
        top.addWidget(self.search, 1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count_label)

        self.region_combo.currentIndexChanged.connect(self._refilter)
        self.search.textChanged.connect(self._refilter)
        self.view.selectionModel().selectionChanged.connect(self._on_selection)
        self.patterns: dict = {}
        self._chosen: set = set()
        self._refiltering = False
        if bank is not None:
            self.set_bank(bank)

    def set_bank(self, bank) -> None:
        """Fill the gallery from a PatternBank (anything with ``patterns()``)."""
        self.model.clear()
        self.patterns = {}
        self._chosen = set()
        regions = set()
        for pattern in bank.patterns():
            item = QtGui.QStandardItem(thumbnail_icon(pattern), pattern_caption(pattern))
            item.setData(pattern.id, ID_ROLE)
            item.setData(pattern.region, REGION_ROLE)
            search = " ".join(
                str(v) for v in (pattern.id, pattern.name, pattern.region, getattr(pattern, "description", ""))
            )
            item.setData(search.lower(), SEARCH_ROLE)
            item.setToolTip(pattern_tooltip(pattern))
            item.setEditable(False)
            self.model.appendRow(item)
            self.patterns[pattern.id] = pattern
            regions.add(pattern.region)
        self.region_combo.blockSignals(True)
        self.region_combo.clear()
        self.region_combo.addItem(ALL_REGIONS, "")
        for region in sorted(regions):
            self.region_combo.addItem(region.replace("_", " ").capitalize(), region)
        self.region_combo.blockSignals(False)
        self._refilter()

    def _refilter(self, *_args) -> None:
        self._refiltering = True
        try:
            self.proxy.set_filter(self.region_combo.currentData() or "", self.search.text())
            self._apply_chosen()
        finally:
            self._refiltering = False
        self._update_count()

    def _update_count(self) -> None:
        self.count_label.setText(
            f"{self.proxy.rowCount()} of {self.model.rowCount()} patterns · {len(self.selected_ids())} selected"
        )

    def set_region(self, region: str) -> None:
        index = self.region_combo.findData(region)
        self.region_combo.setCurrentIndex(max(index, 0))

    def set_text_filter(self, text: str) -> None:
        self.search.setText(text)

    def visible_ids(self) -> List[str]:
        return [self.proxy.index(r, 0).data(ID_ROLE) for r in range(self.proxy.rowCount())]

    def selected_ids(self) -> List[str]:
        """Chosen pattern ids in bank order; a choice hidden by the filter stays chosen."""
        return [pid for pid in self.patterns if pid in self._chosen]

    def set_selected_ids(self, ids: Iterable[str]) -> None:
        """Choose exactly ``ids`` (unknown ids are ignored)."""
        self._chosen = {i for i in ids if i in self.patterns}
        self._refiltering = True
        try:
            self._apply_chosen()
        finally:
            self._refiltering = False
        self._update_count()
        self.selection_changed.emit(self.selected_ids())

    def _apply_chosen(self) -> None:
        """Mirror ``_chosen`` onto the visible rows' selection."""
        selection = QtCore.QItemSelection()
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(ID_ROLE) in self._chosen:
                selection.select(index, index)
        self.view.selectionModel().select(selection, QtCore.QItemSelectionModel.ClearAndSelect)

    def _on_selection(self, *_args) -> None:
        if self._refiltering:
            return
        visible = set(self.visible_ids())
        selected = {i.data(ID_ROLE) for i in self.view.selectionModel().selectedIndexes()}
        self._chosen = (self._chosen - visible) | selected
        self._update_count()
        self.selection_changed.emit(self.selected_ids())

    def pattern(self, pattern_id: str) -> Optional[object]:
        return self.patterns.get(pattern_id)
