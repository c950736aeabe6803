"""Split a job into tasks: one per single map, one per tile, two per joined tile.

A tile with no joined edge is one ``file`` task: exactly ``nexture synth`` on that
tile with its derived seed. A tile joined to neighbours gets a ``context`` task
(synthesize the tile plus margins of its neighbours' input, into a scratch
folder) and a ``join`` task (crop and cross-fade with the neighbours' context
syntheses), which depends on its own and its neighbours' context tasks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from .. import udim
from ..io import read_map
from .jobfile import BatchJob, WorkItem

SCRATCH_DIR = ".nexture-work"


@dataclass
class Task:
    """One unit of work a node runs; plain data so Ray can ship it."""

    id: str
    item: str
    kind: str
    request: object  # nexture_core.api.FileRequest of the tile (or the single map)
    tile: Optional[udim.Tile]
    folder: str  # where the manifest lives (the outputs' folder)
    deps: Tuple[str, ...] = ()
    inputs: Tuple[str, ...] = ()  # files whose bytes decide the result
    context: dict = field(default_factory=dict)
    fingerprint: str = ""

    @property
    def label(self) -> str:
        if self.tile is None:
            return self.item
        suffix = {"context": " (context)", "join": " (join)"}.get(self.kind, "")
        return f"{self.item} {self.tile.number}{suffix}"


def plan_job(job: BatchJob) -> List[Task]:
    """Every task of the job, each item's context/file tasks before its joins."""
    tasks: List[Task] = []
    for item in job.items:
        tasks.extend(plan_item(item))
    return tasks


def output_folder(item: WorkItem) -> Path:
    """The outputs' folder: the template's first folder without fields, or the input's folder."""
    template = item.output_template()
    folder = Path(template).parent if template else Path(item.input).parent
    while "{" in str(folder) or udim.is_udim_path(folder):
        folder = folder.parent
    return folder


def plan_item(item: WorkItem) -> List[Task]:
    folder = str(output_folder(item))
    if not item.is_set:
        req = item.request_for(None)
        return [Task(item.name, item.name, "file", req, None, folder, inputs=tuple(_files(req)))]
    tiles = item.tiles()
    by_number = {t.number: t for t in tiles}
    joined = (
        udim.find_joins(tiles, item.joins, lambda t: _profiles(item, t))
        if item.joins != "off"
        else {t.number: () for t in tiles}
    )
    firsts: List[Task] = []
    joins: List[Task] = []
    for tile in tiles:
        req = item.request_for(tile)
        sides = joined[tile.number]
        base_id = f"{item.name}/{tile.number}"
        if not sides:
            firsts.append(Task(base_id, item.name, "file", req, tile, folder, inputs=tuple(_files(req))))
            continue
        neighbours = {s: by_number[udim.neighbour_number(tile, s)] for s in sides}
        diagonals = {}
        for vert in ("top", "bottom"):
            for horiz in ("left", "right"):
                if vert in sides and horiz in sides:
                    n = udim.neighbour_number(neighbours[vert], horiz)
                    if n in by_number:
                        diagonals[f"{vert},{horiz}"] = by_number[n]
        scratch = Path(folder) / SCRATCH_DIR / item.name / str(tile.number)
        companions = {s: _companions(item, t) for s, t in neighbours.items()}
        diag_companions = {k: _companions(item, t) for k, t in diagonals.items()}
        context_inputs = _files(req) + [
            f for c in list(companions.values()) + list(diag_companions.values()) for f in _flat(c)
        ]
        firsts.append(
            Task(
                f"{base_id}/context",
                item.name,
                "context",
                req,
                tile,
                folder,
                inputs=tuple(context_inputs),
                context={
                    "scratch": str(scratch),
                    "neighbours": companions,
                    "diagonals": diag_companions,
                    "sides": list(sides),
                },
            )
        )
        neighbour_scratch = {
            s: str(Path(folder) / SCRATCH_DIR / item.name / str(t.number)) for s, t in neighbours.items()
        }
        deps = (f"{base_id}/context",) + tuple(f"{item.name}/{t.number}/context" for t in neighbours.values())
        joins.append(
            Task(
                base_id,
                item.name,
                "join",
                req,
                tile,
                folder,
                deps=deps,
                inputs=(str(tile.path),),
                context={"scratch": str(scratch), "neighbour_scratch": neighbour_scratch, "sides": list(sides)},
            )
        )
    return firsts + joins


def _profiles(item: WorkItem, tile: udim.Tile) -> Dict[str, object]:
    image, _ = read_map(tile.path, channel=item.channel, part=item.part, nan=item.nan)
    return {side: udim.edge_profile(image, side) for side in udim.SIDES}


def _companions(item: WorkItem, tile: udim.Tile) -> dict:
    """A tile's input and the per-tile files that go with it (masks, id map, base maps)."""
    req = item.request_for(tile)
    return {
        "input": str(tile.path),
        "masks": list(req.masks) if req.masks else [],
        "id_map": req.id_map,
        "base_albedo": req.base_albedo,
        "base_specular": req.base_specular,
    }


def _flat(companions: dict) -> List[str]:
    files = [companions["input"]] + list(companions["masks"])
    return files + [companions[k] for k in ("id_map", "base_albedo", "base_specular") if companions[k]]


def _files(req) -> List[str]:
    files = [str(req.input)] + [str(m) for m in (req.masks or [])]
    return files + [str(p) for p in (req.id_map, req.base_albedo, req.base_specular) if p]
