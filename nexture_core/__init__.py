"""Nexture: structure-preserving neural synthesis of skin micro-detail.

The flow of a map: read (:mod:`.io`) -> analyse and synthesize on a pyramid, block
by block (:mod:`.synthesis`) -> write (:mod:`.io`). Hosts and the panel drive it
through :class:`.job.Job`; nothing here imports a host.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import (  # noqa: F401
    Cancelled,
    InputError,
    MemoryBudgetError,
    NextureError,
    OutputError,
    PatternError,
    SettingsError,
    WeightsError,
)
from .job import Job, JobState  # noqa: F401
from .settings import Settings  # noqa: F401


def __getattr__(name: str):
    # The engine imports torch; keep `import nexture_core` light for hosts and the CLI's --help.
    if name in ("synthesize", "synthesize_file", "SynthesisResult", "FileRequest", "synthesis_job"):
        from . import api

        return getattr(api, name)
    raise AttributeError(name)
