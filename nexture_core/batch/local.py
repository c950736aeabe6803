"""The local engine: this machine, one task at a time per GPU (or one on the CPU).

Tasks run once their dependencies have succeeded; a task that fails is retried
``retries`` times, then reported while the rest go on. With N GPUs, N worker
threads each pin their tasks to one card (``device="cuda:i"`` when the task
asked for ``auto``).
"""

from __future__ import annotations

import dataclasses
import threading
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional

from ..errors import Cancelled, NextureError
from ..progress import ProgressFn
from .plan import Task

Runner = Callable[[Task, Optional[ProgressFn], Optional[threading.Event]], List[str]]
OnDone = Callable[["Outcome"], None]


@dataclass
class Outcome:
    """How one task ended: ``status`` is "done", "failed", "cancelled" or "blocked" (a dependency failed)."""

    task: Task
    status: str
    outputs: List[str]
    error: str = ""
    attempts: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "done"


def gpu_count() -> int:
    try:
        import torch

        return int(torch.cuda.device_count()) if torch.cuda.is_available() else 0
    except Exception:  # no usable torch build: the CPU it is
        return 0


def error_text(exc: BaseException) -> str:
    """One line for the report: the artist-facing sentence, or the type and message."""
    if isinstance(exc, NextureError):
        return str(exc)
    return f"{exc.__class__.__name__}: {exc}"


def run_attempts(runner: Runner, task: Task, retries: int, progress=None, cancel=None) -> Outcome:
    """Run a task up to ``retries + 1`` times; Cancelled is never retried."""
    started = time.monotonic()
    last = ""
    for attempt in range(1, retries + 2):
        try:
            outputs = runner(task, progress, cancel)
            return Outcome(task, "done", [str(p) for p in outputs], attempts=attempt, seconds=time.monotonic() - started)
        except Cancelled as exc:
            return Outcome(task, "cancelled", [], str(exc), attempt, time.monotonic() - started)
        except Exception as exc:  # reported per task; the batch goes on
            last = error_text(exc)
            if not isinstance(exc, NextureError):
                traceback.print_exc()
    return Outcome(task, "failed", [], last, retries + 1, time.monotonic() - started)


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
    running tasks end their current step.
    """
    gpus = gpu_count()
    slots = max(1, slots if slots is not None else gpus)
    ids = {t.id for t in tasks}
    waiting = list(tasks)
    done: Dict[str, Outcome] = {}
    fractions: Dict[str, float] = {}
    lock = threading.Lock()
    total = max(1, len(tasks))

    def report(task_id: str, stage: str):
        def fn(fraction: float, what: str, preview=None) -> None:
            with lock:
                fractions[task_id] = min(max(fraction, 0.0), 1.0)
                overall = (sum(fractions.values())) / total
            if progress is not None:
                progress(min(overall, 1.0), f"{stage}: {what}", None)

        return fn

    def finish(outcome: Outcome) -> None:
        with lock:
            done[outcome.task.id] = outcome
            fractions[outcome.task.id] = 1.0
        if on_done is not None:
            on_done(outcome)

    def ready(t: Task) -> Optional[bool]:
        """True: can run; False: a dependency did not succeed; None: not yet."""
        for d in t.deps:
            if d not in ids:
                continue
            if d not in done:
                return None
            if not done[d].ok:
                return False
        return True

    def device_for(task: Task, slot: int) -> Task:
        settings = task.request.settings
        if gpus > 1 and settings.device == "auto":
            request = dataclasses.replace(task.request, settings=settings.replace(device=f"cuda:{slot % gpus}"))
            return dataclasses.replace(task, request=request)
        return task

    def take() -> List[Task]:
        runnable = []
        for t in list(waiting):
            state = ready(t)
            if state is None:
                continue
            waiting.remove(t)
            if state:
                runnable.append(t)
            else:
                failed = [d for d in t.deps if d in done and not done[d].ok]
                finish(Outcome(t, "blocked", [], f"not run: it needs {', '.join(failed)}, which did not finish."))
        return runnable

    if slots == 1:
        while waiting:
            runnable = take()
            if not runnable and waiting and all(ready(t) is None for t in waiting):
                raise RuntimeError("task dependencies form a cycle")  # a planning bug, never user input
            for t in runnable:
                if cancel is not None and cancel.is_set():
                    finish(Outcome(t, "cancelled", [], "cancelled before it started."))
                    continue
                finish(run_attempts(runner, device_for(t, 0), retries, report(t.id, t.label), cancel))
        return list(done.values())

    free = list(range(slots))
    running: Dict[Future, int] = {}
    with ThreadPoolExecutor(max_workers=slots, thread_name_prefix="nexture-batch") as pool:
        queue: List[Task] = []
        while waiting or queue or running:
            queue.extend(take())
            while queue and free:
                t = queue.pop(0)
                if cancel is not None and cancel.is_set():
                    finish(Outcome(t, "cancelled", [], "cancelled before it started."))
                    continue
                slot = free.pop(0)
                running[pool.submit(run_attempts, runner, device_for(t, slot), retries, report(t.id, t.label), cancel)] = slot
            if not running:
                if not queue and waiting and all(ready(t) is None for t in waiting):
                    raise RuntimeError("task dependencies form a cycle")  # a planning bug, never user input
                continue
            finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for fut in finished:
                free.append(running.pop(fut))
                finish(fut.result())
    return list(done.values())
