"""Read a part's pixels strip by strip into a display-window float32 array.

Reading strips (not the whole image at once) lets a 16k map be read holding
about one copy of the selected channels: each strip is converted by OIIO to
float32 (integers normalised to [0, 1]) and copied straight into place.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional, Sequence

import numpy as np

from ..errors import InputError
from .errors_text import last_oiio_error, oiio_reason
from .info import PartInfo

_STRIP_BYTES = 64 * 1024 * 1024

# Called per strip with (rows of selected channels, strip as read) -> rows to store.
StripFn = Callable[[np.ndarray], np.ndarray]


def _strip_rows(part: PartInfo, nread: int) -> int:
    rows = max(1, _STRIP_BYTES // max(1, part.width * nread * 4))
    if part.tiled:
        th = part.tiled[1]
        rows = max(th, rows // th * th)
    return rows


def _read_strip(inp, part: PartInfo, y0: int, y1: int, chbegin: int, chend: int):
    x, _, w, _ = part.data_window
    if part.tiled:
        return inp.read_tiles(part.index, 0, x, x + w, y0, y1, 0, 1, chbegin, chend, "float")
    return inp.read_scanlines(part.index, 0, y0, y1, 0, chbegin, chend, "float")


def read_part(
    inp,
    path: Path,
    part: PartInfo,
    indices: Sequence[int],
    keep: Optional[StripFn] = None,
    out_channels: Optional[int] = None,
) -> np.ndarray:
    """Pixels of ``indices`` of ``part`` placed in its display window: (H, W, C) float32.

    Outside the data window is 0; data outside the display window is dropped.
    ``keep`` may reduce each strip (e.g. keep R of R,G,B) to ``out_channels``.
    Raises :class:`InputError` when the data is truncated or corrupt.
    """
    chbegin, chend = min(indices), max(indices) + 1
    pick = [i - chbegin for i in indices]
    dx, dy, dw, dh = part.data_window
    fx, fy, fw, fh = part.display_window
    nout = out_channels if out_channels is not None else len(indices)
    same_window = (dx, dy, dw, dh) == (fx, fy, fw, fh)
    out = np.empty((fh, fw, nout), np.float32) if same_window else np.zeros((fh, fw, nout), np.float32)
    # Intersection of data and display windows, in absolute pixel coordinates.
    ax0, ax1 = max(dx, fx), min(dx + dw, fx + fw)
    ay0, ay1 = max(dy, fy), min(dy + dh, fy + fh)
    if ax0 >= ax1 or ay0 >= ay1:
        return out
    rows = _strip_rows(part, chend - chbegin)
    if inp.seek_subimage(part.index, 0) is False:
        raise InputError(f"{path}: part {part.index} cannot be opened ({oiio_reason(last_oiio_error(inp))}).")
    y = dy
    while y < dy + dh:
        y_end = min(y + rows, dy + dh)
        lo, hi = max(y, ay0), min(y_end, ay1)
        if lo < hi:  # skip strips wholly outside the display window
            strip = _read_strip(inp, part, y, y_end, chbegin, chend)
            # Some decoders (libjpeg) pad a truncated file with grey and only leave
            # an error message behind, so a pending error also counts as failure.
            if strip is None or inp.has_error:
                reason = oiio_reason(last_oiio_error(inp), "no data")
                raise InputError(f"{path}: pixel data is truncated or corrupt ({reason}).")
            strip = np.asarray(strip, dtype=np.float32).reshape(y_end - y, dw, chend - chbegin)
            if pick != list(range(chend - chbegin)):
                strip = strip[:, :, pick]
            if keep is not None:
                strip = keep(strip)
            out[lo - fy : hi - fy, ax0 - fx : ax1 - fx] = strip[lo - y : hi - y, ax0 - dx : ax1 - dx]
        y = y_end
    return out
