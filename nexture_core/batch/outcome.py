"""How one task ended, in the same words for every engine.

Both engines (:mod:`.local`, :mod:`.ray_engine`) report a task as "done",
"failed", "cancelled" or "blocked"; the report and the resume manifest read
only an :class:`Outcome`, never an engine's own objects.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable, List, Mapping, Optional

from ..errors import NextureError
from ..progress import ProgressFn
from .plan import Task

Runner = Callable[[Task, Optional[ProgressFn], Optional[threading.Event]], List[str]]
OnDone = Callable[["Outcome"], None]


@dataclass
class Outcome:
    """How one task ended: ``status`` is "done", "failed", "cancelled" or "blocked" (a dependency failed)."""

    task: Task
    status: str
    outputs: List[str]
    error: str = ""
    attempts: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "done"


def error_text(exc: BaseException) -> str:
    """One line for the report: the artist-facing sentence, or the type and message."""
    if isinstance(exc, NextureError):
        return str(exc)
    return f"{exc.__class__.__name__}: {exc}"


def blocked_outcome(task: Task, finished: Mapping[str, Outcome], seconds: float = 0.0) -> Optional[Outcome]:
    """The "blocked" outcome of ``task`` when a dependency in ``finished`` did not succeed, else None."""
    failed = [d for d in task.deps if d in finished and not finished[d].ok]
    if not failed:
        return None
    return Outcome(
        task, "blocked", [], f"not run: it needs {', '.join(failed)}, which did not finish.", seconds=seconds
    )
