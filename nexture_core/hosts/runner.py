"""A cached synthesis of one image file or one UDIM set, as every host runs it.

``plan_run`` computes the cache key and says whether the result already exists;
``RunPlan.job()`` gives a not-yet-started :class:`~nexture_core.job.Job` that
writes float EXRs into the cache folder and records them, so the host only has
to start it (through :mod:`.adapter`) and load its result, a :class:`MapFiles`
(``.by_map``: ``{map name: Path}``; for a UDIM set the path holds ``<UDIM>``).
``assumptions`` is the one line the host shows when it had to assume the
texel size or height unit.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Union

from ..job import Job
from ..progress import ProgressFn
from ..settings import Settings
from .cache import ResultCache, cache_key, image_digest

OUTPUT_TEMPLATE = "{map}.{ext}"
UDIM_TEMPLATE = "{map}.<UDIM>.{ext}"


def run_synthesis(request: Any, progress: Optional[ProgressFn], cancel: Optional[threading.Event]) -> List[Path]:
    """The engine's entry point for one file (a module attribute so a host test can count calls)."""
    from ..api import synthesize_file

    return synthesize_file(request, progress, cancel)


def run_udim(request: Any, progress: Optional[ProgressFn], cancel: Optional[threading.Event]) -> List[Path]:
    """The engine's entry point for a tile set: every tile, joined edges continued."""
    from ..batch import run_udim_set

    return run_udim_set(request, progress, cancel)


class MapFiles(List[Path]):
    """A host run's result: the written files in map order (what the shared panel
    lists and shows) and ``by_map``, ``{map name: Path}`` (what the host loads)."""

    def __init__(self, by_map: Mapping[str, Path]) -> None:
        super().__init__(Path(p) for p in by_map.values())
        self.by_map: Dict[str, Path] = {name: Path(p) for name, p in by_map.items()}


@dataclass
class RunPlan:
    """One host run: where its results go and whether they already exist."""

    input_path: Path
    pattern: str
    settings: Settings
    key: str
    cache: ResultCache
    channel: Optional[str] = None
    cached: Optional[MapFiles] = None
    udim: bool = False
    assumptions: Optional[str] = None

    @property
    def folder(self) -> Path:
        return self.cache.root / self.key

    def request(self) -> Any:
        """The :class:`~nexture_core.api.FileRequest`: float EXRs named by map in the cache folder."""
        from ..api import FileRequest

        template = UDIM_TEMPLATE if self.udim else OUTPUT_TEMPLATE
        return FileRequest(
            input=self.input_path,
            patterns=[self.pattern],
            settings=self.settings,
            output=str(self.cache.folder(self.key) / template),
            channel=self.channel,
            output_format="exr",
            output_dtype="float",
        )

    def work(self, progress: ProgressFn, cancel: threading.Event) -> MapFiles:
        """Run the synthesis and record it in the cache."""
        if self.udim:
            run_udim(self.request(), progress, cancel)
            outputs = {m: self.folder / UDIM_TEMPLATE.format(map=m, ext="exr") for m in self.settings.maps}
        else:
            written = run_synthesis(self.request(), progress, cancel)
            by_map = {Path(p).stem: Path(p) for p in written}
            outputs = {name: by_map[name] for name in self.settings.maps if name in by_map}
        info = {"input": str(self.input_path), "pattern": self.pattern, "settings": self.settings.to_dict()}
        return MapFiles(self.cache.store(self.key, outputs, info))

    def job(self) -> Job:
        """A not-yet-started job for :meth:`work`; ``job.result`` is a :class:`MapFiles`."""
        return Job(self.work, name=f"{self.input_path.name} [{self.pattern}]")


def plan_run(
    input_path: Union[str, Path],
    pattern: str,
    settings: Settings,
    *,
    cache: Optional[ResultCache] = None,
    input_digest: Optional[str] = None,
    channel: Optional[str] = None,
) -> RunPlan:
    """Key the run by the input's pixels (or ``input_digest``) and look it up in ``cache``.

    ``input_path`` may name a UDIM set (``face.<UDIM>.exr``): the key then covers
    every tile and the run synthesizes them all.
    """
    from ..udim import find_tiles, is_udim_path

    cache = cache or ResultCache()
    path = Path(input_path)
    udim = is_udim_path(path)
    if input_digest is None:
        if udim:
            input_digest = ":".join(f"{t.number}={image_digest(t.path)}" for t in find_tiles(path))
        else:
            input_digest = image_digest(path)
    key = cache_key(input_digest, [pattern], settings, {"channel": channel, "udim": udim})
    found = cache.lookup(key)
    plan = RunPlan(
        path, pattern, settings, key, cache, channel=channel, cached=MapFiles(found) if found else None, udim=udim
    )
    plan.assumptions = assumptions_for(plan)
    return plan


def assumptions_for(plan: RunPlan) -> Optional[str]:
    """What the run assumes about units (texel size, height unit), in one line, or None."""
    from ..io import inspect_image
    from ..patterns import load_bank
    from ..udim import find_tiles
    from ..units import assumptions_line

    source = find_tiles(plan.input_path)[0].path if plan.udim else plan.input_path
    part = inspect_image(source)[0]
    return assumptions_line(plan.settings, (part.height, part.width), [load_bank().get(plan.pattern)])
