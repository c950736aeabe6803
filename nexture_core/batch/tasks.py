"""What one task does on a node: call the core's file-level API.

``run_task(task, progress, cancel) -> [written paths]`` is the default task
runner of both engines. Engines take the runner as a parameter, so tests (and
studios) can wrap it. ``nexture_core.api`` (torch) is imported when a task
runs, not when the batch is planned.
"""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from pathlib import Path
from typing import Dict, List, Optional

import numpy as np

from .. import udim
from ..errors import InputError
from ..io import read_image, read_map, write_image
from ..io.atomic import atomic_destination
from ..progress import ProgressFn, SubProgress, check_cancel
from .plan import Task

CONTEXT_FILE = "context.json"
_SCRATCH_TEMPLATE = "{pattern}__{map}.{ext}"


def run_task(
    task: Task, progress: Optional[ProgressFn] = None, cancel: Optional[threading.Event] = None, synthesize_file=None
) -> List[str]:
    """Run one task; returns the files it wrote (raises a NextureError on bad input).

    ``synthesize_file`` defaults to :func:`nexture_core.api.synthesize_file`.
    """
    if synthesize_file is None:
        from ..api import synthesize_file  # torch
    if task.kind == "file":
        return [str(p) for p in synthesize_file(task.request, progress, cancel)]
    if task.kind == "context":
        return run_context(task, progress, cancel, synthesize_file)
    if task.kind == "join":
        return run_join(task, progress, cancel)
    raise ValueError(f"unknown task kind {task.kind!r}")


def run_context(task: Task, progress=None, cancel=None, synthesize_file=None) -> List[str]:
    """Synthesize the tile extended by margins of its joined neighbours, into the scratch folder."""
    req = task.request
    ctx = task.context
    scratch = Path(ctx["scratch"])
    scratch.mkdir(parents=True, exist_ok=True)

    def one(path, rgb=False, is_input=False):
        if is_input:  # the displacement tiles: the item's channel, part and NaN handling
            return read_map(path, channel=req.channel, part=req.part, nan=req.nan)[0]
        return read_image(path)[0][..., :3] if rgb else read_map(path)[0]

    own = {
        "input": str(req.input),
        "masks": list(req.masks or []),
        "id_map": req.id_map,
        "base_albedo": req.base_albedo,
        "base_specular": req.base_specular,
    }
    tile_map = one(own["input"], is_input=True)
    margin = udim.margin_for(*tile_map.shape[:2])

    def extend(key, index=None, rgb=False, name="input"):
        def load(c):
            return one(c[key][index] if index is not None else c[key], rgb, is_input=(key == "input"))

        neighbours = {s: load(c) for s, c in ctx["neighbours"].items()}
        diagonals = {tuple(k.split(",")): load(c) for k, c in ctx["diagonals"].items()}
        own_map = tile_map if key == "input" else load(own)
        ext, margins = udim.extend_with_context(own_map, neighbours, margin, diagonals)
        path = write_image(scratch / f"{name}.exr", ext, dtype="float")
        return str(path), margins

    ext_input, margins = extend("input")
    masks = [extend("masks", i, name=f"mask{i}")[0] for i in range(len(own["masks"]))] or None
    id_map = extend("id_map", name="id_map")[0] if own["id_map"] else None
    albedo = extend("base_albedo", rgb=True, name="base_albedo")[0] if own["base_albedo"] else None
    specular = extend("base_specular", name="base_specular")[0] if own["base_specular"] else None
    sub = replace(
        req,
        input=ext_input,
        output=str(scratch / _SCRATCH_TEMPLATE),
        channel=None,
        part=None,
        masks=masks,
        id_map=id_map,
        base_albedo=albedo,
        base_specular=specular,
        nan="error",
        output_format="exr",
        output_dtype="float",
    )
    written = synthesize_file(sub, progress, cancel)
    factor = int(req.settings.upscale)
    info = {
        "margins": list(margins),
        "factor": factor,
        "band": margin * factor // 2,
        "outputs": [p.name for p in written],
    }
    meta = scratch / CONTEXT_FILE
    with atomic_destination(meta) as tmp:
        tmp.write_text(json.dumps(info), encoding="utf-8")
    return [str(p) for p in written] + [str(meta)]


def _context_info(folder: Path) -> dict:
    meta = folder / CONTEXT_FILE
    if not meta.is_file():
        raise InputError(f"{folder}: the context synthesis of this tile is missing; rerun the batch.")
    return json.loads(meta.read_text())


def run_join(task: Task, progress=None, cancel=None) -> List[str]:
    """Crop the tile from its context synthesis and cross-fade each joined edge; write the outputs."""
    from ..api import MAP_CHANNEL_DEFAULTS, output_paths  # torch

    req = task.request
    own_dir = Path(task.context["scratch"])
    own_info = _context_info(own_dir)
    neighbours = {s: (Path(d), _context_info(Path(d))) for s, d in task.context["neighbour_scratch"].items()}
    produced = [name.rsplit(".", 1)[0].split("__", 1) for name in own_info["outputs"]]
    keys = list(dict.fromkeys(k for k, _ in produced))
    maps = list(dict.fromkeys(m for _, m in produced))
    _, tile_info = read_map(req.input, channel=req.channel, part=req.part, nan=req.nan)
    finals = output_paths(req, keys, maps, Path(req.input).suffix)
    protect = [Path(p) for p in task.inputs] + [Path(req.input)]
    written = []
    step = SubProgress(progress, 0.0, 1.0)
    for i, ((key, m), final) in enumerate(finals.items()):
        check_cancel(cancel)
        step(i / max(1, len(finals)), f"joining {m}")
        name = f"{key}__{m}.exr"
        own = _squeeze(read_image(own_dir / name)[0])
        others = {s: (_squeeze(read_image(d / name)[0]), tuple(info["margins"])) for s, (d, info) in neighbours.items()}
        out = udim.blend_edges(own, tuple(own_info["margins"]), others, own_info["band"], own_info["factor"])
        dtype = req.output_dtype
        like = tile_info if m == "displacement" else None
        channel_names = MAP_CHANNEL_DEFAULTS.get(m)
        if m == "bands":
            dtype = dtype if dtype in ("half", "float") else "half"
            channel_names = None
        if dtype is None and like is None:
            dtype = (
                "uint16" if tile_info.bit_depth >= 16 and final.suffix.lower() in (".tif", ".tiff", ".png") else None
            )
        written.append(
            str(write_image(final, out, like=like, dtype=dtype, channel_names=channel_names, protect=protect))
        )
    step(1.0, "done")
    return written


def _squeeze(arr: np.ndarray) -> np.ndarray:
    return arr[..., 0] if arr.ndim == 3 and arr.shape[2] == 1 else arr


def scratch_folders(tasks: List[Task]) -> Dict[str, List[Path]]:
    """Scratch folders per item, to delete once every join of the item is done."""
    out: Dict[str, List[Path]] = {}
    for t in tasks:
        if t.kind == "context":
            out.setdefault(t.item, []).append(Path(t.context["scratch"]))
    return out
