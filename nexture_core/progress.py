"""The progress and cancel protocol shared by the engine, the CLI, the panel and hosts.

The engine never knows who listens: it calls ``progress(fraction, stage, preview)``
and polls a ``threading.Event``. Terminals, Qt and host progress bars adapt it.
"""

from __future__ import annotations

import threading
from typing import Optional, Protocol

import numpy as np

from .errors import Cancelled


class ProgressFn(Protocol):
    def __call__(self, fraction: float, stage: str, preview: Optional[np.ndarray] = None) -> None:
        """``fraction`` in [0, 1]; ``stage`` a short human label; ``preview`` an HxW float32 map."""


def check_cancel(cancel: Optional[threading.Event]) -> None:
    """Raise :class:`Cancelled` when the caller has asked to stop."""
    if cancel is not None and cancel.is_set():
        raise Cancelled()


class SubProgress:
    """Maps a child's [0, 1] onto a slice [start, end] of a parent's progress bar."""

    def __init__(self, parent: Optional[ProgressFn], start: float, end: float, prefix: str = "") -> None:
        self.parent = parent
        self.start = start
        self.end = end
        self.prefix = prefix

    def __call__(self, fraction: float, stage: str, preview: Optional[np.ndarray] = None) -> None:
        if self.parent is None:
            return
        fraction = min(max(fraction, 0.0), 1.0)
        label = f"{self.prefix}{stage}" if self.prefix else stage
        self.parent(self.start + (self.end - self.start) * fraction, label, preview)
