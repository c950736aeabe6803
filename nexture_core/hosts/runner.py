"""A cached synthesis of one image file, as every host runs it.

``plan_run`` computes the cache key and says whether the result already exists;
``RunPlan.job()`` gives a not-yet-started :class:`~nexture_core.job.Job` that
writes float EXRs into the cache folder and records them, so the host only has
to start it, report its progress its own way and load ``job.result``
(``{map name: Path}``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

from ..job import Job
from ..progress import ProgressFn
from ..settings import Settings
from .cache import ResultCache, cache_key, image_digest

OUTPUT_TEMPLATE = "{map}.{ext}"


def run_synthesis(request: Any, progress: Optional[ProgressFn], cancel: Optional[threading.Event]) -> List[Path]:
    """The engine's file entry point (a module attribute so tests can swap a tiny stand-in)."""
    from ..api import synthesize_file

    return synthesize_file(request, progress, cancel)


@dataclass
class RunPlan:
    """One host run: where its results go and whether they already exist."""

    input_path: Path
    pattern: str
    settings: Settings
    key: str
    cache: ResultCache
    channel: Optional[str] = None
    cached: Optional[Dict[str, Path]] = None

    @property
    def folder(self) -> Path:
        return self.cache.root / self.key

    def request(self) -> Any:
        """The :class:`~nexture_core.api.FileRequest`: float EXRs named by map in the cache folder."""
        from ..api import FileRequest

        return FileRequest(
            input=self.input_path,
            patterns=[self.pattern],
            settings=self.settings,
            output=str(self.cache.folder(self.key) / OUTPUT_TEMPLATE),
            channel=self.channel,
            output_format="exr",
            output_dtype="float",
        )

    def work(self, progress: ProgressFn, cancel: threading.Event) -> Dict[str, Path]:
        """Run the synthesis and record it in the cache; returns ``{map name: path}``."""
        written = run_synthesis(self.request(), progress, cancel)
        by_map = {Path(p).stem: Path(p) for p in written}
        outputs = {name: by_map[name] for name in self.settings.maps if name in by_map}
        return self.cache.store(self.key, outputs, {"input": str(self.input_path), "pattern": self.pattern, "settings": self.settings.to_dict()})

    def job(self) -> Job:
        """A not-yet-started job for :meth:`work`; ``job.result`` is ``{map name: path}``."""
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
    """Key the run by the input's pixels (or ``input_digest``) and look it up in ``cache``."""
    cache = cache or ResultCache()
    path = Path(input_path)
    digest = input_digest or image_digest(path)
    key = cache_key(digest, [pattern], settings, {"channel": channel})
    return RunPlan(path, pattern, settings, key, cache, channel=channel, cached=cache.lookup(key))


