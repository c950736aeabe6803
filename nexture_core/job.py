"""Run a synthesis on a worker thread, for hosts and the panel.

A :class:`Job` owns one worker thread and exposes what a UI needs to poll:
state, progress, stage, an ETA, the latest preview, the result or the error.
Listeners are called **on the worker thread**: a host must hand anything that
touches its API back to its main thread its own way (``nuke.executeInMainThread``,
``hdefereval.executeDeferred``, ``maya.utils.executeDeferred``, a Qt signal).
"""

from __future__ import annotations

import enum
import threading
import time
import traceback
from typing import Any, Callable, List, Optional

import numpy as np

from .errors import Cancelled, NextureError
from .progress import ProgressFn


class JobState(str, enum.Enum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


Work = Callable[[ProgressFn, threading.Event], Any]
Listener = Callable[["Job"], None]


class Job:
    """A unit of work with progress, cancel and a result, run on its own thread.

    ``work(progress, cancel)`` does the job; it should call ``progress`` often and
    stop (raising :class:`~nexture_core.errors.Cancelled`) soon after ``cancel`` is set.
    """

    def __init__(self, work: Work, name: str = "synthesis") -> None:
        self.name = name
        self._work = work
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._listeners: List[Listener] = []
        self.state = JobState.PENDING
        self.progress = 0.0
        self.stage = "waiting"
        self.preview: Optional[np.ndarray] = None
        self.result: Any = None
        self.error: Optional[BaseException] = None
        self.error_text = ""
        self.started_at: Optional[float] = None
        self.finished_at: Optional[float] = None

    # -- control -----------------------------------------------------------
    def start(self) -> Job:
        """Start the worker thread; returns self so ``Job(...).start()`` reads well."""
        with self._lock:
            if self.state is not JobState.PENDING:
                raise RuntimeError(f"job {self.name!r} was already started")
            self.state = JobState.RUNNING
            self.started_at = time.monotonic()
        self._thread = threading.Thread(target=self._run, name=f"nexture-{self.name}", daemon=True)
        self._thread.start()
        return self

    def run_here(self) -> Any:
        """Run synchronously on the calling thread (terminal hosts, cooks); returns the result."""
        with self._lock:
            self.state = JobState.RUNNING
            self.started_at = time.monotonic()
        self._run()
        if self.state is JobState.FAILED and self.error is not None:
            raise self.error
        if self.state is JobState.CANCELLED:
            raise Cancelled()
        return self.result

    def cancel(self) -> None:
        """Ask the work to stop; it stops within about a second and writes nothing."""
        self._cancel.set()

    @property
    def cancel_event(self) -> threading.Event:
        return self._cancel

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Block until finished (or ``timeout`` seconds); True when finished."""
        return self._done.wait(timeout)

    def add_listener(self, listener: Listener) -> None:
        """``listener(job)`` is called on the worker thread after each progress step and at the end."""
        self._listeners.append(listener)

    # -- read-outs ----------------------------------------------------------
    @property
    def elapsed(self) -> float:
        if self.started_at is None:
            return 0.0
        end = self.finished_at if self.finished_at is not None else time.monotonic()
        return end - self.started_at

    @property
    def eta_seconds(self) -> Optional[float]:
        """Seconds left, extrapolated from progress so far; None until there is a trend."""
        if self.state is not JobState.RUNNING or self.progress < 0.02:
            return None
        return self.elapsed * (1.0 - self.progress) / self.progress

    # -- worker -------------------------------------------------------------
    def _report(self, fraction: float, stage: str, preview: Optional[np.ndarray] = None) -> None:
        self.progress = float(min(max(fraction, 0.0), 1.0))
        self.stage = stage
        if preview is not None:
            self.preview = preview
        self._notify()

    def _notify(self) -> None:
        for listener in list(self._listeners):
            try:
                listener(self)
            except Exception:  # a broken listener must not kill the synthesis
                traceback.print_exc()

    def _run(self) -> None:
        try:
            self.result = self._work(self._report, self._cancel)
            self.state = JobState.DONE
            self.progress = 1.0
            self.stage = "done"
        except Cancelled as exc:
            self.error = exc
            self.error_text = str(exc)
            self.state = JobState.CANCELLED
            self.stage = "cancelled"
        except NextureError as exc:
            self.error = exc
            self.error_text = str(exc)
            self.state = JobState.FAILED
            self.stage = "failed"
        except Exception as exc:  # unexpected: keep the traceback for a bug report
            self.error = exc
            self.error_text = f"Unexpected error: {exc.__class__.__name__}: {exc}"
            self.state = JobState.FAILED
            self.stage = "failed"
            traceback.print_exc()
        finally:
            self.finished_at = time.monotonic()
            self._done.set()
            self._notify()
