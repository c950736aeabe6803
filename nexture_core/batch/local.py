"""The local engine: this machine, one task at a time per GPU (or one on the CPU).

Tasks run once their dependencies have succeeded (``graphlib`` orders them and
refuses a cycle before anything runs); a task that fails is retried
``retries`` times, then reported while the rest go on, and the tasks that
need it are reported "blocked". With N GPUs, N worker threads each pin their
tasks to one card (``device="cuda:i"`` when the task asked for ``auto``); with
one slot the tasks run on the calling thread. torch is imported only to count
the GPUs, inside :func:`gpu_count`, so planning a batch stays quick.
"""

from __future__ import annotations

import dataclasses
import graphlib
import threading
import time
import traceback
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Deque, Dict, List, Optional

from ..errors import Cancelled, NextureError
from ..progress import ProgressFn
from .outcome import OnDone, Outcome, Runner, blocked_outcome, error_text
from .plan import Task


def gpu_count() -> int:
    try:
        import torch
    except Exception:  # no usable torch build: the CPU it is
        return 0
    return int(torch.cuda.device_count()) if torch.cuda.is_available() else 0


def run_attempts(runner: Runner, task: Task, retries: int, progress=None, cancel=None) -> Outcome:
    """Run a task up to ``retries + 1`` times; Cancelled is never retried."""
    started = time.monotonic()
    last = ""
    for attempt in range(1, retries + 2):
        try:
            outputs = runner(task, progress, cancel)
            return Outcome(
                task, "done", [str(p) for p in outputs], attempts=attempt, seconds=time.monotonic() - started
            )
        except Cancelled as exc:
            return Outcome(task, "cancelled", [], str(exc), attempt, time.monotonic() - started)
        except Exception as exc:  # reported per task; the batch goes on
            last = error_text(exc)
            if not isinstance(exc, NextureError):
                traceback.print_exc()
    return Outcome(task, "failed", [], last, retries + 1, time.monotonic() - started)


def task_order(tasks: List[Task]) -> graphlib.TopologicalSorter:
    """A prepared sorter over the task ids; dependencies outside ``tasks`` (already done) are ignored.

    Raises RuntimeError on a cycle: that is a planning bug, never the artist's input.
    """
    ids = {t.id for t in tasks}
    order: graphlib.TopologicalSorter = graphlib.TopologicalSorter()
    for t in tasks:
        order.add(t.id, *(d for d in t.deps if d in ids))
    try:
        order.prepare()
    except graphlib.CycleError as exc:
        raise RuntimeError(f"task dependencies form a cycle: {' -> '.join(exc.args[1])}") from None
    return order


def on_device(task: Task, slot: int, gpus: int) -> Task:
    """The task pinned to GPU ``slot`` when there are several GPUs and it asked for ``auto``."""
    settings = task.request.settings
    if gpus > 1 and settings.device == "auto":
        request = dataclasses.replace(task.request, settings=settings.replace(device=f"cuda:{slot % gpus}"))
        return dataclasses.replace(task, request=request)
    return task


class _OverallProgress:
    """The batch's fraction: every task's own fraction, averaged over all tasks."""

    def __init__(self, progress: Optional[ProgressFn], total: int) -> None:
        self.progress = progress
        self.total = max(1, total)
        self.fractions: Dict[str, float] = {}
        self.lock = threading.Lock()

    def for_task(self, task: Task) -> ProgressFn:
        def report(fraction: float, what: str, preview=None) -> None:
            with self.lock:
                self.fractions[task.id] = min(max(fraction, 0.0), 1.0)
                overall = sum(self.fractions.values()) / self.total
            if self.progress is not None:
                self.progress(min(overall, 1.0), f"{task.label}: {what}", None)

        return report

    def finished(self, task_id: str) -> None:
        with self.lock:
            self.fractions[task_id] = 1.0


class _InlinePool:
    """One slot: each task runs on the calling thread when submitted (no worker to manage)."""

    def __enter__(self) -> _InlinePool:
        return self

    def __exit__(self, *exc) -> None:
        return None

    def submit(self, fn, *args) -> Future:
        future: Future = Future()
        future.set_result(fn(*args))
        return future


def run_local(
    tasks: List[Task],
    runner: Runner,
    *,
    retries: int,
    slots: Optional[int] = None,
    progress: Optional[ProgressFn] = None,
    cancel: Optional[threading.Event] = None,
    on_done: Optional[OnDone] = None,
) -> List[Outcome]:
    """Run ``tasks`` here, respecting ``deps``; returns one Outcome per task, in finishing order.

    ``slots``: tasks at once (default: the number of GPUs, at least 1).
    ``progress`` gets the batch's overall fraction; ``cancel`` stops after the
    running tasks end their current step. Raises RuntimeError, before running
    anything, when the dependencies form a cycle.
    """
    gpus = gpu_count()
    slots = max(1, slots if slots is not None else gpus)
    run = _LocalRun(tasks, runner, retries, gpus, _OverallProgress(progress, len(tasks)), cancel, on_done)
    pool = _InlinePool() if slots == 1 else ThreadPoolExecutor(max_workers=slots, thread_name_prefix="nexture-batch")
    with pool:
        run.until_done(pool, slots)
    return list(run.finished.values())


class _LocalRun:
    """The state of one :func:`run_local`: what is ready, running and finished."""

    def __init__(self, tasks, runner, retries, gpus, overall, cancel, on_done) -> None:
        self.by_id = {t.id: t for t in tasks}
        self.order = task_order(tasks)
        self.runner, self.retries, self.gpus = runner, retries, gpus
        self.overall: _OverallProgress = overall
        self.cancel: Optional[threading.Event] = cancel
        self.on_done: Optional[OnDone] = on_done
        self.finished: Dict[str, Outcome] = {}
        self.queue: Deque[Task] = deque()

    def until_done(self, pool, slots: int) -> None:
        free = list(range(slots))
        running: Dict[Future, int] = {}
        while self.order.is_active():
            self.queue_ready()
            while self.queue and free:
                task = self.queue.popleft()
                if self.cancel is not None and self.cancel.is_set():
                    self.finish(Outcome(task, "cancelled", [], "cancelled before it started."))
                    continue
                slot = free.pop(0)
                work = on_device(task, slot, self.gpus)
                running[
                    pool.submit(run_attempts, self.runner, work, self.retries, self.overall.for_task(task), self.cancel)
                ] = slot
            if not running:
                continue  # only blocked or cancelled tasks ended: their dependants are ready now
            done, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for future in done:
                free.append(running.pop(future))
                self.finish(future.result())

    def queue_ready(self) -> None:
        """Queue the tasks whose dependencies all ended; a task whose dependency failed ends "blocked"."""
        for task_id in self.order.get_ready():
            task = self.by_id[task_id]
            blocked = blocked_outcome(task, self.finished)
            if blocked is not None:
                self.finish(blocked)
            else:
                self.queue.append(task)

    def finish(self, outcome: Outcome) -> None:
        task_id = outcome.task.id
        self.finished[task_id] = outcome
        self.overall.finished(task_id)
        self.order.done(task_id)
        if self.on_done is not None:
            self.on_done(outcome)
