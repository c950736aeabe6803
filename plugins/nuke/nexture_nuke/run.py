"""The Synthesize button: render the input, run a cached core Job, show the result.

Threading (Nuke's rule): only the main thread touches Nuke. The Job's listener
runs on the worker and does nothing but ``nuke.executeInMainThread(...)``; the
main-thread callback updates the ``nuke.ProgressTask``, polls its
``isCancelled()`` and cancels the Job from there, and finally points the Read
nodes at the results. In terminal mode (``nuke -t``) the run is synchronous.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path
from typing import Any, Dict, Optional

import nuke

from nexture_core.errors import NextureError, InputError
from nexture_core.hosts.cache import ResultCache
from nexture_core.hosts.requests import pattern_from_values, settings_from_values
from nexture_core.hosts.runner import plan_run
from nexture_core.job import Job, JobState

from . import node as nexture_node

# Runs in flight, by the group's full name: one at a time per node.
ACTIVE: Dict[str, "NukeRun"] = {}


def synthesize(group: Any, cache: Optional[ResultCache] = None) -> Optional[Job]:
    """Start (or, from the cache, finish at once) a synthesis for ``group``; returns the Job if one started."""
    name = group.fullName()
    if name in ACTIVE:
        nuke.message(f"{name} is already synthesizing; wait for it or cancel it in the progress bar.")
        return None
    try:
        values = nexture_node.control_values(group)
        settings = settings_from_values(values)
        pattern = pattern_from_values(values)
        cache = cache or ResultCache()
        source = render_input(group, cache.root / "_inputs")
        plan = plan_run(source, pattern, settings, cache=cache, channel="R")
    except NextureError as exc:
        _set_status(group, f"error: {exc}")
        nuke.message(str(exc))
        return None
    if plan.cached is not None:
        _forget(source)
        apply_results(group, plan.cached)
        _set_status(group, f"done (from cache {plan.key})")
        return None
    job = plan.job()
    if not nuke.env["gui"]:
        _set_status(group, "running...")
        try:
            job.run_here()
        except NextureError as exc:
            _set_status(group, f"error: {exc}")
            raise
        finally:
            _forget(source)
        apply_results(group, job.result)
        _set_status(group, f"done ({job.elapsed:.1f} s)")
        return job
    run = NukeRun(group, job, source)
    ACTIVE[name] = run
    job.add_listener(run.on_worker)
    _set_status(group, "running...")
    job.start()
    return job


def render_input(group: Any, folder: Path) -> Path:
    """Render the group's input at the current frame to a float EXR with a temporary Write node."""
    upstream = group.input(0)
    if upstream is None:
        raise InputError(f"{group.name()} has no input; connect a displacement map to it.")
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f"{group.name()}-", suffix=".exr", dir=folder)
    os.close(fd)
    path = Path(tmp)
    frame = int(nuke.frame())
    write = nuke.nodes.Write(file=path.as_posix(), file_type="exr", channels="rgb")
    try:
        write["datatype"].setValue("32 bit float")
        write["raw"].setValue(True)
        write.setInput(0, upstream)
        nuke.execute(write, frame, frame)
    except RuntimeError as exc:  # Nuke reports render failures as RuntimeError
        _forget(path)
        raise InputError(f"{group.name()}: its input could not be rendered to {path} ({exc}).") from None
    finally:
        nuke.delete(write)
    return path


class NukeRun:
    """Glue between one worker-thread Job and Nuke's main thread."""

    def __init__(self, group: Any, job: Job, source: Path) -> None:
        self.group = group
        self.job = job
        self.source = source
        self.task: Any = nuke.ProgressTask(f"Nexture: {group.name()}")
        self._last_sent = -1.0
        self._lock = threading.Lock()

    # -- worker thread: nothing but executeInMainThread ---------------------------
    def on_worker(self, job: Job) -> None:
        with self._lock:  # throttle to about 1 % steps; always send the end
            if not job.state.finished and job.progress - self._last_sent < 0.01:
                return
            self._last_sent = job.progress
        nuke.executeInMainThread(self.on_main, (job,))

    # -- main thread ----------------------------------------------------------------
    def on_main(self, job: Job) -> None:
        if self.task is None:
            return
        if self.task.isCancelled() and not job.state.finished:
            job.cancel()
            _set_status(self.group, "cancelling...")
        self.task.setProgress(int(round(job.progress * 100)))
        self.task.setMessage(job.stage)
        if job.state.finished:
            self.finish(job)

    def finish(self, job: Job) -> None:
        self.task = None  # deleting the ProgressTask closes Nuke's progress bar
        ACTIVE.pop(self.group.fullName(), None)
        _forget(self.source)
        if job.state is JobState.DONE:
            apply_results(self.group, job.result)
            _set_status(self.group, f"done ({job.elapsed:.1f} s)")
        elif job.state is JobState.CANCELLED:
            _set_status(self.group, "cancelled; previous result kept")
        else:
            _set_status(self.group, f"error: {job.error_text}")
            nuke.message(f"Nexture: {job.error_text}")


def cancel(group: Any) -> bool:
    """Cancel ``group``'s running synthesis, if any (also what the progress bar's cancel does)."""
    run = ACTIVE.get(group.fullName())
    if run is None:
        return False
    run.job.cancel()
    return True


def apply_results(group: Any, outputs: Dict[str, Path]) -> None:
    """Point each map's Read at its result, clear the others, and set the switch."""
    for name in nexture_node.HOST_MAPS:
        read = group.node(nexture_node.read_name(name))
        path = outputs.get(name)
        read["file"].setValue(Path(path).as_posix() if path else "")
        if path:
            read["reload"].execute()
    nexture_node.show_output(group)


def _set_status(group: Any, text: str) -> None:
    group["status"].setValue(text)


def _forget(path: Path) -> None:
    try:
        Path(path).unlink()
    except OSError:
        pass
