"""The one-channel check every numpy map function starts with.

Maps arrive as H x W or H x W x 1 arrays of any float or integer type (a grey
EXR reads as H x W x 1). Measures, look-dev maps and relief views all take one
channel, so they share this single check and its error.
"""

from __future__ import annotations

import numpy as np


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
