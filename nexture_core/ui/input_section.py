"""The panel's "Input map" box: pick, drop or hand over a map; read it on a worker; describe it.

A part of :class:`~nexture_core.ui.panel.NexturePanel` (a mixin: it builds its
widgets on the panel and uses the panel's ``store``, ``load_bridge``,
``viewer`` and messages).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..job import Job, JobState
from .qt import QtWidgets
from .tasks import LoadedMap, load_input, prepare_array


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


def _refuse_while_running(progress, cancel):
    raise InputError("A synthesis is running; cancel it or wait for it to finish before loading another map.")


class InputSection:
    """Builds ``input_edit``, ``browse_button`` and ``info_label``; loads maps into ``loaded``."""

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

    def _connect_input(self) -> None:
        self.browse_button.clicked.connect(self.browse_input)
        self.input_edit.returnPressed.connect(lambda: self.set_input_path(self.input_edit.text()))
        self.load_bridge.finished.connect(self._on_loaded)
        self.load_bridge.progressed.connect(
            lambda job: self._set_stage(job.stage) if job is self.load_bridge.job else None
        )

    def browse_input(self) -> None:
        start = self.store.get_str("last_dir", str(Path.home()))
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self, "Open displacement map", start, "Maps (*.tif *.tiff *.exr *.png *.jpg *.jpeg);;All files (*)"
        )
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

    def set_input(self, source, name: str = "host map") -> Job:
        """A path (str/Path) or an array from a host: whichever it is."""
        if isinstance(source, np.ndarray):
            return self.set_input_array(source, name)
        return self.set_input_path(source)

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
        self.update_sizes()
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
