"""An optional Python COP2 filter's code: ``output_planes_to_cook``, ``required_input_planes``, ``cook``.

For studios that want the synthesis inside the cook (the built assets run it in
the background instead): a Python COP2 type whose Code section is one line
importing these (docs/hosts.md). The cook runs synchronously inside
``hou.InterruptableOperation`` (Houdini's bar, Esc cancels); unchanged settings
are served from the cache. Pixels cross as float32 *by request*
(``depth=hou.imageDepth.Float32``): inside a Python COP a plane comes in its own
depth (8/16-bit, half) unless asked. COP2 rows come bottom first.
"""

from __future__ import annotations

import threading
from typing import Any, Optional, Sequence

import hou
import numpy as np

from nexture_core.errors import Cancelled, NextureError
from nexture_core.hosts.cache import ResultCache, array_digest, cache_root_for
from nexture_core.hosts.requests import pattern_from_values, settings_from_values
from nexture_core.hosts.runner import plan_run

from . import parms
from .host_api import Cop2PixelsAPI
from .pixels import read_exr, write_exr

SPEC = parms.parm_spec(with_upscale=False, with_maps=False)  # a COP2 filter keeps its input's resolution


def output_planes_to_cook(cop_node: Any) -> Sequence[str]:
    return ("C",)


def required_input_planes(cop_node: Any, output_plane: str) -> Sequence[str]:
    return ("0", "C") if output_plane == "C" else ()


def cook(cop_node: Any, plane: str, resolution: Sequence[int], cache: Optional[ResultCache] = None) -> None:
    """Synthesize on input 0's C plane (its first component) and write the chosen map to C."""
    width, height = int(resolution[0]), int(resolution[1])
    source: Cop2PixelsAPI = cop_node.inputs()[0]
    raw = source.allPixelsAsString(plane, depth=hou.imageDepth.Float32)
    pixels = np.frombuffer(raw, dtype=np.float32).reshape(height, width, -1)[::-1]  # bottom-up -> top-down
    heightfield = np.ascontiguousarray(pixels[..., 0])
    values = parms.read_values(cop_node, SPEC)
    try:
        values["maps"] = sorted({"displacement", values["output"]})
        settings = settings_from_values(values)
        hip = None if hou.hipFile.isNewFile() else hou.hipFile.path()
        result = _synthesize(
            heightfield,
            pattern_from_values(values),
            settings,
            values["output"],
            cache or ResultCache(cache_root_for(hip)),
        )
    except Cancelled:
        raise hou.OperationInterrupted("Nexture was interrupted; cook the node again to restart.") from None
    except NextureError as exc:
        raise hou.NodeError(str(exc)) from None
    if result.shape[:2] != (height, width):
        raise hou.NodeError(f"Nexture made a {result.shape[1]}x{result.shape[0]} map for a {width}x{height} plane.")
    rgb = result if result.ndim == 3 else np.repeat(result[..., None], 3, axis=2)
    cop_node.setPixelsOfCookingPlaneFromString(
        np.ascontiguousarray(rgb[::-1, :, :3], dtype=np.float32).tobytes(), depth=hou.imageDepth.Float32
    )


def _synthesize(heightfield: np.ndarray, pattern: str, settings: Any, show: str, cache: ResultCache) -> np.ndarray:
    digest = array_digest(heightfield)
    folder = cache.folder("_inputs")
    source = folder / f"{digest[:24]}.exr"
    if not source.exists():
        write_exr(source, heightfield)
    plan = plan_run(source, pattern, settings, cache=cache, input_digest=digest)
    outputs = plan.cached
    if outputs is None:
        cancel = threading.Event()
        with hou.InterruptableOperation(
            "Nexture", long_operation_name="Nexture micro-detail", open_interrupt_dialog=True
        ) as op:

            def progress(fraction: float, stage: str, preview: Any = None) -> None:
                try:
                    op.updateProgress(fraction)
                except hou.OperationInterrupted:
                    cancel.set()  # the engine stops at its next check and raises Cancelled

            outputs = plan.work(progress, cancel)
    return read_exr(outputs.by_map[show])
