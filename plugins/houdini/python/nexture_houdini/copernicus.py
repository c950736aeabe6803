"""The Copernicus (Houdini 21) HDA's Synthesize button: a background Job, loaded by a File COP.

``on_synthesize(kwargs)`` (the button callback, on the main thread) reads input
0's layer (``hou.CopNode.layer()`` -> ``allBufferElements``, bottom row first),
writes it to an EXR keyed by its pixels and starts a Job. The worker's listener
only calls ``hdefereval.executeDeferred``; the deferred callback (main thread)
updates the status parm and, when done, points the internal File COP at the
result. Long 8k runs never block the UI. Without a UI (hython) it runs synchronously.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

import numpy as np

import hou

from nexture_core.errors import InputError, NextureError
from nexture_core.hosts.cache import ResultCache, array_digest
from nexture_core.hosts.requests import pattern_from_values, settings_from_values
from nexture_core.hosts.runner import plan_run
from nexture_core.job import Job, JobState

from . import parms
from .pixels import write_exr

SPEC = parms.parm_spec(with_upscale=True, with_maps=True)
FILE_COP = "nexture_result"  # the File COP inside the HDA
FILE_PARM = "filename"  # its file-path parameter
STATUS_PARM = "status"
ACTIVE: Dict[str, "CopernicusRun"] = {}


def read_layer(cop: Any) -> np.ndarray:
    """Input COP's layer as an HxW float32 height field, top row first (first channel)."""
    layer = cop.layer()
    if layer is None:
        raise InputError(f"{cop.path()} produced no layer; connect an image to the Nexture node.")
    width, height = (int(v) for v in layer.bufferResolution()[:2])
    channels = int(layer.channelCount())
    raw = layer.allBufferElements(hou.imageLayerStorageType.Float32, channels)
    data = np.frombuffer(raw, dtype=np.float32).reshape(height, width, channels)
    return np.ascontiguousarray(data[::-1, :, 0])


def on_synthesize(kwargs: Mapping[str, Any], cache: Optional[ResultCache] = None) -> Optional[Job]:
    """The Synthesize button. Returns the started Job, or None (cached, error or already running)."""
    node = kwargs["node"]
    if node.path() in ACTIVE:
        _status(node, "already running; press Cancel to stop it")
        return None
    try:
        inputs = [i for i in node.inputs() if i is not None]
        if not inputs:
            raise InputError(f"{node.path()} has no input; connect a displacement map to it.")
        heightfield = read_layer(inputs[0])
        values = parms.read_values(node, SPEC)
        settings = settings_from_values(values)
        cache = cache or ResultCache()
        digest = array_digest(heightfield)
        source = cache.folder("_inputs") / f"{digest[:24]}.exr"
        if not source.exists():
            write_exr(source, heightfield)
        plan = plan_run(source, pattern_from_values(values), settings, cache=cache, input_digest=digest)
    except NextureError as exc:
        _status(node, f"error: {exc}")
        if hou.isUIAvailable():
            hou.ui.displayMessage(str(exc), severity=hou.severityType.Error, title="Nexture")
        return None
    if plan.cached is not None:
        show_result(node, plan.cached)
        _status(node, f"done (from cache {plan.key})")
        return None
    job = plan.job()
    if not hou.isUIAvailable():
        _status(node, "running...")
        job.run_here()
        show_result(node, job.result)
        _status(node, f"done ({job.elapsed:.1f} s)")
        return job
    run = CopernicusRun(node, job)
    ACTIVE[node.path()] = run
    job.add_listener(run.on_worker)
    _status(node, "running...")
    job.start()
    return job


def on_cancel(kwargs: Mapping[str, Any]) -> bool:
    """The Cancel button: stop this node's background run, if any."""
    run = ACTIVE.get(kwargs["node"].path())
    if run is None:
        return False
    run.job.cancel()
    _status(kwargs["node"], "cancelling...")
    return True


class CopernicusRun:
    """Glue between one worker-thread Job and Houdini's main thread."""

    def __init__(self, node: Any, job: Job) -> None:
        self.node = node
        self.job = job
        self._last_sent = -1.0
        self._lock = threading.Lock()

    def on_worker(self, job: Job) -> None:
        with self._lock:
            if not job.state.finished and job.progress - self._last_sent < 0.01:
                return
            self._last_sent = job.progress
        import hdefereval

        hdefereval.executeDeferred(self.on_main)

    def on_main(self) -> None:
        job = self.job
        if not job.state.finished:
            text = f"Nexture: {job.stage} {job.progress * 100:.0f}%"
            _status(self.node, text)
            hou.ui.setStatusMessage(text)
            return
        ACTIVE.pop(self.node.path(), None)
        if job.state is JobState.DONE:
            show_result(self.node, job.result)
            _status(self.node, f"done ({job.elapsed:.1f} s)")
        elif job.state is JobState.CANCELLED:
            _status(self.node, "cancelled; previous result kept")
        else:
            _status(self.node, f"error: {job.error_text}")
        hou.ui.setStatusMessage(f"Nexture: {job.stage}")


def show_result(node: Any, outputs: Mapping[str, Path]) -> None:
    """Point the internal File COP at the ``output`` map (displacement when it was not made)."""
    wanted = node.parm("output").evalAsString()
    path = outputs.get(wanted) or outputs["displacement"]
    node.node(FILE_COP).parm(FILE_PARM).set(Path(path).as_posix())


def _status(node: Any, text: str) -> None:
    node.parm(STATUS_PARM).set(text)
