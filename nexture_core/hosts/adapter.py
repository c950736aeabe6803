"""One host run, written once: worker -> main-thread relay, throttled progress, cancel.

Hosts forbid their API off the main thread. A plugin therefore supplies only
its host calls (:class:`HostCalls`): how to queue a call on the main thread,
how to show progress, whether the artist pressed cancel, and what to do with
the finished job. The worker thread only ever calls ``host.defer``; at most one
relay call is queued at a time (it reads the job's latest state when it runs),
progress is sent in 1 % steps, and the end is delivered exactly once.
"""

from __future__ import annotations

import threading
import time
from typing import Callable, Dict, Iterator, Optional, Protocol

from ..errors import NextureError
from ..job import Job

PROGRESS_STEP = 0.01  # send progress in 1 % steps ...
STAGE_INTERVAL_S = 0.25  # ... or a new stage text at most 4 times a second


class HostCalls(Protocol):
    """What a plugin provides; everything but ``defer`` runs on the host's main thread."""

    def defer(self, call: Callable[[], None]) -> None:
        """Queue ``call`` on the host's main thread (the only call made from the worker)."""

    def progress(self, run: HostRun) -> None:
        """Show ``run.job.progress`` / ``run.job.stage``."""

    def cancel_requested(self, run: HostRun) -> bool:
        """True when the artist asked to stop (progress bar cancel, Esc)."""

    def finished(self, run: HostRun) -> None:
        """The job is done, failed or cancelled: load the result or report, once."""


class HostRun:
    """A :class:`Job` driven for a host; see the module docstring."""

    def __init__(self, key: str, job: Job, host: HostCalls, runs: Optional[ActiveRuns] = None) -> None:
        self.key = key
        self.job = job
        self.host = host
        self.runs = runs
        self.closed = False
        self._lock = threading.Lock()
        self._pending = False
        self._final_sent = False
        self._sent_progress = -1.0
        self._sent_stage = ""
        self._sent_at = 0.0

    def start(self, *, synchronous: bool = False) -> HostRun:
        """Run on a worker (GUI) or here (terminal sessions, farm scripts); ``finished`` is called either way.

        Synchronously, a failure is re-raised after ``finished`` so a batch script exits non-zero.
        """
        if synchronous:
            try:
                self.job.run_here()
            finally:
                self._close()
            return self
        self.job.add_listener(self._on_worker)
        self.job.start()
        return self

    def cancel(self) -> None:
        self.job.cancel()

    # -- worker thread: nothing but host.defer ------------------------------------
    def _on_worker(self, job: Job) -> None:
        with self._lock:
            if job.state.finished:
                if self._final_sent:
                    return
                self._final_sent = True
            else:
                now = time.monotonic()
                moved = job.progress - self._sent_progress >= PROGRESS_STEP
                restaged = job.stage != self._sent_stage and now - self._sent_at >= STAGE_INTERVAL_S
                if self._pending or not (moved or restaged):
                    return
                self._pending = True
                self._sent_progress, self._sent_stage, self._sent_at = job.progress, job.stage, now
        self.host.defer(self._on_main)

    # -- main thread ------------------------------------------------------------------
    def _on_main(self) -> None:
        with self._lock:
            self._pending = False
        if self.closed:
            return
        if not self.job.state.finished:
            if self.host.cancel_requested(self):
                self.job.cancel()
            self.host.progress(self)
            return
        self._close()

    def _close(self) -> None:
        self.closed = True
        if self.runs is not None:
            self.runs.forget(self)
        self.host.finished(self)


class ActiveRuns:
    """Runs in flight by key (a node's path): one at a time per node."""

    def __init__(self) -> None:
        self._runs: Dict[str, HostRun] = {}

    def start(self, key: str, job: Job, host: HostCalls, *, synchronous: bool = False) -> HostRun:
        """Start ``job`` for ``key``; raises :class:`NextureError` when ``key`` is already running."""
        if key in self._runs:
            raise NextureError(f"{key} is already synthesizing; wait for it or cancel it.")
        run = HostRun(key, job, host, self)
        if not synchronous:
            self._runs[key] = run
        return run.start(synchronous=synchronous)

    def get(self, key: str) -> Optional[HostRun]:
        return self._runs.get(key)

    def cancel(self, key: str) -> bool:
        run = self._runs.get(key)
        if run is None:
            return False
        run.cancel()
        return True

    def forget(self, run: HostRun) -> None:
        if self._runs.get(run.key) is run:
            del self._runs[run.key]

    def clear(self) -> None:
        """Cancel everything (tests, host shutdown) and forget it."""
        for run in list(self._runs.values()):
            run.cancel()
        self._runs.clear()

    def __contains__(self, key: object) -> bool:
        return key in self._runs

    def __iter__(self) -> Iterator[HostRun]:
        return iter(list(self._runs.values()))

    def __len__(self) -> int:
        return len(self._runs)
