"""What was read from an image file: the :class:`ImageInfo` record.

Writes use it (``write_image(..., like=info)``) to give an output the input's
format-family bit depth, so the record keeps the *source* sample type, not the
float32 the pixels were converted to.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import List, Optional, Tuple

# (x, y, width, height) in pixels; EXR data and display windows.
Window = Tuple[int, int, int, int]

# Source sample types and their bit depths (what OIIO reports, normalised).
BIT_DEPTHS = {
    "uint8": 8,
    "uint16": 16,
    "uint32": 32,
    "half": 16,
    "float": 32,
    "double": 64,
    "int8": 8,
    "int16": 16,
    "int32": 32,
}
INTEGER_TYPES = ("uint8", "uint16", "uint32", "int8", "int16", "int32")


def window_overlap(data: Window, display: Window) -> float:
    """Share of ``display`` covered by ``data`` (0 to 1)."""
    dx, dy, dw, dh = data
    fx, fy, fw, fh = display
    w = max(0, min(dx + dw, fx + fw) - max(dx, fx))
    h = max(0, min(dy + dh, fy + fh) - max(dy, fy))
    return (w * h) / max(1, fw * fh)


@dataclass(frozen=True)
class PartInfo:
    """One part (EXR part, TIFF page) of a file, as listed by ``nexture info``."""

    index: int
    name: str
    width: int
    height: int
    channels: Tuple[str, ...]
    sample_type: str
    data_window: Window
    display_window: Window
    deep: bool = False
    tiled: Optional[Tuple[int, int]] = None
    mip_levels: int = 1


@dataclass
class ImageInfo:
    """The source of a read map: its file, layout and sample type.

    ``width``/``height`` are those of the returned pixels (the display window);
    ``channels`` are all channel names of the chosen part, ``selected`` the ones
    returned. ``bit_depth``/``sample_type`` are the source's ('uint16', 'half', ...);
    integer sources were normalised to [0, 1]. ``notes`` carry warnings an artist
    should see (e.g. "coloured RGB read as its R channel").
    """

    path: Path
    width: int
    height: int
    channels: Tuple[str, ...]
    selected: Tuple[str, ...]
    bit_depth: int
    sample_type: str
    colorspace: str
    format: str
    part_name: str = ""
    part_index: int = 0
    data_window: Window = (0, 0, 0, 0)
    display_window: Window = (0, 0, 0, 0)
    tiled: Optional[Tuple[int, int]] = None
    mip_levels: int = 1
    compression: str = ""
    parts: Tuple[PartInfo, ...] = ()
    nan_count: int = 0
    inf_count: int = 0
    outlier_count: int = 0  # extreme finite samples found (see io.outliers)
    notes: List[str] = field(default_factory=list)

    @property
    def nchannels(self) -> int:
        """Number of channels in the chosen part (not only the selected ones)."""
        return len(self.channels)

    @property
    def is_integer(self) -> bool:
        return self.sample_type in INTEGER_TYPES

    @property
    def data_coverage(self) -> float:
        """Share of the display window (the returned pixels) that the data window covers; 0 means all zeros."""
        return window_overlap(self.data_window, self.display_window)

    def to_dict(self) -> dict:
        """JSON-ready dict (paths as strings, tuples as lists)."""
        data = asdict(self)
        data["path"] = str(self.path)
        return data
