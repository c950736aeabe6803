"""NaN/Inf pixels: count them, and refuse or repair them as the artist chose.

A NaN in a displacement map poisons every filter it touches (one bad texel
becomes a black square after the pyramid), so the default is to refuse.
"""

from __future__ import annotations

from pathlib import Path
from typing import Tuple

import numpy as np

from ..errors import InputError, SettingsError

NAN_MODES = ("error", "zero", "fill", "keep")
_ROWS = 1024  # rows per chunk: keeps the bool temporaries of a 16k map small


def count_nonfinite(pixels: np.ndarray) -> Tuple[int, int]:
    """(NaN count, ±Inf count) over all samples of ``pixels``, chunked by rows."""
    nans = infs = 0
    for y in range(0, pixels.shape[0], _ROWS):
        chunk = pixels[y : y + _ROWS]
        nans += int(np.count_nonzero(np.isnan(chunk)))
        infs += int(np.count_nonzero(np.isinf(chunk)))
    return nans, infs


def handle_nonfinite(pixels: np.ndarray, nan: str, path: Path, what: str) -> Tuple[int, int]:
    """Apply ``nan`` to ``pixels`` (HxWxC float32) in place; returns the counts found.

    - ``"error"``: raise :class:`InputError` naming the counts (default);
    - ``"zero"``: replace with 0 (a flat spot at zero displacement);
    - ``"fill"``: replace with the nearest finite pixel of the same channel, so a
      hole in a scan is patched by its surroundings rather than pulled to 0;
    - ``"keep"``: leave as they are (``nexture info`` only reports them).
    """
    if nan not in NAN_MODES:
        raise SettingsError(f"nan={nan!r} is not one of {', '.join(NAN_MODES)}.")
    if pixels.dtype.kind != "f":
        return 0, 0
    nans, infs = count_nonfinite(pixels)
    if nans == 0 and infs == 0 or nan == "keep":
        return nans, infs
    total = pixels.size
    if nans + infs == total:
        raise InputError(f"{path}: every sample of {what} is NaN or Inf; there is nothing to read.")
    if nan == "error":
        raise InputError(
            f"{path}: {nans} NaN and {infs} Inf sample(s) of {total} in {what}; "
            "fix the file or read with nan='zero' or nan='fill' (CLI: --nan zero|fill)."
        )
    for c in range(pixels.shape[2]):
        plane = pixels[:, :, c]
        if nan == "zero":
            for y in range(0, plane.shape[0], _ROWS):
                chunk = plane[y : y + _ROWS]
                chunk[~np.isfinite(chunk)] = 0.0
        else:
            fill_nearest(plane, path, what)
    return nans, infs


def fill_nearest(plane: np.ndarray, path: Path, what: str) -> None:
    """Replace non-finite samples of a 2-D plane by their nearest finite neighbour.

    Works on the bounding box of the bad samples plus a margin, so a few bad
    texels in a 16k map do not cost a full-size distance transform.
    """
    from scipy import ndimage

    bad = ~np.isfinite(plane)
    rows = np.flatnonzero(bad.any(axis=1))
    if rows.size == 0:
        return
    cols = np.flatnonzero(bad.any(axis=0))
    h, w = plane.shape
    margin = max(8, (rows[-1] - rows[0] + cols[-1] - cols[0]) // 2)
    while True:
        y0, y1 = max(0, rows[0] - margin), min(h, rows[-1] + 1 + margin)
        x0, x1 = max(0, cols[0] - margin), min(w, cols[-1] + 1 + margin)
        window_bad = bad[y0:y1, x0:x1]
        if not window_bad.all() or (y0 == 0 and x0 == 0 and y1 == h and x1 == w):
            break
        margin *= 2
    if window_bad.all():
        raise InputError(f"{path}: a channel of {what} has no finite sample to fill from.")
    window = plane[y0:y1, x0:x1]
    _, (iy, ix) = ndimage.distance_transform_edt(window_bad, return_indices=True)
    window[window_bad] = window[iy[window_bad], ix[window_bad]]
