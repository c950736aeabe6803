"""The Nexture assets' buttons: Synthesize in the background, the cook reads the cached result.

Both assets (``nexture::micro_detail_cop`` in Copernicus, ``nexture::micro_detail_cop2``
in an old COP network, built by ``build_hda.py``) hold a File node whose file
name is the expression ``chs("../result_file")``: the asset's own ``result_file``
parm. Setting that parm is all a finished run does, so the asset's output in
the network is the detailed map, a cook only reads the cached EXR, and nothing
inside the locked asset is ever edited (Houdini refuses that with
``hou.PermissionError``).

Synthesize (main thread) reads input 0's pixels, writes them to an EXR keyed by
its pixels and starts a Job through the core's host adapter: the worker only
calls ``hdefereval.executeDeferred``; the deferred calls update the status parm
and, at the end, ``result_file``. hython runs synchronously. Results are cached
beside the hip (or ``$NEXTURE_CACHE``) so a farm cook of the hip finds them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Dict, Mapping, Optional

import hou
import numpy as np

from nexture_core.errors import InputError, NextureError
from nexture_core.hosts.adapter import ActiveRuns, HostRun
from nexture_core.hosts.cache import ResultCache, array_digest, cache_root_for
from nexture_core.hosts.deps import missing_line
from nexture_core.hosts.requests import pattern_from_values, settings_from_values
from nexture_core.hosts.runner import plan_run
from nexture_core.job import Job, JobState

from . import parms
from .geometry import texel_mm_from_geometry
from .host_api import Cop2PixelsAPI, CopNodeAPI, NodeAPI
from .pixels import write_exr

SPEC = parms.parm_spec(with_upscale=True, with_maps=True)
FILE_COP = "nexture_result"  # the File node inside each asset
RESULT_PARM = "result_file"  # the asset's own (hidden) parm the File node reads through chs()
STATUS_PARM = "status"
RUNS = ActiveRuns()  # one run at a time per node (by path)


def hip_cache() -> ResultCache:
    """``$NEXTURE_CACHE``, else ``nexture_cache`` beside the saved hip, else the user cache."""
    return ResultCache(cache_root_for(None if hou.hipFile.isNewFile() else hou.hipFile.path()))


def read_layer(cop: CopNodeAPI) -> np.ndarray:
    """A Copernicus node's layer as an HxW float32 height field, top row first (first channel)."""
    layer = cop.layer()
    if layer is None:
        raise InputError(f"{cop.path()} produced no layer; connect an image to the Nexture node.")
    width, height = (int(v) for v in layer.bufferResolution()[:2])
    channels = int(layer.channelCount())
    raw = layer.allBufferElements(hou.imageLayerStorageType.Float32, channels)
    data = np.frombuffer(raw, dtype=np.float32).reshape(height, width, channels)
    return np.ascontiguousarray(data[::-1, :, 0])


def read_cop2(cop: Cop2PixelsAPI) -> np.ndarray:
    """An old-network COP's C plane as float32 (asked for explicitly: planes may be 8/16-bit or half)."""
    width, height = int(cop.xRes()), int(cop.yRes())
    raw = cop.allPixelsAsString("C", depth=hou.imageDepth.Float32)
    data = np.frombuffer(raw, dtype=np.float32).reshape(height, width, -1)
    return np.ascontiguousarray(data[::-1, :, 0])


def read_source(node: NodeAPI) -> np.ndarray:
    """Input 0's pixels (a Copernicus layer or an old COP plane), top row first."""
    inputs = node.inputs()
    source = inputs[0] if inputs else None
    if source is None:
        raise InputError(f"{node.path()} has no input; connect a displacement map to it.")
    return read_layer(source) if hasattr(source, "layer") else read_cop2(source)


def geometry_texel(node: NodeAPI, width: int, height: int) -> Optional[float]:
    """mm per texel from the mesh wired into input 1 (Copernicus geometry wire), else None."""
    inputs = node.inputs()
    mesh_node = inputs[1] if len(inputs) > 1 else None
    if mesh_node is None:
        return None
    geo = mesh_node.geometry()
    if geo is None:
        raise InputError(f"{mesh_node.path()}: its output has no geometry; wire the mesh the map is laid out on.")
    return texel_mm_from_geometry(geo, width, height, where=mesh_node.path())


def on_synthesize(kwargs: Mapping[str, Any], cache: Optional[ResultCache] = None) -> Optional[Job]:
    """The Synthesize button. Returns the started Job, or None (cached, error or already running)."""
    node = kwargs["node"]
    if node.path() in RUNS:
        _status(node, "already running; press Cancel to stop it")
        return None
    try:
        values = parms.read_values(node, SPEC)
        settings = settings_from_values(values)
        problem = missing_line("houdini", hou.applicationVersionString(), needs_weights=settings.backbone == "vgg19")
        if problem:
            raise NextureError(problem)
        heightfield = read_source(node)
        if not values.get("texel_mm") and not values.get("map_width_mm"):
            texel = geometry_texel(node, heightfield.shape[1], heightfield.shape[0])
            if texel is not None:
                values["texel_mm"] = texel
                settings = settings_from_values(values)
        cache = cache or hip_cache()
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
    if plan.assumptions:
        print(f"Nexture {node.path()}: {plan.assumptions}")
    if plan.cached is not None:
        show_result(node, plan.cached.by_map)
        _status(node, _with(f"done (from cache {plan.key})", plan.assumptions))
        return None
    _status(node, "running...")
    run = RUNS.start(node.path(), plan.job(), HoudiniHost(node, plan.assumptions), synchronous=not hou.isUIAvailable())
    return run.job


def on_cancel(kwargs: Mapping[str, Any]) -> bool:
    """The Cancel button: stop this node's background run, if any."""
    if not RUNS.cancel(kwargs["node"].path()):
        return False
    _status(kwargs["node"], "cancelling...")
    return True


class HoudiniHost:
    """Houdini's side of one run (see :class:`nexture_core.hosts.adapter.HostCalls`)."""

    def __init__(self, node: NodeAPI, assumptions: Optional[str]) -> None:
        self.node = node
        self.assumptions = assumptions

    def defer(self, call: Callable[[], None]) -> None:
        import hdefereval

        hdefereval.executeDeferred(call)

    def progress(self, run: HostRun) -> None:
        text = f"Nexture: {run.job.stage} {run.job.progress * 100:.0f}%"
        _status(self.node, text)
        if hou.isUIAvailable():
            hou.ui.setStatusMessage(text)

    def cancel_requested(self, run: HostRun) -> bool:
        return False  # the asset's Cancel button cancels through RUNS

    def finished(self, run: HostRun) -> None:
        job = run.job
        if job.state is JobState.DONE:
            show_result(self.node, job.result.by_map)
            _status(self.node, _with(f"done ({job.elapsed:.1f} s)", self.assumptions))
        elif job.state is JobState.CANCELLED:
            _status(self.node, "cancelled; previous result kept")
        else:
            _status(self.node, f"error: {job.error_text}")
        if hou.isUIAvailable():
            hou.ui.setStatusMessage(f"Nexture: {job.stage}")


def show_result(node: NodeAPI, outputs: Dict[str, Path]) -> None:
    """Point the asset's ``result_file`` at the ``output`` map (displacement when it was not made)."""
    wanted = parms.parm(node, "output").evalAsString()
    path = outputs.get(wanted) or outputs["displacement"]
    parms.parm(node, RESULT_PARM).set(Path(path).as_posix())


def on_show(kwargs: Mapping[str, Any]) -> None:
    """The Show menu: point ``result_file`` at that map of the same result, when it was made."""
    node = kwargs["node"]
    current = parms.parm(node, RESULT_PARM).evalAsString()
    if current:
        wanted = Path(current).with_name(f"{parms.parm(node, 'output').evalAsString()}.exr")
        if wanted.is_file():
            parms.parm(node, RESULT_PARM).set(wanted.as_posix())


def _with(status: str, assumptions: Optional[str]) -> str:
    return f"{status}; {assumptions}" if assumptions else status


def _status(node: NodeAPI, text: str) -> None:
    parms.parm(node, STATUS_PARM).set(text)
