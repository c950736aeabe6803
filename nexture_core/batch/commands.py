"""``nexture batch JOB.toml --export-commands``: one self-contained shell command per tile.

For studios on other farm managers (Deadline, OpenCue, Tractor): each line is a
``nexture synth`` on one tile (or single map), with absolute paths, the tile's
derived seed and every setting spelled out, shell-quoted with ``shlex.quote``.
It writes the same file as the batch would for that tile, except where a tile
continues its detail across joined edges (those need the batch engines).
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import List, Tuple

from ..settings import Settings
from .jobfile import BatchJob
from .plan import plan_job


def _abs(path) -> str:
    return str(Path(path).expanduser().resolve()) if path else ""


def synth_arguments(request) -> List[str]:
    """The ``nexture synth`` argument list (without the program name) for one FileRequest."""
    s: Settings = request.settings
    args = ["synth", _abs(request.input)]
    for p in request.patterns:
        args += ["-p", p]
    for m in request.masks or []:
        args += ["--mask", _abs(m)]
    if request.id_map:
        args += ["--id-map", _abs(request.id_map)]
    if request.id_values:
        args += ["--id-values", ",".join(repr(float(v)) for v in request.id_values)]
    args += ["--uncovered", s.uncovered]
    if s.texel_mm is not None:
        args += ["--texel-mm", repr(float(s.texel_mm))]
    if s.map_width_mm is not None:
        args += ["--map-width-mm", repr(float(s.map_width_mm))]
    if s.height_mm is not None:
        args += ["--height-mm", repr(float(s.height_mm))]
    args += ["--scale", repr(float(s.scale))]
    args += ["--upscale", str(s.upscale), "--strength", repr(float(s.strength)), "--preset", s.preset]
    if s.iterations is not None:
        args += ["--iterations", str(s.iterations)]
    args += ["--seed", str(s.seed), "--device", s.device, "--precision", s.precision, "--backbone", s.backbone]
    if s.weights:
        args += ["--weights", _abs(s.weights)]
    if s.max_memory_gb is not None:
        args += ["--max-memory", repr(float(s.max_memory_gb))]
    if s.tileable:
        args.append("--tileable")
    args += ["--maps", ",".join(s.maps)]
    if request.base_albedo:
        args += ["--base-albedo", _abs(request.base_albedo)]
    if request.base_specular:
        args += ["--base-specular", _abs(request.base_specular)]
    if request.channel:
        args += ["--channel", request.channel]
    if request.part is not None:
        args += ["--part", str(request.part)]
    args += ["--nan", request.nan]
    output = request.output or str(Path(_abs(request.input)).with_name("{name}_{pattern}_{map}.{ext}"))
    args += ["-o", str(Path(output).expanduser().absolute())]
    if request.output_format:
        args += ["--format", request.output_format]
    if request.output_dtype:
        args += ["--dtype", request.output_dtype]
    return args + ["--quiet"]


def export_commands(job: BatchJob, program: str = "nexture") -> Tuple[List[str], List[str]]:
    """(shell command lines, notes): one command per tile or single map, in plan order.

    Notes name tiles whose exported command cannot continue detail across a
    joined edge (it synthesizes the tile alone, as ``joins = "off"`` would).
    """
    lines: List[str] = []
    joined: List[str] = []
    for task in plan_job(job):
        if task.kind == "context":
            continue
        if task.kind == "join":
            joined.append(task.label.replace(" (join)", ""))
        lines.append(" ".join(shlex.quote(a) for a in [program] + synth_arguments(task.request)))
    notes = []
    if joined:
        notes.append(
            f"{len(joined)} tile(s) ({', '.join(joined[:6])}{', ...' if len(joined) > 6 else ''}) join a neighbour across an edge; "
            "their exported commands synthesize each tile alone, so use 'nexture batch' (local or ray) or joins = \"off\" to match."
        )
    return lines, notes
