"""Bridge a core :class:`~nexture_core.job.Job` to Qt signals.

Job listeners run on the worker thread; Qt widgets may only be touched on the
UI thread. A :class:`JobBridge` lives on the UI thread and emits its signals from
the listener: Qt queues cross-thread emissions, so slots run on the UI thread.
Progress is throttled so a chatty engine cannot flood the event loop.
"""

from __future__ import annotations

import time
from typing import Optional

from ..job import Job
from .qt import QtCore, Signal

# At most this many progress signals per second; the final one always goes out.
PROGRESS_RATE_HZ = 20.0


class JobBridge(QtCore.QObject):  # type: ignore[misc,name-defined]
    """Watches one Job at a time and re-emits its life on the UI thread.

    Signals carry the Job itself so a slot can tell a stale job (one that was
    replaced or cancelled) from the current one.
    """

    progressed = Signal(object)  # Job: read .progress, .stage, .eta_seconds
    preview_ready = Signal(object)  # Job: read .preview (HxW float32)
    finished = Signal(object)  # Job: read .state, .result, .error_text

    def __init__(self, parent: Optional[QtCore.QObject] = None) -> None:  # type: ignore[name-defined]
        super().__init__(parent)
        self.job: Optional[Job] = None
        self._last_emit = 0.0
        self._last_preview: Optional[object] = None

    def watch(self, job: Job) -> Job:
        """Follow ``job`` (started or not) from now on; returns it."""
        self.job = job
        self._last_emit = 0.0
        self._last_preview = None
        job.add_listener(self._on_job)
        return job

    def start(self, job: Job) -> Job:
        """Watch ``job`` and start its worker thread."""
        self.watch(job)
        return job.start()

    def cancel(self) -> None:
        """Ask the watched job to stop (it finishes as CANCELLED shortly after)."""
        if self.job is not None:
            self.job.cancel()

    @property
    def busy(self) -> bool:
        return self.job is not None and not self.job.state.finished

    # Called on the worker thread.
    def _on_job(self, job: Job) -> None:
        if job.state.finished:
            self.finished.emit(job)
            return
        if job.preview is not None and job.preview is not self._last_preview:
            self._last_preview = job.preview
            self.preview_ready.emit(job)
        now = time.monotonic()
        if now - self._last_emit >= 1.0 / PROGRESS_RATE_HZ:
            self._last_emit = now
            self.progressed.emit(job)


def format_eta(seconds: Optional[float]) -> str:
    """'about 2 min left' style text for a progress label; '' when unknown."""
    if seconds is None:
        return ""
    seconds = max(0.0, float(seconds))
    if seconds < 60:
        return f"{seconds:.0f} s left"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min {seconds % 60:02.0f} s left"
    return f"{seconds / 3600:.0f} h {seconds % 3600 / 60:02.0f} min left"
