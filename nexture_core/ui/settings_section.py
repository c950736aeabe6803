"""The panel's settings: size and depth (texel size, height unit, detail size, strength), quality, advanced.

The size box says, live, how many texels a pore and a crease cell of the
chosen pattern span on this map, and when micro-detail is below what the map
can draw (with the --upscale that would draw it).

A part of :class:`~nexture_core.ui.panel.NexturePanel` (a mixin: it builds its
widgets on the panel; every change calls the panel's ``_on_setting_changed``,
and ``settings()`` takes the chosen maps from the outputs box).
"""

from __future__ import annotations

import math
from typing import Optional, Sequence

from .. import units
from ..settings import DEVICES, PRESETS, Settings
from ..units import DEFAULT_HEIGHT_MM
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


def physical_sizes_text(settings: Settings, width_px: Optional[int], patterns: Sequence) -> str:
    """Rich text for the panel: pores and cells of the first pattern in output texels, and what the map cannot draw.

    Without an input the texel size given is still shown, or that the
    pattern's own is assumed.
    """
    if not patterns:
        return "Pick a pattern to see the size of its pores and cells on this map."
    pattern = patterns[0]
    if not hasattr(pattern, "feature_mm"):
        return ""  # a host's stand-in pattern without physical facts
    t = units.texel(settings, width_px or 1, pattern)
    if settings.map_width_mm is not None and not width_px:
        return "Load a map to turn its width into a texel size."
    head = (
        f"Assumed the pattern's own <b>{t.output_mm:.4g} mm</b> per texel (give the map's size above)"
        if t.assumed
        else f"<b>{t.output_mm:.4g} mm</b> per output texel"
    )
    text = f"{head}: {units.describe_sizes(pattern, t, settings.scale)} ({pattern.id})."
    note = units.resolution_note(pattern, t, settings.scale, settings.upscale)
    if note:
        text += f"<br><span style='color:#d08020'>{note[0].upper() + note[1:]}</span>"
    oversampled = units.oversampling_note(settings, width_px or 1, patterns)
    if oversampled:
        text += f"<br>{oversampled[0].upper() + oversampled[1:]}"
    return text


class SettingsSection:
    """Builds the scale/texel/strength, upscale/preset/seed/device and iterations/features controls."""

    def _build_settings_boxes(self):
        return [self._build_scale_box(), self._build_quality_box(), self._build_advanced_box()]

    def _build_scale_box(self):
        box = QtWidgets.QGroupBox("Size and depth")
        form = QtWidgets.QFormLayout(box)
        self.scale_by_multiplier = QtWidgets.QRadioButton("Unknown")
        self.scale_by_multiplier.setToolTip("Assume the pattern's own texel size: one pattern pixel per output pixel")
        self.scale_by_texel = QtWidgets.QRadioButton("Texel")
        self.scale_by_width = QtWidgets.QRadioButton("Map width")
        self.scale_by_multiplier.setChecked(True)
        self.scale_mode_group = QtWidgets.QButtonGroup(self)
        for index, button in enumerate((self.scale_by_multiplier, self.scale_by_texel, self.scale_by_width)):
            self.scale_mode_group.addButton(button, index)
        mode_row = QtWidgets.QHBoxLayout()
        for button in (self.scale_by_multiplier, self.scale_by_texel, self.scale_by_width):
            mode_row.addWidget(button)
        form.addRow("Map size", mode_row)
        self.texel_spin = _spin(0.0005, 10.0, 4, 0.005, "Size of one texel of the input map on the real skin, in mm")
        self.texel_spin.setSuffix(" mm/texel")
        form.addRow("Texel", self.texel_spin)
        self.width_spin = _spin(0.1, 100000.0, 1, 10.0, "The width the input map covers on the real body, in mm")
        self.width_spin.setSuffix(" mm")
        form.addRow("Map width", self.width_spin)
        self.height_spin = _spin(
            0.0, 1e6, 3, 1.0, "How many mm of relief one unit of the map means (e.g. 10 for a map in cm)"
        )
        self.height_spin.setSpecialValueText(f"{DEFAULT_HEIGHT_MM:g} mm (default)")
        self.height_spin.setSuffix(" mm per unit")
        form.addRow("Height unit", self.height_spin)
        self.scale_slider = QtWidgets.QSlider(Qt.Horizontal)
        self.scale_slider.setRange(0, SCALE_STEPS)
        self.scale_slider.setSingleStep(SCALE_STEPS // 200)
        self.scale_slider.setPageStep(SCALE_STEPS // 20)  # a page is x1.15
        self.scale_spin = _spin(SCALE_MIN, SCALE_MAX, 3, 0.05, "Detail size: 1 is real size, 2 twice as large")
        self.scale_spin.setPrefix("x")
        self.scale_row = _slider_row(self.scale_slider, self.scale_spin)
        form.addRow("Detail size", self.scale_row)
        self.strength_slider = QtWidgets.QSlider(Qt.Horizontal)
        self.strength_slider.setRange(0, int(STRENGTH_SLIDER_MAX * 100))
        self.strength_spin = _spin(0.0, 10.0, 2, 0.05, "Relief depth: 1 is the pattern's real depth")
        form.addRow("Strength", _slider_row(self.strength_slider, self.strength_spin))
        self.sizes_label = QtWidgets.QLabel()
        self.sizes_label.setWordWrap(True)
        self.sizes_label.setTextFormat(Qt.RichText)
        form.addRow(self.sizes_label)
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
        for widget in (self.texel_spin, self.width_spin, self.height_spin, self.seed_spin, self.iterations_spin):
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
        self.texel_spin.setEnabled(self.scale_by_texel.isChecked())
        self.width_spin.setEnabled(self.scale_by_width.isChecked())
        self._on_setting_changed()

    def update_sizes(self) -> None:
        """Say what the detail becomes on this map: pores and cells in texels, and when --upscale is needed."""
        self.sizes_label.setText(
            physical_sizes_text(self.settings(), self._input_width(), self._chosen_pattern_objects())
        )

    def _input_width(self) -> Optional[int]:
        return int(self.loaded.height.shape[1]) if self.loaded is not None else None

    def _chosen_pattern_objects(self) -> list:
        shown = self.gallery.patterns  # id -> pattern, as the gallery shows them
        return [shown[pid] for pid in self.selected_patterns() if pid in shown]

    # ------------------------------------------------------------------ values
    def settings(self) -> Settings:
        """The Settings the controls describe (not yet validated)."""
        advanced = self.advanced_box.isChecked()  # unchecked: its greyed-out values are not in effect
        iterations = (self.iterations_spin.value() or None) if advanced else None
        return Settings(
            scale=float(self.scale_spin.value()),
            texel_mm=float(self.texel_spin.value()) if self.scale_by_texel.isChecked() else None,
            map_width_mm=float(self.width_spin.value()) if self.scale_by_width.isChecked() else None,
            height_mm=float(self.height_spin.value()) or None,
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
            self.scale_by_width.setChecked(settings.map_width_mm is not None)
            self.scale_by_multiplier.setChecked(settings.texel_mm is None and settings.map_width_mm is None)
            if settings.texel_mm is not None:
                self.texel_spin.setValue(settings.texel_mm)
            if settings.map_width_mm is not None:
                self.width_spin.setValue(settings.map_width_mm)
            self.height_spin.setValue(settings.height_mm or 0.0)
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
        store.set("scale_by_width", self.scale_by_width.isChecked())
        store.set("texel_mm", self.texel_spin.value())
        store.set("map_width_mm", self.width_spin.value())
        store.set("height_mm", self.height_spin.value())
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
        self.scale_by_width.setChecked(store.get_bool("scale_by_width", False) and not self.scale_by_texel.isChecked())
        self.scale_by_multiplier.setChecked(not (self.scale_by_texel.isChecked() or self.scale_by_width.isChecked()))
        self.texel_spin.setValue(store.get_float("texel_mm", 0.05))
        self.width_spin.setValue(store.get_float("map_width_mm", 300.0))
        self.height_spin.setValue(store.get_float("height_mm", 0.0))
        self.strength_spin.setValue(store.get_float("strength", defaults.strength))
        self._on_strength_spin(self.strength_spin.value())
        select_data(self.upscale_combo, store.get_int("upscale", defaults.upscale))
        select_data(self.preset_combo, store.get_str("preset", defaults.preset))
        self.seed_spin.setValue(store.get_int("seed", defaults.seed))
        select_data(self.device_combo, store.get_str("device", defaults.device))
        select_data(self.backbone_combo, store.get_str("backbone", defaults.backbone))
        self.iterations_spin.setValue(store.get_int("iterations", 0))
        self.advanced_box.setChecked(store.get_bool("advanced", False))
