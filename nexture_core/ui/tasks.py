"""Work functions the panel runs in Jobs: read an input, run a preview, load a result.

No Qt here: each returns plain data (arrays, ImageInfo, uint8 renderings) that
the UI thread only wraps into QImages. Signatures follow the Job protocol
``work(progress, cancel) -> result`` once their arguments are bound. torch and
``nexture_core.api`` are imported inside the work functions, on the worker
thread: importing them where the panel is imported would freeze the host.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Optional, Sequence, Tuple

import numpy as np

from ..io import read_map
from ..progress import ProgressFn, check_cancel
from ..settings import Settings
from .imaging import DisplayMaps, blue_tint, crop_around, display_maps, shaded

PREVIEW_SIDE = 512  # px of input around the view centre that a quick preview synthesizes (the visible region at 1:1)


def warm_up_engine(progress: ProgressFn, cancel: threading.Event) -> float:
    """Import torch and the engine; returns the seconds it took.

    Loading libtorch holds the GIL for a few hundred milliseconds, which would
    stall the UI in the middle of the first run; the panel does it once, in the
    background, as it opens (when a short hitch goes unnoticed).
    """
    started = time.monotonic()
    progress(0.1, "loading the synthesis engine")
    import torch
    import torch.nn.functional as F

    from .. import api  # noqa: F401
    from ..synthesis import engine  # noqa: F401

    # The first optimiser step imports torch._dynamo and sympy (another ~0.5 s of
    # GIL-holding imports); one step on an 8x8 tensor gets them out of the way.
    v = torch.zeros(1, 1, 8, 8, requires_grad=True)
    optimiser = torch.optim.Adam([v], lr=0.1)
    F.conv2d(v, torch.ones(1, 1, 3, 3)).square().mean().backward()
    optimiser.step()
    return time.monotonic() - started


@dataclass
class LoadedMap:
    """A map ready for the panel: the full-res ``height`` (HxW float32), its info, its renderings."""

    height: np.ndarray
    info: Any  # nexture_core.io.ImageInfo, or None for arrays handed over by a host
    display: DisplayMaps
    name: str
    path: Optional[Path] = None


def load_input(path, progress: ProgressFn, cancel: threading.Event, *, channel=None, part=None) -> LoadedMap:
    """Read a displacement map and render it for the screen (raises InputError for bad files)."""
    progress(0.05, f"reading {Path(path).name}")
    height, info = read_map(path, channel=channel, part=part, nan="zero")
    check_cancel(cancel)
    progress(0.6, "rendering relief")
    return LoadedMap(height, info, display_maps(height), Path(path).name, Path(path))


def prepare_array(array: np.ndarray, name: str, progress: ProgressFn, cancel: threading.Event) -> LoadedMap:
    """A host's array (HxW, or HxWxC: first channel) rendered for the screen."""
    height = np.asarray(array, dtype=np.float32)
    if height.ndim == 3:
        height = height[..., 0]
    progress(0.3, "rendering relief")
    return LoadedMap(np.ascontiguousarray(height), None, display_maps(height), name, None)


def load_result_maps(
    outputs: Dict[str, Path], exaggeration: Optional[float], progress: ProgressFn, cancel: threading.Event
) -> Dict[str, DisplayMaps]:
    """Renderings of each written displacement output (``outputs``: label -> file), lit like the input."""
    shown: Dict[str, DisplayMaps] = {}
    for i, (label, path) in enumerate(outputs.items()):
        check_cancel(cancel)
        progress(i / max(1, len(outputs)), f"loading {Path(path).name}")
        shown[label] = display_maps(read_map(path)[0], exaggeration=exaggeration)
    return shown


def label_outputs(paths: Sequence[Path], patterns: Sequence[str]) -> Dict[str, Path]:
    """Displacement outputs labelled by their pattern id when the file name shows it, else by name."""
    displacement = [Path(p) for p in paths if "displacement" in Path(p).name] or [Path(p) for p in paths]
    labelled: Dict[str, Path] = {}
    for path in displacement:
        matches = [pid for pid in patterns if f"_{pid}" in path.stem or path.stem.startswith(pid)]
        label = max(matches, key=len) if matches else path.name
        labelled[label if label not in labelled else path.name] = path
    return labelled


def result_display_maps(
    result, exaggeration: Optional[float], progress: ProgressFn, cancel: threading.Event
) -> Dict[str, DisplayMaps]:
    """Renderings of each displacement output of an in-memory SynthesisResult, keyed by pattern."""
    shown: Dict[str, DisplayMaps] = {}
    for key, maps in result.outputs.items():
        check_cancel(cancel)
        shown[key] = display_maps(maps["displacement"], exaggeration=exaggeration)
    return shown


@dataclass
class PreviewImage:
    """A blue-tinted relief (HxWx3 uint8) of a quick synthesis over ``rect`` = (x, y, w, h) input px."""

    pixels: np.ndarray
    rect: Tuple[int, int, int, int]
    pattern: str
    seconds: float


def preview_settings(settings: Settings) -> Settings:
    """The quick variant of ``settings``: preview preset, displacement only, no upscale."""
    return settings.replace(preset="preview", maps=("displacement",), upscale=1, max_memory_gb=None, tileable=False)


def run_preview(
    height: np.ndarray,
    centre_xy: Tuple[float, float],
    pattern,
    settings: Settings,
    progress: ProgressFn,
    cancel: threading.Event,
) -> PreviewImage:
    """Synthesize ``pattern`` on the crop of ``height`` around ``centre_xy`` and shade it in blue."""
    from ..api import synthesize

    started = time.monotonic()
    crop, rect = crop_around(height, centre_xy, PREVIEW_SIDE)
    result = synthesize(crop, [pattern], preview_settings(settings), progress, cancel)
    disp = next(iter(result.outputs.values()))["displacement"]
    check_cancel(cancel)
    pattern_id = getattr(pattern, "id", str(pattern))
    return PreviewImage(blue_tint(shaded(disp)), rect, pattern_id, time.monotonic() - started)
