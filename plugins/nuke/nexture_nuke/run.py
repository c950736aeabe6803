"""The Synthesize button: render the input, run a cached core Job, show the result.

Only Nuke's calls live here (:class:`NukeHost`); the relay to the main thread,
throttled progress and cancel are the core's (:mod:`nexture_core.hosts.adapter`).
The worker only calls ``nuke.executeInMainThread``; the main-thread callbacks
drive a ``nuke.ProgressTask`` and, at the end, point the group's Reads at the
cached results. Results are cached beside the script (or ``$NEXTURE_CACHE``),
so a farm render of the script reads them. ``nuke -t`` runs synchronously.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Callable, Dict, Optional

import nuke as _nuke

from nexture_core.errors import InputError, NextureError
from nexture_core.hosts.adapter import ActiveRuns, HostRun
from nexture_core.hosts.cache import ResultCache, cache_root_for
from nexture_core.hosts.deps import missing_line
from nexture_core.hosts.requests import pattern_from_values, settings_from_values
from nexture_core.hosts.runner import plan_run
from nexture_core.job import Job, JobState

from . import node as nexture_node
from .host_api import GroupAPI, NodeAPI, NukeAPI, ProgressTaskAPI

nuke: NukeAPI = _nuke  # every call is checked against NukeAPI, which the public stubs satisfy

RUNS = ActiveRuns()  # one run at a time per node (by full name)


def script_cache() -> ResultCache:
    """``$NEXTURE_CACHE``, else ``nexture_cache`` beside the saved script, else the user cache."""
    return ResultCache(cache_root_for(nuke.root()["name"].value() or None))


def synthesize(group: GroupAPI, cache: Optional[ResultCache] = None) -> Optional[Job]:
    """Start (or, from the cache, finish at once) a synthesis for ``group``; returns the Job if one started."""
    name = group.fullName()
    if name in RUNS:
        nuke.message(f"{name} is already synthesizing; wait for it or press Cancel.")
        return None
    source: Optional[Path] = None
    try:
        values = nexture_node.control_values(group)
        settings = settings_from_values(values)
        problem = missing_line("nuke", nuke.NUKE_VERSION_STRING, needs_weights=settings.backbone == "vgg19")
        if problem:
            _set_status(group, "error: dependencies missing")
            nuke.message(problem)
            return None
        cache = cache or script_cache()
        source = render_input(group, cache.root / "_inputs")
        plan = plan_run(source, pattern_from_values(values), settings, cache=cache, channel="R")
    except NextureError as exc:
        if source is not None:
            _forget(source)
        _set_status(group, f"error: {exc}")
        nuke.message(str(exc))
        return None
    if plan.assumptions:
        print(f"Nexture {name}: {plan.assumptions}")
    if plan.cached is not None:
        _forget(source)
        apply_results(group, plan.cached.by_map)
        nexture_node.mark_fresh(group, plan.key, _with(f"done (from cache {plan.key})", plan.assumptions))
        return None
    host = NukeHost(group, source, plan.key, plan.assumptions)
    _set_status(group, "running...")
    run = RUNS.start(name, plan.job(), host, synchronous=not nuke.env["gui"])
    return run.job


def render_input(group: GroupAPI, folder: Path) -> Path:
    """Render the group's input at the current frame to a float EXR.

    A button on a Group runs with the group as Nuke's context, so the temporary
    Write is built inside the group (``with group:``) from its ``Input1``.
    """
    if group.input(0) is None:
        raise InputError(f"{group.name()} has no input; connect a displacement map to it.")
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f"{group.name()}-", suffix=".exr", dir=folder)
    os.close(fd)
    path = Path(tmp)
    frame = int(nuke.frame())
    with group:
        write: NodeAPI = nuke.nodes.Write()
        try:
            write["file"].setValue(path.as_posix())
            write["file_type"].setValue("exr")
            write["channels"].setValue("rgb")
            write["datatype"].setValue("32 bit float")
            write["raw"].setValue(True)
            if not write.setInput(0, nexture_node.inner(group, "Input1")):
                raise InputError(f"{group.name()}: its Input1 cannot feed the temporary Write.")
            nuke.execute(write, frame, frame)
        except RuntimeError as exc:  # Nuke reports render failures as RuntimeError
            _forget(path)
            raise InputError(f"{group.name()}: its input could not be rendered to {path} ({exc}).") from None
        finally:
            nuke.delete(write)
    return path


class NukeHost:
    """Nuke's side of one run (see :class:`nexture_core.hosts.adapter.HostCalls`)."""

    def __init__(self, group: GroupAPI, source: Path, key: str, assumptions: Optional[str]) -> None:
        self.group = group
        self.source = source
        self.key = key
        self.assumptions = assumptions
        self.task: Optional[ProgressTaskAPI] = (
            nuke.ProgressTask(f"Nexture: {group.name()}") if nuke.env["gui"] else None
        )

    def defer(self, call: Callable[[], None]) -> None:
        nuke.executeInMainThread(call)

    def progress(self, run: HostRun) -> None:
        if self.task is not None:
            self.task.setProgress(int(round(run.job.progress * 100)))
            self.task.setMessage(run.job.stage)

    def cancel_requested(self, run: HostRun) -> bool:
        if self.task is not None and self.task.isCancelled():
            _set_status(self.group, "cancelling...")
            return True
        return False

    def finished(self, run: HostRun) -> None:
        job = run.job
        if self.task is not None:
            self.task.setProgress(100)
        self.task = None  # dropping the ProgressTask closes Nuke's progress bar
        _forget(self.source)
        if job.state is JobState.DONE:
            apply_results(self.group, job.result.by_map)
            nexture_node.mark_fresh(self.group, self.key, _with(f"done ({job.elapsed:.1f} s)", self.assumptions))
        elif job.state is JobState.CANCELLED:
            _set_status(self.group, "cancelled; previous result kept")
        else:
            _set_status(self.group, f"error: {job.error_text}")
            if nuke.env["gui"]:
                nuke.message(f"Nexture: {job.error_text}")


def cancel(group: GroupAPI) -> bool:
    """The Cancel button (the progress bar's cancel does the same)."""
    return RUNS.cancel(group.fullName())


def apply_results(group: GroupAPI, outputs: Dict[str, Any]) -> None:
    """Point each map's Read at its cached result, clear the others, rebuild the output layers."""
    for name in nexture_node.HOST_MAPS:
        path = outputs.get(name)
        nexture_node.inner(group, nexture_node.read_name(name))["file"].setValue(Path(path).as_posix() if path else "")
    nexture_node.show_output(group)


def _with(status: str, assumptions: Optional[str]) -> str:
    return f"{status}; {assumptions}" if assumptions else status


def _set_status(group: NodeAPI, text: str) -> None:
    group["status"].setValue(text)


def _forget(path: Optional[Path]) -> None:
    if path is None:
        return
    try:
        Path(path).unlink()
    except OSError:
        pass
