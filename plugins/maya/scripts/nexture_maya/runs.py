"""Runs on a texture: a cached core Job, Maya's progress window, results wired as file nodes.

Only Maya's calls live here (:class:`MayaHost`); the relay to the main thread,
throttled progress and cancel are the core's (:mod:`nexture_core.hosts.adapter`).
The worker only calls ``maya.utils.executeDeferred``. Maya has one
``progressWindow``, so every run in flight shares it (:class:`SharedProgress`):
it opens with the first run, shows how many are running, closes with the last,
and Esc stops them all. ``mayapy`` runs synchronously.

A UDIM texture (``uvTilingMode`` set, or a tile name like ``face.1001.exr``)
runs every tile of the set. The texel size, when the artist gave none, comes
from the mesh the shading group covers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional

import maya.utils
from maya import cmds

from nexture_core.errors import InputError, NextureError
from nexture_core.hosts.adapter import ActiveRuns, HostRun
from nexture_core.hosts.cache import ResultCache, cache_root_for
from nexture_core.hosts.deps import missing_line
from nexture_core.hosts.requests import pattern_from_values, settings_from_values
from nexture_core.hosts.runner import plan_run
from nexture_core.job import Job, JobState
from nexture_core.udim import find_tiles, is_udim_path, set_pattern_of, tile_of_path

from . import network, texel

RUNS = ActiveRuns()
TILING_MODES = {0: "off", 1: "ZBrush (0-based)", 2: "Mudbox (1-based)", 3: "UDIM (Mari)"}


def scene_cache() -> ResultCache:
    """``$NEXTURE_CACHE``, else ``nexture_cache`` beside the saved scene, else the user cache."""
    return ResultCache(cache_root_for(str(cmds.file(query=True, sceneName=True) or "") or None))


def texture_source(file_node: Optional[str], values: Mapping[str, Any]) -> str:
    """The image (or UDIM set pattern) to run on: ``values['input']`` or the file node's texture."""
    path = str(values.get("input") or (cmds.getAttr(f"{file_node}.fileTextureName") if file_node else "") or "")
    mode = int(cmds.getAttr(f"{file_node}.uvTilingMode") or 0) if file_node else 0
    if mode == 1:
        raise InputError(
            f"{file_node}: ZBrush (0-based) UV tiles are not supported; rename the tiles to UDIM (1001) or Mudbox (u1_v1)."
        )
    if mode in (2, 3) or (tile_of_path(path) is not None and not Path(path).is_file()):
        path = set_pattern_of(path) if not is_udim_path(path) else path
    if not path or not (is_udim_path(path) or Path(path).is_file()):
        raise InputError(f"{path or 'The selected file node'}: texture file not found; check its File Name.")
    if is_udim_path(path):
        find_tiles(path)  # raises a clear error when no tile exists
    return path


def map_size(path: str) -> tuple:
    """(width, height) of the texture, or of one tile of a UDIM set."""
    from nexture_core.io import inspect_image

    part = inspect_image(find_tiles(path)[0].path if is_udim_path(path) else path)[0]
    return int(part.width), int(part.height)


class SharedProgress:
    """Maya's one progress window, shared by every run in flight."""

    def __init__(self) -> None:
        self.runs: List[HostRun] = []

    def add(self, run: HostRun) -> None:
        if not self.runs:
            cmds.progressWindow(title="Nexture", progress=0, status="Nexture: starting", isInterruptable=True)
        self.runs.append(run)

    def cancelled(self) -> bool:
        return bool(self.runs) and bool(cmds.progressWindow(query=True, isCancelled=True))

    def update(self) -> None:
        if not self.runs:
            return
        fraction = sum(r.job.progress for r in self.runs) / len(self.runs)
        count = f"{len(self.runs)} runs, " if len(self.runs) > 1 else ""
        cmds.progressWindow(
            edit=True, progress=int(round(fraction * 100)), status=f"Nexture: {count}{self.runs[-1].job.stage}"
        )

    def remove(self, run: HostRun) -> None:
        if run in self.runs:
            self.runs.remove(run)
            if not self.runs:
                cmds.progressWindow(endProgress=True)
            else:
                self.update()


PROGRESS = SharedProgress()


class MayaHost:
    """Maya's side of one run (see :class:`nexture_core.hosts.adapter.HostCalls`)."""

    def __init__(
        self,
        file_node: Optional[str],
        connect: Mapping[str, bool],
        udim: bool,
        assumptions: Optional[str],
        interactive: bool,
    ) -> None:
        self.file_node = file_node
        self.connect = dict(connect)
        self.udim = udim
        self.assumptions = assumptions
        self.interactive = interactive
        self.nodes: Dict[str, str] = {}
        self.on_done: Optional[Callable[[Dict[str, str]], None]] = None

    def defer(self, call: Callable[[], None]) -> None:
        maya.utils.executeDeferred(call)

    def progress(self, run: HostRun) -> None:
        PROGRESS.update()

    def cancel_requested(self, run: HostRun) -> bool:
        return PROGRESS.cancelled()

    def finished(self, run: HostRun) -> None:
        PROGRESS.remove(run)
        job = run.job
        if job.state is JobState.DONE:
            self.nodes = wire(self.file_node, job.result.by_map, self.connect, self.udim, self.interactive)
            if self.on_done is not None:
                self.on_done(self.nodes)
        elif job.state is JobState.FAILED:
            cmds.warning(f"Nexture: {job.error_text}")


def ask_artist(question: str, buttons: List[str], default: str) -> str:
    return str(
        cmds.confirmDialog(
            title="Nexture",
            message=question,
            button=buttons,
            defaultButton=default,
            cancelButton=default,
            dismissString=default,
        )
    )


def wire(
    file_node: Optional[str], outputs: Mapping[str, Any], connect: Mapping[str, bool], udim: bool, interactive: bool
) -> Dict[str, str]:
    paths = {name: _first_tile(Path(p)) if udim else Path(p).as_posix() for name, p in outputs.items()}
    return network.build_result_network(
        file_node,
        paths,
        displacement=connect.get("displacement", False),
        normal=connect.get("normal", False),
        udim=udim,
        ask=ask_artist if interactive else None,
    )


def _first_tile(pattern: Path) -> str:
    return find_tiles(pattern)[0].path.as_posix()


def start(
    file_node: Optional[str],
    values: Mapping[str, Any],
    *,
    connect_displacement: bool = False,
    connect_normal: bool = False,
    cache: Optional[ResultCache] = None,
) -> HostRun:
    """Run on ``file_node``'s texture (or ``values['input']``); the shelf tool and the panel's Run call this.

    Raises :class:`NextureError` (bad settings, missing texture or dependencies) before anything starts.
    """
    values = dict(values)
    settings = settings_from_values(values)
    problem = missing_line("maya", str(cmds.about(version=True)), needs_weights=settings.backbone == "vgg19")
    if problem:
        raise NextureError(problem)
    source = texture_source(file_node, values)
    if file_node and not float(values.get("texel_mm") or 0) and not float(values.get("map_width_mm") or 0):
        _material, group = network.downstream_material(file_node)
        width, height = map_size(source)
        found = texel.texel_mm(group, width, height, cmds.ls(selection=True, type=["transform", "mesh"]) or [])
        if found:
            values["texel_mm"] = found
            settings = settings_from_values(values)
    plan = plan_run(source, pattern_from_values(values), settings, cache=cache or scene_cache())
    interactive = not cmds.about(batch=True)
    if plan.assumptions:
        print(f"Nexture {file_node or source}: {plan.assumptions}")
        if interactive:
            cmds.inViewMessage(assistMessage=f"Nexture: {plan.assumptions}", position="topCenter", fade=True)
    host = MayaHost(
        file_node,
        {"displacement": connect_displacement, "normal": connect_normal},
        plan.udim,
        plan.assumptions,
        interactive,
    )
    key = file_node or source
    if plan.cached is not None:
        run = HostRun(key, Job(lambda progress, cancel: plan.cached), host)
        return run.start(synchronous=True)
    run = RUNS.start(key, plan.job(), host, synchronous=not interactive)
    if interactive:
        PROGRESS.add(run)  # before any deferred call can run: those wait for Maya's main loop
    return run
