"""The shelf tool: pre-fill from the selected ``file`` node, run a cached Job, wire the results.

Threading (Maya's rule): only the main thread touches ``maya.cmds``. The Job's
listener runs on the worker and only calls ``maya.utils.executeDeferred``; the
deferred callback updates ``cmds.progressWindow``, polls ``isCancelled`` and
cancels the Job from there, and builds the result network when it ends. In
batch mode (``mayapy``) the run is synchronous.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

import maya.utils
from maya import cmds

from nexture_core.errors import InputError, NextureError
from nexture_core.hosts.cache import ResultCache
from nexture_core.hosts.panel import open_panel
from nexture_core.hosts.requests import CONTROL_DEFAULTS, pattern_from_values, settings_from_values
from nexture_core.hosts.runner import plan_run
from nexture_core.job import Job, JobState

from . import network

WORKSPACE = "NextureWorkspaceControl"
_OPEN: list = []


def selected_file_node() -> Optional[str]:
    """The first selected ``file`` texture node, if any."""
    found = cmds.ls(selection=True, type="file") or []
    return found[0] if found else None


def prefill(file_node: Optional[str]) -> Dict[str, Any]:
    """Control values for the panel: defaults plus the texture's path and colour space."""
    values: Dict[str, Any] = dict(CONTROL_DEFAULTS)
    if file_node:
        values["input"] = cmds.getAttr(f"{file_node}.fileTextureName")
        values["colorspace"] = cmds.getAttr(f"{file_node}.colorSpace")
        values["file_node"] = file_node
    return values


def run_tool() -> Any:
    """The shelf button: open the docked panel pre-filled; without the panel, offer a default run."""
    file_node = selected_file_node()
    values = prefill(file_node)
    try:
        if not cmds.workspaceControl(WORKSPACE, exists=True):
            cmds.workspaceControl(WORKSPACE, label="Nexture", floating=True, retain=False)
        panel = open_panel(values, input_path=values.get("input"), parent=_main_window())
        _OPEN.append(panel)
        return panel
    except NextureError as exc:
        if file_node is None:
            cmds.confirmDialog(title="Nexture", message=f"{exc} Select a file texture node to run with default settings.", button=["OK"])
            return None
        answer = cmds.confirmDialog(
            title="Nexture", message=f"{exc} Run with default settings on {file_node}?",
            button=["Run", "Cancel"], defaultButton="Run", cancelButton="Cancel", dismissString="Cancel",
        )
        return start(file_node, values) if answer == "Run" else None


def _main_window() -> Any:
    try:  # Qt parenting is best-effort; the panel floats without it
        from maya import OpenMayaUI  # type: ignore[import-not-found]
        from nexture_core.ui.qt import QtWidgets, wrap_instance  # type: ignore[import-not-found]

        return wrap_instance(int(OpenMayaUI.MQtUtil.mainWindow()), QtWidgets.QWidget)
    except Exception:
        return None


class MayaRun:
    """Glue between one worker-thread Job and Maya's main thread."""

    def __init__(self, job: Job, file_node: Optional[str], connect: Mapping[str, bool]) -> None:
        self.job = job
        self.file_node = file_node
        self.connect = dict(connect)
        self.nodes: Dict[str, str] = {}
        self.open = True
        self._last_sent = -1.0
        self._lock = threading.Lock()

    def on_worker(self, job: Job) -> None:
        with self._lock:
            if not job.state.finished and job.progress - self._last_sent < 0.01:
                return
            self._last_sent = job.progress
        maya.utils.executeDeferred(self.on_main, job)

    def on_main(self, job: Job) -> None:
        if not self.open:
            return
        if cmds.progressWindow(query=True, isCancelled=True) and not job.state.finished:
            job.cancel()
        cmds.progressWindow(edit=True, progress=int(round(job.progress * 100)), status=f"Nexture: {job.stage}")
        if job.state.finished:
            self.open = False
            cmds.progressWindow(endProgress=True)
            ACTIVE.pop(id(self), None)
            if job.state is JobState.DONE:
                self.nodes = _wire(self.file_node, job.result, self.connect)
            elif job.state is JobState.FAILED:
                cmds.warning(f"Nexture: {job.error_text}")


ACTIVE: Dict[int, MayaRun] = {}


def start(
    file_node: Optional[str],
    values: Mapping[str, Any],
    *,
    connect_displacement: bool = False,
    connect_normal: bool = False,
    cache: Optional[ResultCache] = None,
) -> MayaRun:
    """Run on ``file_node``'s texture (or ``values['input']``); the panel's Run button calls this.

    Raises :class:`NextureError` (bad settings, missing texture) before anything starts.
    """
    source = str(values.get("input") or (cmds.getAttr(f"{file_node}.fileTextureName") if file_node else ""))
    if not source or not Path(source).is_file():
        raise InputError(f"{source or 'The selected file node'}: texture file not found; check its File Name.")
    settings = settings_from_values(values)
    plan = plan_run(source, pattern_from_values(values), settings, cache=cache)
    connect = {"displacement": connect_displacement, "normal": connect_normal}
    if plan.cached is not None:
        run = MayaRun(Job(lambda p, c: plan.cached), file_node, connect)
        run.open = False
        run.nodes = _wire(file_node, plan.cached, connect)
        return run
    job = plan.job()
    run = MayaRun(job, file_node, connect)
    if cmds.about(batch=True):
        run.open = False
        job.run_here()
        run.nodes = _wire(file_node, job.result, connect)
        return run
    cmds.progressWindow(title="Nexture", progress=0, status="Nexture: starting", isInterruptable=True)
    ACTIVE[id(run)] = run
    job.add_listener(run.on_worker)
    job.start()
    return run


def _wire(file_node: Optional[str], outputs: Mapping[str, Path], connect: Mapping[str, bool]) -> Dict[str, str]:
    paths = {name: Path(p).as_posix() for name, p in outputs.items()}
    return network.build_result_network(file_node, paths, displacement=connect.get("displacement", False), normal=connect.get("normal", False))
