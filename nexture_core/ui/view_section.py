"""The panel's centre: the map viewer, its view modes, and the live preview patch.

A part of :class:`~nexture_core.ui.panel.NexturePanel` (a mixin: it builds its
widgets on the panel and runs previews through the panel's ``preview_bridge``
and ``preview_timer``).
"""

from __future__ import annotations

from functools import partial
from typing import Optional

import numpy as np

from ..errors import NextureError
from ..job import Job, JobState
from .qt import QtWidgets
from .tasks import run_preview
from .viewer import MapViewer, qimage_from

VIEW_MODES = ("height", "relief", "split")
VIEW_LABELS = {"height": "Height", "relief": "Relief", "split": "Before | After"}
VIEW_TIPS = {
    "height": "Show the map's heights as grey levels",
    "relief": "Show the map as shaded relief",
    "split": "Input left, result right; drag the yellow line",
}
INPUT_KEY = ""  # the "Show" combo's entry for the input itself
PREVIEW_DEBOUNCE_MS = 600
QIMAGE_CACHE = 16  # renderings kept as QImages


class ViewSection:
    """Builds ``viewer``, the view bar (``view_buttons``, ``show_combo``, ``live_preview``, Fit, 1:1) and ``preview_status``."""

    def _build_centre(self):
        self.viewer = MapViewer()
        centre = QtWidgets.QWidget()
        layout = QtWidgets.QVBoxLayout(centre)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._build_view_bar())
        layout.addWidget(self.viewer, 1)
        self.preview_status = QtWidgets.QLabel("")
        self.preview_status.setStyleSheet("color: #7fb2ff;")
        layout.addWidget(self.preview_status)
        return centre

    def _build_view_bar(self):
        bar = QtWidgets.QHBoxLayout()
        self.view_buttons = QtWidgets.QButtonGroup(self)
        for i, mode in enumerate(VIEW_MODES):
            button = QtWidgets.QToolButton()
            button.setText(VIEW_LABELS[mode])
            button.setCheckable(True)
            button.setToolTip(VIEW_TIPS[mode])
            self.view_buttons.addButton(button, i)
            bar.addWidget(button)
        self.view_buttons.button(VIEW_MODES.index("relief")).setChecked(True)
        bar.addSpacing(12)
        bar.addWidget(QtWidgets.QLabel("Show"))
        self.show_combo = QtWidgets.QComboBox()
        self.show_combo.addItem("Input", INPUT_KEY)
        self.show_combo.setMinimumContentsLength(14)
        bar.addWidget(self.show_combo)
        bar.addStretch(1)
        self.live_preview = QtWidgets.QCheckBox("Live preview")
        self.live_preview.setToolTip(
            "Quickly synthesize ~256 px around the view centre (tinted blue) to judge pattern and scale"
        )
        self.live_preview.setChecked(True)
        bar.addWidget(self.live_preview)
        self.fit_button = QtWidgets.QToolButton()
        self.fit_button.setText("Fit")
        self.fit_button.setToolTip("Fit the map in the view (F)")
        self.one_button = QtWidgets.QToolButton()
        self.one_button.setText("1:1")
        self.one_button.setToolTip("One map pixel per screen pixel (1)")
        bar.addWidget(self.fit_button)
        bar.addWidget(self.one_button)
        return bar

    def _connect_view(self) -> None:
        self.view_buttons.buttonClicked.connect(lambda *_: self._refresh_view())
        self.show_combo.currentIndexChanged.connect(lambda *_: self._refresh_view())
        self.fit_button.clicked.connect(self.viewer.fit)
        self.one_button.clicked.connect(self.viewer.actual_size)
        self.viewer.view_changed.connect(self._on_view_changed)
        self.live_preview.toggled.connect(self._on_preview_toggled)
        self.preview_timer.timeout.connect(self.start_preview)
        self.preview_bridge.finished.connect(self._on_preview_finished)

    # ------------------------------------------------------------------ viewing
    @property
    def view_mode(self) -> str:
        return VIEW_MODES[max(0, self.view_buttons.checkedId())]

    def set_view_mode(self, mode: str) -> None:
        self.view_buttons.button(VIEW_MODES.index(mode)).setChecked(True)
        self._refresh_view()

    def _fill_show_combo(self, select_first_result: bool = False) -> None:
        self.show_combo.blockSignals(True)
        self.show_combo.clear()
        self.show_combo.addItem("Input", INPUT_KEY)
        for key in self.results:
            self.show_combo.addItem(key, key)
        if select_first_result and self.results:
            self.show_combo.setCurrentIndex(1)
        self.show_combo.blockSignals(False)

    def _refresh_view(self) -> None:
        if self.loaded is None:
            return
        key = self.show_combo.currentData() or INPUT_KEY
        shown = self.results.get(key) if key else None
        mode = self.view_mode
        if mode == "split":
            right = shown or next(iter(self.results.values()), None)
            self.viewer.set_map(self._qimage(self.loaded.display.relief), self.loaded.display.full_size, keep_view=True)
            self.viewer.set_after(self._qimage(right.relief) if right is not None else None)
            self.viewer.set_split_mode(True)
            return
        source = shown or self.loaded.display
        pixels = source.height if mode == "height" else source.relief
        self.viewer.preview_visible = shown is None  # a preview only makes sense over the input
        self.viewer.set_map(self._qimage(pixels), self.loaded.display.full_size, keep_view=True)
        self.viewer.set_after(None)
        self.viewer.set_split_mode(False)

    def _input_image(self):
        d = self.loaded.display
        return self._qimage(d.height if self.view_mode == "height" else d.relief)

    def _qimage(self, pixels: np.ndarray):
        """QImage of a rendering, cached: switching views must not re-copy 2k images each time."""
        key = id(pixels)
        cached = self._qimages.get(key)
        if cached is None or cached[0] is not pixels:
            if len(self._qimages) > QIMAGE_CACHE:
                self._qimages.clear()
            cached = (pixels, qimage_from(pixels))
            self._qimages[key] = cached
        return cached[1]

    def _on_view_changed(self) -> None:
        rect = self.viewer.preview_rect
        if rect is None:
            return
        x, y = self.viewer.view_centre()
        inside = rect[0] <= x <= rect[0] + rect[2] and rect[1] <= y <= rect[1] + rect[3]
        if not inside:
            self.schedule_preview()

    # ------------------------------------------------------------------ preview
    def _on_preview_toggled(self, on: bool) -> None:
        self.save_state()
        if on:
            self.schedule_preview()
        else:
            self.preview_timer.stop()
            self.preview_bridge.cancel()
            self.viewer.clear_preview()
            self.preview_status.setText("")

    def schedule_preview(self) -> None:
        """(Re)start the debounce timer; the preview runs when the controls rest for a moment."""
        if self.live_preview.isChecked() and self.loaded is not None and self.selected_patterns():
            self.preview_timer.start()

    def start_preview(self) -> Optional[Job]:
        """Cancel any running preview and start a quick one around the view centre now."""
        self.preview_timer.stop()
        self.preview_bridge.cancel()
        if self.loaded is None or self.run_bridge.busy or not self.selected_patterns():
            return None
        pattern_id = self.selected_patterns()[0]
        pattern = self.gallery.pattern(pattern_id) or pattern_id
        try:
            settings = self.settings().validated()
        except NextureError as exc:
            self.show_error(str(exc))
            return None
        if self.view_mode == "split" or self.show_combo.currentData():
            # The artist is tuning again: show the input, where the preview lands.
            self.show_combo.setCurrentIndex(0)
            self.set_view_mode("relief")
        centre = self.viewer.view_centre()
        self.preview_status.setText(f"Previewing {pattern_id} around the view centre…")
        work = partial(run_preview, self.loaded.height, centre, pattern, settings)
        return self.preview_bridge.start(Job(work, name=f"preview {pattern_id}"))

    def _on_preview_finished(self, job: Job) -> None:
        if job is not self.preview_bridge.job:
            return
        if job.state is JobState.DONE:
            preview = job.result
            self.last_preview = preview
            self.viewer.preview_label = f"PREVIEW · {preview.pattern} (quick, not the final result)"
            self.viewer.set_preview(qimage_from(preview.pixels), preview.rect)
            self.preview_status.setText(
                f"Blue patch: quick preview of '{preview.pattern}' ({preview.seconds:.1f} s). The final run is greyscale and seamless."
            )
            self.preview_shown.emit(preview.pattern)
        elif job.state is JobState.FAILED:
            self.preview_status.setText("")
            self.show_error(f"Preview failed: {job.error_text}")
        else:
            self.preview_status.setText("")
