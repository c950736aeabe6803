"""The panel's run area: Run and Cancel, progress, stage, errors, and the files written.

A part of :class:`~nexture_core.ui.panel.NexturePanel` (a mixin: it builds its
widgets on the panel, runs through the panel's ``run_bridge`` and
``result_bridge``, and shows results in the viewer). ``nexture_core.api`` is
imported when a run starts, not at import: it loads torch, which the panel
warms up on a worker thread instead of freezing the host while it opens.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Optional

from ..errors import InputError, NextureError, SettingsError
from ..job import Job, JobState
from .controller import format_eta
from .qt import Qt, QtWidgets
from .tasks import label_outputs, load_result_maps, result_display_maps

PROGRESS_STEPS = 1000  # the bar's range: a tenth of a percent per step


class RunSection:
    """Builds ``run_button``, ``cancel_button``, ``progress_bar``, ``stage_label``, ``status_label`` and ``outputs_list``."""

    def _build_run_box(self):
        box = QtWidgets.QWidget()
        layout = QtWidgets.QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
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
        self.progress_bar.setRange(0, PROGRESS_STEPS)
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
        return box

    def _connect_run(self) -> None:
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        self.run_bridge.progressed.connect(self._on_run_progress)
        self.run_bridge.finished.connect(self._on_run_finished)
        self.result_bridge.finished.connect(self._on_results_loaded)

    # ------------------------------------------------------------------ the request
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
        return FileRequest(input=source, patterns=list(patterns), settings=settings, output=self.output_template())

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
            return Job(
                lambda progress, cancel: synthesize(height, patterns, settings, progress, cancel),
                name=f"{self.loaded.name} [{', '.join(request.patterns)}]",
            )
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
        self.progress_bar.setValue(int(job.progress * PROGRESS_STEPS))
        eta = format_eta(job.eta_seconds)
        self._set_stage(f"{job.stage} — {eta}" if eta else job.stage)

    def _on_run_finished(self, job: Job) -> None:
        if job is not self.run_bridge.job:
            return
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        if job.state is JobState.DONE:
            self.progress_bar.setValue(PROGRESS_STEPS)
            self._show_run_result(job)
        elif job.state is JobState.CANCELLED:
            self.clear_error()
            self.progress_bar.setValue(0)
            self._set_stage("Cancelled; no output was written.")
        else:
            self.progress_bar.setValue(0)
            self._set_stage("Failed.")
            self.show_error(job.error_text)

    # ------------------------------------------------------------------ results
    def _show_run_result(self, job: Job) -> None:
        """List what the run made and render it for the viewer on a worker (lit like the input)."""
        result = job.result
        self.last_result = result
        self.outputs_list.clear()
        exaggeration = self.loaded.display.exaggeration if self.loaded is not None else None
        if isinstance(result, (list, tuple)):
            self.output_paths = [Path(p) for p in result]
            for path in self.output_paths:
                item = QtWidgets.QListWidgetItem(path.name)
                item.setToolTip(str(path))
                item.setData(Qt.UserRole, str(path))
                self.outputs_list.addItem(item)
            patterns = list(getattr(self.request_running, "patterns", []) or [])
            loader = Job(
                partial(load_result_maps, label_outputs(self.output_paths, patterns), exaggeration), name="load results"
            )
            noun = "file" if len(self.output_paths) == 1 else "files"
            self._set_stage(f"Done in {job.elapsed:.1f} s: {len(self.output_paths)} {noun} written.")
        else:
            self.output_paths = []
            for key in result.outputs:
                self.outputs_list.addItem(f"{key} (in memory)")
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
