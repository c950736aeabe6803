"""The artist's panel: input, pattern gallery, settings, live preview, run.

One widget for every host and for the standalone app. All slow work (reading
a map, shading it, the quick preview, the synthesis, loading results) runs in
core :class:`~nexture_core.job.Job` s on worker threads; a :class:`JobBridge`
per kind of work carries their progress and results back as queued signals.

Hosts embed it and either let it run jobs itself, or set ``run_internally =
False``, listen to ``run_requested`` and call :meth:`NexturePanel.request`.
"""

from __future__ import annotations

import math
from functools import partial
from pathlib import Path
from typing import Dict, List, Optional

import numpy as np

from ..errors import InputError, NextureError, SettingsError
from ..job import Job, JobState
from ..settings import DEVICES, PRESETS, Settings
from .controller import JobBridge, format_eta
from .gallery import PatternGallery
from .imaging import DisplayMaps
from .qt import QtCore, QtWidgets, Qt, Signal
from .settings_store import SettingsStore
from .tasks import LoadedMap, label_outputs, load_input, warm_up_engine, load_result_maps, prepare_array, result_display_maps, run_preview
from .viewer import MapViewer, qimage_from

SCALE_MIN, SCALE_MAX = 0.25, 4.0
SCALE_STEPS = 1000  # slider ticks across the log range
STRENGTH_SLIDER_MAX = 3.0
PREVIEW_DEBOUNCE_MS = 600
OUTPUT_MAPS = ("displacement", "albedo", "specular", "normal")
VIEW_MODES = ("height", "relief", "split")
INPUT_KEY = ""  # the "Show" combo's entry for the input itself


def scale_to_slider(scale: float) -> int:
    """Multiplier -> slider position on a log axis (equal steps feel equal at 0.25 and at 4)."""
    scale = min(max(scale, SCALE_MIN), SCALE_MAX)
    return int(round(SCALE_STEPS * math.log(scale / SCALE_MIN) / math.log(SCALE_MAX / SCALE_MIN)))


def slider_to_scale(position: int) -> float:
    return SCALE_MIN * (SCALE_MAX / SCALE_MIN) ** (position / float(SCALE_STEPS))


def describe_info(info, name: str) -> str:
    """Lines for the input: size, bit depth, channels, format, notes (from an io.ImageInfo)."""
    if info is None:
        return name
    channels = tuple(getattr(info, "channels", ()) or ())
    selected = tuple(getattr(info, "selected", ()) or ())
    sample = getattr(info, "sample_type", "")
    text = f"{name}\n{info.width} x {info.height} px · {getattr(info, 'bit_depth', '?')}-bit {sample}"
    if channels:
        text += f" · channels {','.join(channels)}"
        if selected and selected != channels:
            text += f" (using {','.join(selected)})"
    fmt = getattr(info, "format", "")
    if fmt:
        text += f" · {fmt.upper()}"
    for note in getattr(info, "notes", ()) or ():
        text += f"\n{note}"
    return text


class NexturePanel(QtWidgets.QWidget):  # type: ignore[misc,name-defined]
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
        self.setAcceptDrops(True)
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

        self._build()
        self._connect()
        self._load_bank(bank)
        self.restore_state()
        self.warmup_job = Job(warm_up_engine, name="warm up").start()

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        self.gallery = PatternGallery()
        self.viewer = MapViewer()
        left = QtWidgets.QWidget()
        left_layout = QtWidgets.QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self._build_input_box())
        patterns_box = QtWidgets.QGroupBox("Patterns")
        QtWidgets.QVBoxLayout(patterns_box).addWidget(self.gallery)
        left_layout.addWidget(patterns_box, 1)

        centre = QtWidgets.QWidget()
        centre_layout = QtWidgets.QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.addLayout(self._build_view_bar())
        centre_layout.addWidget(self.viewer, 1)
        self.preview_status = QtWidgets.QLabel("")
        self.preview_status.setStyleSheet("color: #7fb2ff;")
        centre_layout.addWidget(self.preview_status)

        right = QtWidgets.QScrollArea()
        right.setWidgetResizable(True)
        right.setFrameShape(QtWidgets.QFrame.NoFrame)
        right.setWidget(self._build_settings())
        right.setMinimumWidth(300)

        self.splitter = QtWidgets.QSplitter(Qt.Horizontal)
        for w in (left, centre, right):
            self.splitter.addWidget(w)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes([340, 700, 320])
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.splitter, 1)

    def _build_input_box(self):
        box = QtWidgets.QGroupBox("Input map")
        self.input_edit = QtWidgets.QLineEdit()
        self.input_edit.setPlaceholderText("Drop or browse a displacement map (TIFF, EXR, PNG)")
        self.browse_button = QtWidgets.QPushButton("Browse…")
        self.info_label = QtWidgets.QLabel("No map loaded.")
        self.info_label.setWordWrap(True)
        self.info_label.setStyleSheet("color: #aaa;")
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.input_edit, 1)
        row.addWidget(self.browse_button)
        layout = QtWidgets.QVBoxLayout(box)
        layout.addLayout(row)
        layout.addWidget(self.info_label)
        return box

    def _build_view_bar(self):
        bar = QtWidgets.QHBoxLayout()
        self.view_buttons = QtWidgets.QButtonGroup(self)
        for i, (mode, label) in enumerate(zip(VIEW_MODES, ("Height", "Relief", "Before | After"))):
            button = QtWidgets.QToolButton()
            button.setText(label)
            button.setCheckable(True)
            button.setToolTip({"height": "Show the map's heights as grey levels", "relief": "Show the map as shaded relief", "split": "Input left, result right; drag the yellow line"}[mode])
            self.view_buttons.addButton(button, i)
            bar.addWidget(button)
        self.view_buttons.button(1).setChecked(True)
        bar.addSpacing(12)
        bar.addWidget(QtWidgets.QLabel("Show"))
        self.show_combo = QtWidgets.QComboBox()
        self.show_combo.addItem("Input", INPUT_KEY)
        self.show_combo.setMinimumContentsLength(14)
        bar.addWidget(self.show_combo)
        bar.addStretch(1)
        self.live_preview = QtWidgets.QCheckBox("Live preview")
        self.live_preview.setToolTip("Quickly synthesize ~256 px around the view centre (tinted blue) to judge pattern and scale")
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

    def _build_settings(self):
        page = QtWidgets.QWidget()
        layout = QtWidgets.QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 4, 0)

        scale_box = QtWidgets.QGroupBox("Scale and strength")
        form = QtWidgets.QFormLayout(scale_box)
        self.scale_by_multiplier = QtWidgets.QRadioButton("Multiplier")
        self.scale_by_texel = QtWidgets.QRadioButton("Texel size")
        self.scale_by_multiplier.setChecked(True)
        self.scale_mode_group = QtWidgets.QButtonGroup(self)
        self.scale_mode_group.addButton(self.scale_by_multiplier, 0)
        self.scale_mode_group.addButton(self.scale_by_texel, 1)
        mode_row = QtWidgets.QHBoxLayout()
        mode_row.addWidget(self.scale_by_multiplier)
        mode_row.addWidget(self.scale_by_texel)
        form.addRow("Scale by", mode_row)
        self.scale_slider = QtWidgets.QSlider(Qt.Horizontal)
        self.scale_slider.setRange(0, SCALE_STEPS)
        self.scale_slider.setSingleStep(SCALE_STEPS // 200)
        self.scale_slider.setPageStep(SCALE_STEPS // 20)  # a page is x1.15
        self.scale_spin = QtWidgets.QDoubleSpinBox()
        self.scale_spin.setRange(SCALE_MIN, SCALE_MAX)
        self.scale_spin.setDecimals(3)
        self.scale_spin.setSingleStep(0.05)
        self.scale_spin.setPrefix("x")
        self.scale_spin.setToolTip("2 makes the pattern's detail twice as large on the map")
        self.scale_row = QtWidgets.QWidget()
        row = QtWidgets.QHBoxLayout(self.scale_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.scale_slider, 1)
        row.addWidget(self.scale_spin)
        form.addRow("Scale", self.scale_row)
        self.texel_spin = QtWidgets.QDoubleSpinBox()
        self.texel_spin.setRange(0.001, 10.0)
        self.texel_spin.setDecimals(4)
        self.texel_spin.setSingleStep(0.005)
        self.texel_spin.setSuffix(" mm/px")
        self.texel_spin.setToolTip("Size of one output pixel on the real face; sets the scale from each pattern's own size in mm")
        form.addRow("Texel", self.texel_spin)
        self.strength_slider = QtWidgets.QSlider(Qt.Horizontal)
        self.strength_slider.setRange(0, int(STRENGTH_SLIDER_MAX * 100))
        self.strength_spin = QtWidgets.QDoubleSpinBox()
        self.strength_spin.setRange(0.0, 10.0)
        self.strength_spin.setDecimals(2)
        self.strength_spin.setSingleStep(0.05)
        strength_row = QtWidgets.QHBoxLayout()
        strength_row.addWidget(self.strength_slider, 1)
        strength_row.addWidget(self.strength_spin)
        form.addRow("Strength", strength_row)
        layout.addWidget(scale_box)

        quality_box = QtWidgets.QGroupBox("Quality")
        form = QtWidgets.QFormLayout(quality_box)
        self.upscale_combo = QtWidgets.QComboBox()
        for factor in (1, 2, 4):
            self.upscale_combo.addItem(f"x{factor}", factor)
        form.addRow("Upscale", self.upscale_combo)
        self.preset_combo = QtWidgets.QComboBox()
        for preset in PRESETS:
            self.preset_combo.addItem(preset.capitalize(), preset)
        form.addRow("Preset", self.preset_combo)
        self.seed_spin = QtWidgets.QSpinBox()
        self.seed_spin.setRange(0, 2 ** 31 - 1)
        form.addRow("Seed", self.seed_spin)
        self.device_combo = QtWidgets.QComboBox()
        for device in DEVICES:
            self.device_combo.addItem(device, device)
        form.addRow("Device", self.device_combo)
        layout.addWidget(quality_box)

        out_box = QtWidgets.QGroupBox("Outputs")
        out_layout = QtWidgets.QVBoxLayout(out_box)
        maps_row = QtWidgets.QGridLayout()
        self.map_checks = {}
        for i, name in enumerate(OUTPUT_MAPS):
            check = QtWidgets.QCheckBox(name.capitalize())
            check.setChecked(name == "displacement")
            self.map_checks[name] = check
            maps_row.addWidget(check, i // 2, i % 2)
        out_layout.addLayout(maps_row)
        template_row = QtWidgets.QHBoxLayout()
        self.output_edit = QtWidgets.QLineEdit()
        self.output_edit.setPlaceholderText("{name}_{pattern}_{map}.{ext} beside the input")
        self.output_edit.setToolTip("Output path template; fields {name} {pattern} {map} {ext}")
        self.output_button = QtWidgets.QPushButton("Folder…")
        template_row.addWidget(self.output_edit, 1)
        template_row.addWidget(self.output_button)
        out_layout.addLayout(template_row)
        layout.addWidget(out_box)

        self.advanced_box = QtWidgets.QGroupBox("Advanced")
        self.advanced_box.setCheckable(True)
        self.advanced_box.setChecked(False)
        form = QtWidgets.QFormLayout(self.advanced_box)
        self.iterations_spin = QtWidgets.QSpinBox()
        self.iterations_spin.setRange(0, 5000)
        self.iterations_spin.setSpecialValueText("from preset")
        self.iterations_spin.setToolTip("Iterations per pyramid level; 0 uses the preset's schedule")
        form.addRow("Iterations", self.iterations_spin)
        self.backbone_combo = QtWidgets.QComboBox()
        self.backbone_combo.addItem("VGG-19 (shipped weights)", "vgg19")
        self.backbone_combo.addItem("Random (weight-free, tests)", "random")
        form.addRow("Features", self.backbone_combo)
        layout.addWidget(self.advanced_box)

        buttons = QtWidgets.QHBoxLayout()
        self.run_button = QtWidgets.QPushButton("Run")
        self.run_button.setDefault(True)
        self.run_button.setMinimumHeight(32)
        self.run_button.setStyleSheet("font-weight: bold;")
        self.cancel_button = QtWidgets.QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        buttons.addWidget(self.run_button, 2)
        buttons.addWidget(self.cancel_button, 1)
        layout.addLayout(buttons)
        self.progress_bar = QtWidgets.QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setTextVisible(False)
        layout.addWidget(self.progress_bar)
        self.stage_label = QtWidgets.QLabel("Ready.")
        self.stage_label.setWordWrap(True)
        layout.addWidget(self.stage_label)
        self.status_label = QtWidgets.QLabel("")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(self.status_label)
        self.outputs_list = QtWidgets.QListWidget()
        self.outputs_list.setToolTip("Files written by the last run")
        self.outputs_list.setMaximumHeight(110)
        layout.addWidget(self.outputs_list)
        layout.addStretch(1)
        return page

    def _connect(self) -> None:
        self.browse_button.clicked.connect(self.browse_input)
        self.input_edit.returnPressed.connect(lambda: self.set_input_path(self.input_edit.text()))
        self.output_button.clicked.connect(self.browse_output_folder)
        self.scale_slider.valueChanged.connect(self._on_scale_slider)
        self.scale_spin.valueChanged.connect(self._on_scale_spin)
        self.strength_slider.valueChanged.connect(lambda v: self.strength_spin.setValue(v / 100.0))
        self.strength_spin.valueChanged.connect(self._on_strength_spin)
        self.scale_mode_group.buttonClicked.connect(self._on_scale_mode)
        for widget in (self.texel_spin, self.seed_spin, self.iterations_spin):
            widget.valueChanged.connect(self._on_setting_changed)
        for combo in (self.upscale_combo, self.preset_combo, self.device_combo, self.backbone_combo):
            combo.currentIndexChanged.connect(self._on_setting_changed)
        for check in self.map_checks.values():
            check.toggled.connect(self._on_setting_changed)
        self.output_edit.editingFinished.connect(self._on_setting_changed)
        self.live_preview.toggled.connect(self._on_preview_toggled)
        self.advanced_box.toggled.connect(self._on_setting_changed)
        self.gallery.selection_changed.connect(self._on_setting_changed)
        self.view_buttons.buttonClicked.connect(lambda *_: self._refresh_view())
        self.show_combo.currentIndexChanged.connect(lambda *_: self._refresh_view())
        self.fit_button.clicked.connect(self.viewer.fit)
        self.one_button.clicked.connect(self.viewer.actual_size)
        self.viewer.view_changed.connect(self._on_view_changed)
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        self.preview_timer.timeout.connect(self.start_preview)
        self.load_bridge.finished.connect(self._on_loaded)
        self.load_bridge.progressed.connect(lambda job: self._set_stage(job.stage) if job is self.load_bridge.job else None)  # type: ignore[union-attr]
        self.run_bridge.progressed.connect(self._on_run_progress)
        self.run_bridge.finished.connect(self._on_run_finished)
        self.preview_bridge.finished.connect(self._on_preview_finished)
        self.result_bridge.finished.connect(self._on_results_loaded)

    def _load_bank(self, bank) -> None:
        try:
            if bank is None:
                from ..patterns import load_bank

                bank = load_bank()
            self.bank = bank
            self.gallery.set_bank(bank)
        except NextureError as exc:
            self.bank = None
            self.show_error(str(exc))

    # ------------------------------------------------------------------ input
    def browse_input(self) -> None:
        start = self.store.get_str("last_dir", str(Path.home()))
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Open displacement map", start, "Maps (*.tif *.tiff *.exr *.png *.jpg *.jpeg);;All files (*)")
        if path:
            self.set_input_path(path)

    def set_input_path(self, path) -> Job:
        """Load a map from disk on a worker thread; ``input_loaded`` fires when it shows."""
        path = Path(str(path)).expanduser()
        self.input_edit.setText(str(path))
        self.info_label.setText(f"Reading {path.name}…")
        self.store.set("last_dir", str(path.parent))
        return self._start_load(Job(partial(load_input, path), name=f"read {path.name}"))

    def set_input_array(self, array: np.ndarray, name: str = "host map") -> Job:
        """Take a map (HxW or HxWxC float) from a host; runs then go through ``synthesize``."""
        arr = np.asarray(array)
        if arr.ndim not in (2, 3) or min(arr.shape[:2]) < 1:
            raise InputError(f"{name}: a map must be an H x W (or H x W x C) array; got shape {arr.shape}.")
        self.input_edit.setText(name)
        self.info_label.setText(f"Preparing {name}…")
        return self._start_load(Job(partial(prepare_array, arr, name), name=f"prepare {name}"))

    def _start_load(self, job: Job) -> Job:
        if self.run_bridge.busy:
            # The running job's results belong to the current map; refuse rather than mix them up.
            job = Job(_refuse_while_running, name="refused load")
        self.load_bridge.cancel()
        self.preview_bridge.cancel()
        self.clear_error()
        return self.load_bridge.start(job)

    def _on_loaded(self, job: Job) -> None:
        if job is not self.load_bridge.job:
            return
        if job.state is not JobState.DONE:
            if job.state is JobState.FAILED:
                self.show_error(job.error_text)
            if self.loaded is None or job.name != "refused load":
                self._clear_input()
            else:
                self.input_edit.setText(str(self.loaded.path or self.loaded.name))
                self.info_label.setText(describe_info(self.loaded.info, self.loaded.name))
            return
        loaded: LoadedMap = job.result
        self.loaded = loaded
        self.results = {}
        self.last_result = None
        self.output_paths = []
        self.outputs_list.clear()
        self._fill_show_combo()
        if loaded.info is not None:
            self.info_label.setText(describe_info(loaded.info, loaded.name))
        else:
            h, w = loaded.height.shape
            self.info_label.setText(f"{loaded.name}\n{w} x {h} px · float32 from host")
        self.viewer.clear_preview()
        self.viewer.set_map(self._input_image(), loaded.display.full_size)
        self._refresh_view()
        self._set_stage("Ready.")
        self.input_loaded.emit(loaded.name)
        self.schedule_preview()

    def _clear_input(self) -> None:
        """Back to "no map": a failed read must not leave the previous map looking current."""
        self.loaded = None
        self.results = {}
        self._fill_show_combo()
        self.info_label.setText("No map loaded.")
        self.viewer.clear_preview()
        self.viewer.set_after(None)
        self.viewer.set_map(None, (0, 0))
        self.preview_status.setText("")

    def _input_image(self):
        d = self.loaded.display  # type: ignore[union-attr]
        return self._qimage(d.height if self.view_mode == "height" else d.relief)

    def _qimage(self, pixels: np.ndarray):
        """QImage of a rendering, cached: switching views must not re-copy 2k images each time."""
        key = id(pixels)
        cached = self._qimages.get(key)
        if cached is None or cached[0] is not pixels:
            if len(self._qimages) > 16:
                self._qimages.clear()
            cached = (pixels, qimage_from(pixels))
            self._qimages[key] = cached
        return cached[1]

    # ------------------------------------------------------------------ drag and drop
    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if dropped_path(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        path = dropped_path(event.mimeData())
        if path is not None:
            self.set_input_path(path)
            event.acceptProposedAction()

    # ------------------------------------------------------------------ settings
    @property
    def view_mode(self) -> str:
        return VIEW_MODES[max(0, self.view_buttons.checkedId())]

    def set_view_mode(self, mode: str) -> None:
        self.view_buttons.button(VIEW_MODES.index(mode)).setChecked(True)
        self._refresh_view()

    def set_patterns(self, ids) -> None:
        self.gallery.set_selected_ids(ids)

    def selected_patterns(self) -> List[str]:
        return self.gallery.selected_ids()

    def set_scale(self, scale: float) -> None:
        self.scale_spin.setValue(scale)

    def _on_scale_slider(self, position: int) -> None:
        value = round(slider_to_scale(position), 3)
        if abs(self.scale_spin.value() - value) > 1e-9:
            self.scale_spin.blockSignals(True)
            self.scale_spin.setValue(value)
            self.scale_spin.blockSignals(False)
        self._on_setting_changed()

    def _on_scale_spin(self, value: float) -> None:
        self.scale_slider.blockSignals(True)
        self.scale_slider.setValue(scale_to_slider(value))
        self.scale_slider.blockSignals(False)
        self._on_setting_changed()

    def _on_strength_spin(self, value: float) -> None:
        self.strength_slider.blockSignals(True)
        self.strength_slider.setValue(int(round(min(value, STRENGTH_SLIDER_MAX) * 100)))
        self.strength_slider.blockSignals(False)
        self._on_setting_changed()

    def _on_scale_mode(self, *_args) -> None:
        by_texel = self.scale_by_texel.isChecked()
        self.scale_row.setEnabled(not by_texel)
        self.texel_spin.setEnabled(by_texel)
        self._on_setting_changed()

    def _on_setting_changed(self, *_args) -> None:
        if self._restoring:
            return
        self.save_state()
        self.schedule_preview()

    def settings(self) -> Settings:
        """The Settings the controls describe (not yet validated)."""
        by_texel = self.scale_by_texel.isChecked()
        maps = tuple(name for name in OUTPUT_MAPS if self.map_checks[name].isChecked()) or ("displacement",)
        advanced = self.advanced_box.isChecked()  # unchecked: its greyed-out values are not in effect
        iterations = (self.iterations_spin.value() or None) if advanced else None
        return Settings(
            scale=1.0 if by_texel else float(self.scale_spin.value()),
            texel_mm=float(self.texel_spin.value()) if by_texel else None,
            upscale=int(self.upscale_combo.currentData()),
            strength=float(self.strength_spin.value()),
            preset=str(self.preset_combo.currentData()),
            iterations=iterations,
            seed=int(self.seed_spin.value()),
            device=str(self.device_combo.currentData()),
            backbone=str(self.backbone_combo.currentData()) if advanced else Settings.backbone,
            maps=maps,
        )

    def apply_settings(self, settings: Settings) -> None:
        """Set the controls from ``settings`` (hosts restoring a node's knobs)."""
        self._restoring = True
        try:
            self.scale_by_texel.setChecked(settings.texel_mm is not None)
            self.scale_by_multiplier.setChecked(settings.texel_mm is None)
            if settings.texel_mm is not None:
                self.texel_spin.setValue(settings.texel_mm)
            self.scale_spin.setValue(min(max(settings.scale, SCALE_MIN), SCALE_MAX))
            self.strength_spin.setValue(settings.strength)
            _select_data(self.upscale_combo, settings.upscale)
            _select_data(self.preset_combo, settings.preset)
            _select_data(self.device_combo, settings.device)
            _select_data(self.backbone_combo, settings.backbone)
            self.seed_spin.setValue(settings.seed)
            self.iterations_spin.setValue(settings.iterations or 0)
            self.advanced_box.setChecked(settings.iterations is not None or settings.backbone != Settings.backbone)
            for name, check in self.map_checks.items():
                check.setChecked(name in settings.maps)
        finally:
            self._restoring = False
        self._on_scale_mode()

    def set_values(self, values) -> None:
        """Fill the controls from a host's ``{control: value}`` dict (see nexture_core.hosts.requests).

        Keys: pattern or patterns, scale, texel_mm (0: use scale), strength, upscale,
        preset, seed, maps, iterations (0: preset), backbone, device, output, input.
        A bad value shows as an error in the panel instead of raising.
        """
        from ..requests import settings_from_values

        now = self.settings()
        merged = {  # keys the host leaves out keep the panel's current values
            "scale": now.scale, "texel_mm": now.texel_mm or 0.0, "strength": now.strength, "upscale": now.upscale,
            "preset": now.preset, "seed": now.seed, "maps": now.maps, "iterations": now.iterations or 0,
            "backbone": now.backbone, "device": now.device,
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

    def set_input(self, source, name: str = "host map") -> Job:
        """A path (str/Path) or an array from a host: whichever it is."""
        if isinstance(source, np.ndarray):
            return self.set_input_array(source, name)
        return self.set_input_path(source)

    def request(self):
        """The FileRequest the panel describes (validated); raises NextureError when incomplete.

        For a map handed over as an array, ``input`` is the name it was given.
        """
        from ..api import FileRequest

        if self.loaded is None:
            raise InputError("No input map: drop a displacement map on the panel or use Browse.")
        patterns = self.selected_patterns()
        if not patterns:
            raise SettingsError("No pattern chosen: select at least one pattern in the gallery.")
        settings = self.settings().validated()
        source = self.loaded.path if self.loaded.path is not None else self.loaded.name
        template = self.output_edit.text().strip() or None
        return FileRequest(input=source, patterns=list(patterns), settings=settings, output=template)

    # ------------------------------------------------------------------ running
    @property
    def job(self) -> Optional[Job]:
        """The current (or last) synthesis job."""
        return self.run_bridge.job

    def run(self) -> Optional[Job]:
        """Start a synthesis of the current input with the chosen patterns; None if it cannot start."""
        if self.run_bridge.busy:
            return None
        try:
            request = self.request()
        except NextureError as exc:
            self.show_error(str(exc))
            return None
        self.clear_error()
        self.run_requested.emit()
        if not self.run_internally:
            return None
        self.request_running = request
        return self.watch_job(self._make_job(request), start=True)

    def _make_job(self, request) -> Job:
        from ..api import synthesis_job, synthesize

        if self.loaded is not None and self.loaded.path is None:
            height = self.loaded.height
            # Pattern objects (not ids) so a host's own bank works as well as the built-in one.
            patterns = [self.gallery.pattern(pid) or pid for pid in request.patterns]
            settings = request.settings
            return Job(lambda progress, cancel: synthesize(height, patterns, settings, progress, cancel), name=f"{self.loaded.name} [{', '.join(request.patterns)}]")
        return synthesis_job(request)

    def watch_job(self, job: Job, *, start: bool = False) -> Job:
        """Show ``job``'s progress, result and errors in the panel (hosts may start it themselves)."""
        self.preview_timer.stop()
        self.preview_bridge.cancel()
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress_bar.setValue(0)
        self._set_stage("Starting…")
        if start:
            return self.run_bridge.start(job)
        self.run_bridge.watch(job)
        if job.state.finished:  # finished before we listened: replay its end
            self._on_run_finished(job)
        return job

    def cancel(self) -> None:
        """Stop the running synthesis (nothing is written) and any preview."""
        self.run_bridge.cancel()
        self.preview_bridge.cancel()
        if self.run_bridge.busy:
            self._set_stage("Cancelling…")

    def _on_run_progress(self, job: Job) -> None:
        if job is not self.run_bridge.job:
            return
        self.progress_bar.setValue(int(job.progress * 1000))
        eta = format_eta(job.eta_seconds)
        self._set_stage(f"{job.stage} — {eta}" if eta else job.stage)

    def _on_run_finished(self, job: Job) -> None:
        if job is not self.run_bridge.job:
            return
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        if job.state is JobState.DONE:
            self.progress_bar.setValue(1000)
            self._show_run_result(job)
        elif job.state is JobState.CANCELLED:
            self.clear_error()
            self.progress_bar.setValue(0)
            self._set_stage("Cancelled; no output was written.")
        else:
            self.progress_bar.setValue(0)
            self._set_stage("Failed.")
            self.show_error(job.error_text)

    def _show_run_result(self, job: Job) -> None:
        result = job.result
        self.last_result = result
        self.outputs_list.clear()
        if isinstance(result, (list, tuple)):
            self.output_paths = [Path(p) for p in result]
            for path in self.output_paths:
                item = QtWidgets.QListWidgetItem(path.name)
                item.setToolTip(str(path))
                item.setData(Qt.UserRole, str(path))
                self.outputs_list.addItem(item)
            patterns = list(getattr(self.request_running, "patterns", []) or [])
            exaggeration = self.loaded.display.exaggeration if self.loaded is not None else None
            loader = Job(partial(load_result_maps, label_outputs(self.output_paths, patterns), exaggeration), name="load results")
            noun = "file" if len(self.output_paths) == 1 else "files"
            self._set_stage(f"Done in {job.elapsed:.1f} s: {len(self.output_paths)} {noun} written.")
        else:
            self.output_paths = []
            for key in result.outputs:
                self.outputs_list.addItem(f"{key} (in memory)")
            exaggeration = self.loaded.display.exaggeration if self.loaded is not None else None
            loader = Job(partial(result_display_maps, result, exaggeration), name="render results")
            self._set_stage(f"Done in {job.elapsed:.1f} s.")
        self.result_bridge.start(loader)

    def _on_results_loaded(self, job: Job) -> None:
        if job is not self.result_bridge.job:
            return
        if job.state is JobState.DONE:
            self.results = job.result
            self._fill_show_combo(select_first_result=True)
            self.set_view_mode("split")
        elif job.state is JobState.FAILED:
            self.show_error(job.error_text)
        self.finished.emit(self.last_result)

    def _fill_show_combo(self, select_first_result: bool = False) -> None:
        self.show_combo.blockSignals(True)
        self.show_combo.clear()
        self.show_combo.addItem("Input", INPUT_KEY)
        for key in self.results:
            self.show_combo.addItem(key, key)
        if select_first_result and self.results:
            self.show_combo.setCurrentIndex(1)
        self.show_combo.blockSignals(False)

    # ------------------------------------------------------------------ viewing
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
            self.preview_status.setText(f"Blue patch: quick preview of '{preview.pattern}' ({preview.seconds:.1f} s). The final run is greyscale and seamless.")
            self.preview_shown.emit(preview.pattern)
        elif job.state is JobState.FAILED:
            self.preview_status.setText("")
            self.show_error(f"Preview failed: {job.error_text}")
        else:
            self.preview_status.setText("")

    # ------------------------------------------------------------------ messages
    def _set_stage(self, text: str) -> None:
        self.stage_label.setText(text)

    def show_error(self, text: str) -> None:
        """Show a readable error in the panel (red) and emit ``error_shown``."""
        self.status_label.setStyleSheet("color: #ff5c5c; font-weight: bold;")
        self.status_label.setText(text)
        self.error_shown.emit(text)

    def clear_error(self) -> None:
        self.status_label.setText("")

    @property
    def error_text(self) -> str:
        return self.status_label.text()

    # ------------------------------------------------------------------ persistence
    def save_state(self) -> None:
        s = self.store
        s.set("scale", self.scale_spin.value())
        s.set("scale_by_texel", self.scale_by_texel.isChecked())
        s.set("texel_mm", self.texel_spin.value())
        s.set("strength", self.strength_spin.value())
        s.set("upscale", self.upscale_combo.currentData())
        s.set("preset", self.preset_combo.currentData())
        s.set("seed", self.seed_spin.value())
        s.set("device", self.device_combo.currentData())
        s.set("backbone", self.backbone_combo.currentData())
        s.set("iterations", self.iterations_spin.value())
        s.set("advanced", self.advanced_box.isChecked())
        s.set("maps", [n for n, c in self.map_checks.items() if c.isChecked()])
        s.set("output", self.output_edit.text())
        s.set("patterns", self.selected_patterns())
        s.set("live_preview", self.live_preview.isChecked())

    def restore_state(self) -> None:
        s = self.store
        defaults = Settings()
        self._restoring = True
        try:
            self.scale_spin.setValue(s.get_float("scale", 1.0))
            self._on_scale_spin(self.scale_spin.value())
            self.scale_by_texel.setChecked(s.get_bool("scale_by_texel", False))
            self.scale_by_multiplier.setChecked(not self.scale_by_texel.isChecked())
            self.texel_spin.setValue(s.get_float("texel_mm", 0.05))
            self.strength_spin.setValue(s.get_float("strength", defaults.strength))
            self._on_strength_spin(self.strength_spin.value())
            _select_data(self.upscale_combo, s.get_int("upscale", defaults.upscale))
            _select_data(self.preset_combo, s.get_str("preset", defaults.preset))
            self.seed_spin.setValue(s.get_int("seed", defaults.seed))
            _select_data(self.device_combo, s.get_str("device", defaults.device))
            _select_data(self.backbone_combo, s.get_str("backbone", defaults.backbone))
            self.iterations_spin.setValue(s.get_int("iterations", 0))
            self.advanced_box.setChecked(s.get_bool("advanced", False))
            maps = s.get_list("maps", ["displacement"])
            for name, check in self.map_checks.items():
                check.setChecked(name in maps)
            self.output_edit.setText(s.get_str("output", ""))
            self.live_preview.setChecked(s.get_bool("live_preview", True))
            default_patterns = [self._default_pattern()] if self._default_pattern() else []
            self.gallery.set_selected_ids(s.get_list("patterns", default_patterns))
        finally:
            self._restoring = False
        self._on_scale_mode()

    def _default_pattern(self) -> str:
        try:
            from ..patterns import DEFAULT_PATTERN
        except ImportError:
            return ""
        return DEFAULT_PATTERN if DEFAULT_PATTERN in self.gallery.patterns else ""

    def browse_output_folder(self) -> None:
        folder = QtWidgets.QFileDialog.getExistingDirectory(self, "Output folder", self.store.get_str("last_dir", str(Path.home())))
        if folder:
            self.output_edit.setText(str(Path(folder) / "{name}_{pattern}_{map}.{ext}"))
            self._on_setting_changed()

    def shutdown(self, wait_s: float = 2.0) -> None:
        """Cancel every job and wait a little for the workers, e.g. before a host closes the panel."""
        self.preview_timer.stop()
        for bridge in (self.load_bridge, self.run_bridge, self.preview_bridge, self.result_bridge):
            bridge.cancel()
        for bridge in (self.load_bridge, self.run_bridge, self.preview_bridge, self.result_bridge):
            if bridge.job is not None:
                bridge.job.wait(wait_s)
        self.save_state()

    def closeEvent(self, event) -> None:  # noqa: N802
        self.shutdown()
        super().closeEvent(event)


def _refuse_while_running(progress, cancel):
    raise InputError("A synthesis is running; cancel it or wait for it to finish before loading another map.")


def dropped_path(mime) -> Optional[Path]:
    """The first local file in a drag's mime data, if any."""
    if mime is None or not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile():
            return Path(url.toLocalFile())
    return None


def _select_data(combo, value) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)
