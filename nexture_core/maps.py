"""The one-channel check every numpy map function starts with, and the one resampler.

Maps arrive as H x W or H x W x 1 arrays of any float or integer type (a grey
EXR reads as H x W x 1). Measures, look-dev maps and relief views all take one
channel, so they share this single check and its error; they resample through
the engine's own :func:`nexture_core.filters.resize`, so a pattern is judged
and shown at the output's scale exactly as the engine drew it.
"""

from __future__ import annotations

from typing import Tuple

import numpy as np
import torch

from . import filters


def as_map(x: np.ndarray, name: str = "map") -> np.ndarray:
    """``x`` as one H x W float32 channel (no copy when it already is one).

    Raises ValueError naming ``name`` when ``x`` has more than one channel.
    """
    arr = np.asarray(x)
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[..., 0]
    if arr.ndim != 2:
        raise ValueError(f"{name} must be one channel (H x W); got shape {arr.shape}.")
    return arr.astype(np.float32, copy=False)


def resize_to(x: np.ndarray, shape: Tuple[int, int], wrap: bool = False) -> np.ndarray:
    """Resample to exactly ``shape`` (H, W) with the engine's own resampler.

    :func:`nexture_core.filters.resize`: antialiased bicubic when shrinking (no
    finer-than-a-pixel detail aliases into false texture), bicubic when
    enlarging; ``wrap``: the map tiles, and so does the result. The metrics
    judge a pattern resampled exactly as the engine resampled it.
    """
    arr = as_map(x)
    if arr.shape == (int(shape[0]), int(shape[1])):
        return arr.copy()
    tensor = torch.from_numpy(np.require(arr, np.float32, ["C", "W"]))[None, None]  # writable: torch shares it
    return filters.resize(tensor, (int(shape[0]), int(shape[1])), wrap=wrap)[0, 0].numpy()
