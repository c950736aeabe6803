"""The progress and cancel protocol shared by the engine, the CLI, the panel and hosts.

The engine never knows who listens: it calls ``progress(fraction, stage, preview)``
and polls a ``threading.Event``. Terminals, Qt and host progress bars adapt it;
:class:`TerminalProgress` is the command line's (a tqdm bar).
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Optional, Protocol, TextIO

import numpy as np
from tqdm import tqdm

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


class TerminalProgress:
    """The command line's progress on stderr: a tqdm bar on a terminal, plain lines elsewhere.

    On a terminal: percent, bar, elapsed < left, rate (percent per second) and the
    current stage, redrawn in place. Elsewhere (CI logs, pipes, files): one plain
    line per stage (``  12% 00:03<00:21 level 1/4 (96x96)``) and no carriage
    returns. A stage is the label up to its last ``": "``, so the iterations of one
    pyramid level share a line. ``enabled=False`` (``--quiet``) shows nothing.
    """

    def __init__(self, enabled: bool = True, stream: Optional[TextIO] = None) -> None:
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self.interactive = enabled and _is_terminal(self.stream)
        self.started = time.monotonic()
        self._bar: Optional[tqdm] = None
        self._stage: Optional[str] = None

    def __call__(self, fraction: float, stage: str, preview: Optional[np.ndarray] = None) -> None:
        if not self.enabled:
            return
        percent = 100.0 * min(max(float(fraction), 0.0), 1.0)
        if self.interactive:
            self._draw(percent, stage)
        else:
            self._line(percent, stage)

    def _draw(self, percent: float, stage: str) -> None:
        if self._bar is None:
            self._bar = tqdm(
                total=100.0,
                file=self.stream,
                unit="%",
                dynamic_ncols=True,
                leave=True,
                bar_format="{percentage:5.1f}%|{bar:30}| {elapsed}<{remaining} {rate_fmt} {desc}",
            )
        self._bar.set_description_str(stage[:60], refresh=False)
        self._bar.update(percent - self._bar.n)

    def _line(self, percent: float, stage: str) -> None:
        key = stage.rsplit(": ", 1)[0]
        if key == self._stage:
            return
        self._stage = key
        elapsed = time.monotonic() - self.started
        left = tqdm.format_interval(elapsed * (100.0 - percent) / percent) if percent >= 2.0 else "?"
        self.stream.write(f"{percent:5.1f}% {tqdm.format_interval(elapsed)}<{left} {key}\n")
        self.stream.flush()

    def write(self, line: str, file: Optional[TextIO] = None) -> None:
        """Print ``line`` (to stdout by default) without breaking the bar."""
        out = file if file is not None else sys.stdout
        if self._bar is not None:
            tqdm.write(line, file=out)
        else:
            print(line, file=out, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _is_terminal(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # closed or not a real file
        return False
