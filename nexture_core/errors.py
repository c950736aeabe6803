"""Errors an artist can read.

Every failure that reaches a person is one of these: one sentence that names
the file or the parameter and says what to do. The CLI prints ``str(error)``
and exits non-zero; the panel and the host plugins show it in their own UI.
Nothing deep inside torch or OpenImageIO should ever reach a user raw.
"""

from __future__ import annotations


class NextureError(Exception):
    """Base of all errors meant for a person, not a traceback."""


class InputError(NextureError):
    """An input file is missing, unreadable, corrupt or of an unsupported layout."""


class OutputError(NextureError):
    """An output cannot be written (would overwrite an input, bad folder, ...)."""


class SettingsError(NextureError):
    """A setting is out of range or inconsistent; raised before any work starts."""


class PatternError(NextureError):
    """A pattern is unknown, malformed or lacks a map that was asked for."""


class WeightsError(NextureError):
    """Feature-network weights are missing or do not match the expected layout."""


class MemoryBudgetError(NextureError):
    """The memory budget is too small for even the smallest block."""


class Cancelled(NextureError):
    """The caller set the cancel event; no output was written."""

    def __init__(self, message: str = "Synthesis cancelled; no output was written.") -> None:
        super().__init__(message)
