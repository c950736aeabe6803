"""The artist's panel: input, pattern gallery, settings, live preview, outputs, run.

One widget for every host and for the standalone app. It is assembled from one
module per part the artist sees: :mod:`.input_section` (the input map),
:mod:`.patterns_section` (the gallery), :mod:`.view_section` (the viewer and the
live preview), :mod:`.settings_section` (scale, strength, quality, advanced),
:mod:`.outputs_section` (which maps, where) and :mod:`.run_section` (run,
progress, results). All slow work (reading a map, shading it, the quick
preview, the synthesis, loading results) runs in core
:class:`~nexture_core.job.Job` s on worker threads; a :class:`JobBridge` per
kind of work carries their progress and results back as queued signals.

Hosts embed it and either let it run jobs itself, or set ``run_internally =
False``, listen to ``run_requested`` and call :meth:`NexturePanel.request`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional

from ..errors import NextureError
from ..job import Job
from .controller import JobBridge
from .drops import FileDrops
from .imaging import DisplayMaps
from .input_section import InputSection
from .outputs_section import OutputsSection
from .patterns_section import PatternsSection
from .qt import Qt, QtCore, QtWidgets, Signal
from .run_section import RunSection
from .settings_section import SettingsSection
from .settings_store import SettingsStore
from .tasks import LoadedMap, warm_up_engine
from .view_section import PREVIEW_DEBOUNCE_MS, ViewSection

SETTINGS_MIN_WIDTH = 300
SPLITTER_SIZES = (340, 700, 320)  # input and patterns | viewer | settings and run


class NexturePanel(
    InputSection, PatternsSection, ViewSection, SettingsSection, OutputsSection, RunSection, QtWidgets.QWidget
):  # type: ignore[misc,name-defined]
    """Everything an artist needs to synthesize micro-detail on one map.

    Signals: ``run_requested()`` when Run is pressed with a valid request;
    ``finished(object)`` with the written paths (file input) or the
    SynthesisResult (array input); ``input_loaded(str)``, ``preview_shown(str)``
    and ``error_shown(str)`` for hosts and tests.
    """

    run_requested = Signal()
    finished = Signal(object)
    input_loaded = Signal(str)
    preview_shown = Signal(str)
    error_shown = Signal(str)

    def __init__(self, parent=None, *, bank=None, store: Optional[SettingsStore] = None) -> None:
        super().__init__(parent)
        self.run_internally = True
        self.store = store or SettingsStore()
        self.loaded: Optional[LoadedMap] = None
        self.results: Dict[str, DisplayMaps] = {}
        self.last_result = None
        self.output_paths: List[Path] = []
        self.last_preview = None
        self.request_running = None  # the FileRequest of the current/last run started here
        self._restoring = False
        self._qimages: dict = {}  # id(uint8 rendering) -> (rendering, QImage)

        self.load_bridge = JobBridge(self)
        self.run_bridge = JobBridge(self)
        self.preview_bridge = JobBridge(self)
        self.result_bridge = JobBridge(self)
        self.preview_timer = QtCore.QTimer(self)
        self.preview_timer.setSingleShot(True)
        self.preview_timer.setInterval(PREVIEW_DEBOUNCE_MS)
        self.drops = FileDrops(self, self.set_input_path)

        self._build()
        self._connect()
        self._load_bank(bank)
        self.restore_state()
        self.warmup_job = Job(warm_up_engine, name="warm up").start()

    def _build(self) -> None:
        left = QtWidgets.QWidget()
        left_layout = QtWidgets.QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self._build_input_box())
        left_layout.addWidget(self._build_patterns_box(), 1)

        page = QtWidgets.QWidget()
        page_layout = QtWidgets.QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 4, 0)
        for box in self._build_settings_boxes() + [self._build_outputs_box(), self._build_run_box()]:
            page_layout.addWidget(box)
        page_layout.addStretch(1)
        right = QtWidgets.QScrollArea()
        right.setWidgetResizable(True)
        right.setFrameShape(QtWidgets.QFrame.NoFrame)
        right.setWidget(page)
        right.setMinimumWidth(SETTINGS_MIN_WIDTH)

        self.splitter = QtWidgets.QSplitter(Qt.Horizontal)
        for w in (left, self._build_centre(), right):
            self.splitter.addWidget(w)
        for index, stretch in enumerate((0, 1, 0)):
            self.splitter.setStretchFactor(index, stretch)
        self.splitter.setSizes(list(SPLITTER_SIZES))
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.splitter, 1)

    def _connect(self) -> None:
        self._connect_input()
        self._connect_view()
        self._connect_settings()
        self._connect_outputs()
        self._connect_run()
        self.gallery.selection_changed.connect(self._on_setting_changed)

    def _on_setting_changed(self, *_args) -> None:
        if self._restoring:
            return
        self.update_sizes()
        self.save_state()
        self.schedule_preview()

    def set_values(self, values) -> None:
        """Fill the controls from a host's ``{control: value}`` dict (see nexture_core.requests).

        Keys: pattern or patterns, scale, texel_mm (0: use scale), strength, upscale,
        preset, seed, maps, iterations (0: preset), backbone, device, output, input.
        A bad value shows as an error in the panel instead of raising.
        """
        from ..requests import settings_from_values

        now = self.settings()
        merged = {  # keys the host leaves out keep the panel's current values
            "scale": now.scale,
            "texel_mm": now.texel_mm or 0.0,
            "map_width_mm": now.map_width_mm or 0.0,
            "height_mm": now.height_mm or 0.0,
            "strength": now.strength,
            "upscale": now.upscale,
            "preset": now.preset,
            "seed": now.seed,
            "maps": now.maps,
            "iterations": now.iterations or 0,
            "backbone": now.backbone,
            "device": now.device,
        }
        values = dict(values)
        merged.update({k: v for k, v in values.items() if k in merged})
        try:
            self.apply_settings(settings_from_values(merged))
        except NextureError as exc:
            self.show_error(str(exc))
        patterns = values.get("patterns") or ([values["pattern"]] if values.get("pattern") else None)
        if patterns:
            self.set_patterns([str(p) for p in patterns])
        if values.get("output"):
            self.output_edit.setText(str(values["output"]))
        if values.get("input"):
            self.set_input_path(values["input"])
        self.save_state()

    # ------------------------------------------------------------------ persistence
    def save_state(self) -> None:
        self._save_settings(self.store)
        self._save_outputs(self.store)
        self._save_patterns(self.store)
        self.store.set("live_preview", self.live_preview.isChecked())

    def restore_state(self) -> None:
        self._restoring = True
        try:
            self._restore_settings(self.store)
            self._restore_outputs(self.store)
            self.live_preview.setChecked(self.store.get_bool("live_preview", True))
            self._restore_patterns(self.store)
        finally:
            self._restoring = False
        self._on_scale_mode()

    def shutdown(self, wait_s: float = 2.0) -> None:
        """Cancel every job and wait a little for the workers, e.g. before a host closes the panel."""
        self.preview_timer.stop()
        bridges = (self.load_bridge, self.run_bridge, self.preview_bridge, self.result_bridge)
        for bridge in bridges:
            bridge.cancel()
        for bridge in bridges:
            if bridge.job is not None:
                bridge.job.wait(wait_s)
        self.save_state()

    def closeEvent(self, event) -> None:  # noqa: N802
        self.shutdown()
        super().closeEvent(event)
