"""The panel's "Outputs" box: which maps to write, and where.

A part of :class:`~nexture_core.ui.panel.NexturePanel` (a mixin: it builds its
widgets on the panel; every change calls the panel's ``_on_setting_changed``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence, Tuple

from .qt import QtWidgets

OUTPUT_MAPS = ("displacement", "albedo", "specular", "normal")
DEFAULT_TEMPLATE = "{name}_{pattern}_{map}.{ext}"


class OutputsSection:
    """Builds ``map_checks`` (one per output map), ``output_edit`` (the path template) and ``output_button``."""

    def _build_outputs_box(self):
        box = QtWidgets.QGroupBox("Outputs")
        layout = QtWidgets.QVBoxLayout(box)
        maps_row = QtWidgets.QGridLayout()
        self.map_checks = {}
        for i, name in enumerate(OUTPUT_MAPS):
            check = QtWidgets.QCheckBox(name.capitalize())
            check.setChecked(name == "displacement")
            self.map_checks[name] = check
            maps_row.addWidget(check, i // 2, i % 2)
        layout.addLayout(maps_row)
        template_row = QtWidgets.QHBoxLayout()
        self.output_edit = QtWidgets.QLineEdit()
        self.output_edit.setPlaceholderText(f"{DEFAULT_TEMPLATE} beside the input")
        self.output_edit.setToolTip("Output path template; fields {name} {pattern} {map} {ext}")
        self.output_button = QtWidgets.QPushButton("Folder…")
        template_row.addWidget(self.output_edit, 1)
        template_row.addWidget(self.output_button)
        layout.addLayout(template_row)
        return box

    def _connect_outputs(self) -> None:
        self.output_button.clicked.connect(self.browse_output_folder)
        for check in self.map_checks.values():
            check.toggled.connect(self._on_setting_changed)
        self.output_edit.editingFinished.connect(self._on_setting_changed)

    def chosen_maps(self) -> Tuple[str, ...]:
        """The checked output maps, in the fixed order; displacement when none is."""
        return tuple(name for name in OUTPUT_MAPS if self.map_checks[name].isChecked()) or ("displacement",)

    def set_chosen_maps(self, maps: Sequence[str]) -> None:
        for name, check in self.map_checks.items():
            check.setChecked(name in maps)

    def output_template(self) -> Optional[str]:
        """The typed output template; None means "beside the input"."""
        return self.output_edit.text().strip() or None

    def browse_output_folder(self) -> None:
        folder = QtWidgets.QFileDialog.getExistingDirectory(
            self, "Output folder", self.store.get_str("last_dir", str(Path.home()))
        )
        if folder:
            self.output_edit.setText(str(Path(folder) / DEFAULT_TEMPLATE))
            self._on_setting_changed()

    def _save_outputs(self, store) -> None:
        store.set("maps", [n for n, c in self.map_checks.items() if c.isChecked()])
        store.set("output", self.output_edit.text())

    def _restore_outputs(self, store) -> None:
        self.set_chosen_maps(store.get_list("maps", ["displacement"]))
        self.output_edit.setText(store.get_str("output", ""))
