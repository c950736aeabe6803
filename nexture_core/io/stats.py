"""Value statistics of a map for ``nexture info`` (finite samples only)."""

from __future__ import annotations

from typing import Dict, Optional

import numpy as np

_ROWS = 1024


def value_stats(pixels: np.ndarray) -> Dict[str, Optional[float]]:
    """min / max / mean of the finite samples of ``pixels`` (any shape), plus NaN/Inf counts.

    Chunked by rows so a 16k map does not need a boolean copy of itself.
    """
    lo, hi, total, count, nans, infs = np.inf, -np.inf, 0.0, 0, 0, 0
    for y in range(0, pixels.shape[0], _ROWS):
        chunk = pixels[y : y + _ROWS]
        finite = np.isfinite(chunk)
        nans += int(np.count_nonzero(np.isnan(chunk)))
        infs += int(chunk.size - np.count_nonzero(finite)) - int(np.count_nonzero(np.isnan(chunk)))
        good = chunk[finite]
        if good.size:
            lo = min(lo, float(good.min()))
            hi = max(hi, float(good.max()))
            total += float(good.sum(dtype=np.float64))
            count += int(good.size)
    if count == 0:
        return {"min": None, "max": None, "mean": None, "nan": nans, "inf": infs}
    return {"min": lo, "max": hi, "mean": total / count, "nan": nans, "inf": infs}
