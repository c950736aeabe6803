"""The panel's settings: scale and strength, quality, and the advanced box.

A part of :class:`~nexture_core.ui.panel.NexturePanel` (a mixin: it builds its
widgets on the panel; every change calls the panel's ``_on_setting_changed``,
and ``settings()`` takes the chosen maps from the outputs box).
"""

from __future__ import annotations

import math

from ..settings import DEVICES, PRESETS, Settings
from .qt import Qt, QtWidgets

SCALE_MIN, SCALE_MAX = 0.25, 4.0
SCALE_STEPS = 1000  # slider ticks across the log range
STRENGTH_SLIDER_MAX = 3.0
UPSCALE_FACTORS = (1, 2, 4)


def scale_to_slider(scale: float) -> int:
    """Multiplier -> slider position on a log axis (equal steps feel equal at 0.25 and at 4)."""
    scale = min(max(scale, SCALE_MIN), SCALE_MAX)
    return int(round(SCALE_STEPS * math.log(scale / SCALE_MIN) / math.log(SCALE_MAX / SCALE_MIN)))


def slider_to_scale(position: int) -> float:
    return SCALE_MIN * (SCALE_MAX / SCALE_MIN) ** (position / float(SCALE_STEPS))


def select_data(combo, value) -> None:
    """Select the combo entry whose data is ``value`` (unknown values leave it as it is)."""
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


def _spin(minimum: float, maximum: float, decimals: int, step: float, tooltip: str = ""):
    spin = QtWidgets.QDoubleSpinBox()
    spin.setRange(minimum, maximum)
    spin.setDecimals(decimals)
    spin.setSingleStep(step)
    if tooltip:
        spin.setToolTip(tooltip)
    return spin


def _slider_row(slider, spin):
    row = QtWidgets.QWidget()
    layout = QtWidgets.QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(slider, 1)
    layout.addWidget(spin)
    return row


class SettingsSection:
    """Builds the scale/texel/strength, upscale/preset/seed/device and iterations/features controls."""

    def _build_settings_boxes(self):
        return [self._build_scale_box(), self._build_quality_box(), self._build_advanced_box()]

    def _build_scale_box(self):
        box = QtWidgets.QGroupBox("Scale and strength")
        form = QtWidgets.QFormLayout(box)
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
        self.scale_spin = _spin(SCALE_MIN, SCALE_MAX, 3, 0.05, "2 makes the pattern's detail twice as large on the map")
        self.scale_spin.setPrefix("x")
        self.scale_row = _slider_row(self.scale_slider, self.scale_spin)
        form.addRow("Scale", self.scale_row)
        self.texel_spin = _spin(
            0.001,
            10.0,
            4,
            0.005,
            "Size of one output pixel on the real face; sets the scale from each pattern's own size in mm",
        )
        self.texel_spin.setSuffix(" mm/px")
        form.addRow("Texel", self.texel_spin)
        self.strength_slider = QtWidgets.QSlider(Qt.Horizontal)
        self.strength_slider.setRange(0, int(STRENGTH_SLIDER_MAX * 100))
        self.strength_spin = _spin(0.0, 10.0, 2, 0.05)
        form.addRow("Strength", _slider_row(self.strength_slider, self.strength_spin))
        return box

    def _build_quality_box(self):
        box = QtWidgets.QGroupBox("Quality")
        form = QtWidgets.QFormLayout(box)
        self.upscale_combo = QtWidgets.QComboBox()
        for factor in UPSCALE_FACTORS:
            self.upscale_combo.addItem(f"x{factor}", factor)
        form.addRow("Upscale", self.upscale_combo)
        self.preset_combo = QtWidgets.QComboBox()
        for preset in PRESETS:
            self.preset_combo.addItem(preset.capitalize(), preset)
        form.addRow("Preset", self.preset_combo)
        self.seed_spin = QtWidgets.QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        form.addRow("Seed", self.seed_spin)
        self.device_combo = QtWidgets.QComboBox()
        for device in DEVICES:
            self.device_combo.addItem(device, device)
        form.addRow("Device", self.device_combo)
        return box

    def _build_advanced_box(self):
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
        return self.advanced_box

    def _connect_settings(self) -> None:
        self.scale_slider.valueChanged.connect(self._on_scale_slider)
        self.scale_spin.valueChanged.connect(self._on_scale_spin)
        self.strength_slider.valueChanged.connect(lambda v: self.strength_spin.setValue(v / 100.0))
        self.strength_spin.valueChanged.connect(self._on_strength_spin)
        self.scale_mode_group.buttonClicked.connect(self._on_scale_mode)
        for widget in (self.texel_spin, self.seed_spin, self.iterations_spin):
            widget.valueChanged.connect(self._on_setting_changed)
        for combo in (self.upscale_combo, self.preset_combo, self.device_combo, self.backbone_combo):
            combo.currentIndexChanged.connect(self._on_setting_changed)
        self.advanced_box.toggled.connect(self._on_setting_changed)

    # ------------------------------------------------------------------ slots
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

    # ------------------------------------------------------------------ values
    def settings(self) -> Settings:
        """The Settings the controls describe (not yet validated)."""
        by_texel = self.scale_by_texel.isChecked()
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
            maps=self.chosen_maps(),
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
            select_data(self.upscale_combo, settings.upscale)
            select_data(self.preset_combo, settings.preset)
            select_data(self.device_combo, settings.device)
            select_data(self.backbone_combo, settings.backbone)
            self.seed_spin.setValue(settings.seed)
            self.iterations_spin.setValue(settings.iterations or 0)
            self.advanced_box.setChecked(settings.iterations is not None or settings.backbone != Settings.backbone)
            self.set_chosen_maps(settings.maps)
        finally:
            self._restoring = False
        self._on_scale_mode()

    def _save_settings(self, store) -> None:
        store.set("scale", self.scale_spin.value())
        store.set("scale_by_texel", self.scale_by_texel.isChecked())
        store.set("texel_mm", self.texel_spin.value())
        store.set("strength", self.strength_spin.value())
        store.set("upscale", self.upscale_combo.currentData())
        store.set("preset", self.preset_combo.currentData())
        store.set("seed", self.seed_spin.value())
        store.set("device", self.device_combo.currentData())
        store.set("backbone", self.backbone_combo.currentData())
        store.set("iterations", self.iterations_spin.value())
        store.set("advanced", self.advanced_box.isChecked())

    def _restore_settings(self, store) -> None:
        defaults = Settings()
        self.scale_spin.setValue(store.get_float("scale", 1.0))
        self._on_scale_spin(self.scale_spin.value())
        self.scale_by_texel.setChecked(store.get_bool("scale_by_texel", False))
        self.scale_by_multiplier.setChecked(not self.scale_by_texel.isChecked())
        self.texel_spin.setValue(store.get_float("texel_mm", 0.05))
        self.strength_spin.setValue(store.get_float("strength", defaults.strength))
        self._on_strength_spin(self.strength_spin.value())
        select_data(self.upscale_combo, store.get_int("upscale", defaults.upscale))
        select_data(self.preset_combo, store.get_str("preset", defaults.preset))
        self.seed_spin.setValue(store.get_int("seed", defaults.seed))
        select_data(self.device_combo, store.get_str("device", defaults.device))
        select_data(self.backbone_combo, store.get_str("backbone", defaults.backbone))
        self.iterations_spin.setValue(store.get_int("iterations", 0))
        self.advanced_box.setChecked(store.get_bool("advanced", False))
