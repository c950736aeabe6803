"""A run's side files: the ``--stats`` JSON record and the ``--preview`` before/after image.

Written after the outputs, atomically; their paths were checked with the
outputs before any work (:func:`nexture_core.preflight.check_outputs`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Optional, Sequence, Union

import numpy as np

PathLike = Union[str, Path]


def write_stats(path: PathLike, seconds: float, outputs: Sequence[PathLike], figures: dict) -> Path:
    """``{"seconds", "outputs", "warnings", "synthesis_<figure>"...}`` as JSON (per-pattern details left out)."""
    from .io.atomic import atomic_destination

    figures = dict(figures)
    figures.pop("patterns", None)
    warnings = figures.pop("warnings", [])
    record = {
        "seconds": round(seconds, 2),
        "outputs": [str(p) for p in outputs],
        "warnings": list(warnings),
        **{f"synthesis_{k}": v for k, v in figures.items()},
    }
    with atomic_destination(path) as tmp:
        tmp.write_text(json.dumps(record, indent=2), encoding="utf-8")
    return Path(path)


def write_preview(
    path: PathLike,
    before: np.ndarray,
    after: np.ndarray,
    protect: Iterable[PathLike] = (),
    pattern: Optional[str] = None,
    texel_mm: Optional[float] = None,
) -> Path:
    """Shaded relief of the input beside the output displacement, whole and at 1:1 with a mm scale bar (8-bit image)."""
    from .relief import write_before_after

    return write_before_after(
        Path(path), before, after, labels=True, protect=tuple(protect), pattern=pattern, texel_mm=texel_mm
    )
