"""Open a file with OpenImageIO, list its parts, and pick one.

Every OIIO failure becomes one :class:`InputError` sentence naming the file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional, Tuple, Union

from ..errors import InputError
from .errors_text import decoded, last_oiio_error, oiio_reason
from .info import PartInfo

PartChoice = Optional[Union[int, str]]

_TYPE_NAMES = {"uint": "uint32", "int": "int32", "uchar": "uint8", "char": "int8", "ushort": "uint16", "short": "int16"}
_WIDTH_ORDER = ("uint8", "int8", "uint16", "int16", "half", "uint32", "int32", "float", "double")


def type_name(typedesc) -> str:
    """OIIO TypeDesc -> our sample-type name ('uint8', 'uint16', 'uint32', 'half', 'float', 'double')."""
    name = str(typedesc)
    return _TYPE_NAMES.get(name, name)


def widest(types: List[str]) -> str:
    """The sample type that holds all of ``types`` (e.g. half + float -> float)."""
    known = [t for t in types if t in _WIDTH_ORDER]
    if not known:
        return types[0] if types else "float"
    return max(known, key=_WIDTH_ORDER.index)


def open_input(path: Path):
    """``oiio.ImageInput`` for ``path``; InputError (missing, folder, not an image)."""
    import OpenImageIO as oiio

    if not path.exists():
        raise InputError(f"{path}: file not found.")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not an image file.")
    if not os.access(path, os.R_OK):
        raise InputError(f"{path}: cannot be read (permission denied).")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: is empty (0 bytes).")
    check_utf8_name(path, InputError)
    # Maps are data: keep colour values as stored, never (un)premultiplied by alpha.
    config = oiio.ImageSpec()
    config.attribute("oiio:UnassociatedAlpha", 1)
    inp = oiio.ImageInput.open(str(path), config)
    if inp is None:
        reason = oiio_reason(last_oiio_error(), "unknown format")
        raise InputError(f"{path}: not an image OpenImageIO can read ({reason}).")
    return inp


def check_utf8_name(path: Path, error) -> None:
    """OIIO's Python binding takes only UTF-8 file names: say so rather than leak its TypeError."""
    try:
        os.fsencode(str(path)).decode("utf-8")
    except UnicodeDecodeError:
        shown = os.fsencode(str(path)).decode("utf-8", errors="replace")
        raise error(
            f"{shown}: the file name is not valid UTF-8, which OpenImageIO cannot open; rename the file."
        ) from None


def _part_name(spec) -> str:
    return spec.get_string_attribute("name") or spec.get_string_attribute("oiio:subimagename") or ""


def _channel_types(spec) -> List[str]:
    formats = list(spec.channelformats)
    if formats:
        return [type_name(f) for f in formats]
    return [type_name(spec.format)] * spec.nchannels


def _mip_levels(inp, index: int) -> int:
    levels = 1
    while levels < 32 and inp.seek_subimage(index, levels):
        levels += 1
    inp.seek_subimage(index, 0)
    return levels


def list_parts(inp, max_parts: int = 1024) -> Tuple[PartInfo, ...]:
    """Every part/page of an open file, leaving it positioned on part 0."""
    parts = []
    index = 0
    while index < max_parts and inp.seek_subimage(index, 0):
        spec = inp.spec()
        tiled = (spec.tile_width, spec.tile_height) if spec.tile_width > 0 else None
        parts.append(
            PartInfo(
                index=index,
                name=_part_name(spec),
                width=spec.width,
                height=spec.height,
                channels=tuple(spec.channelnames),
                sample_type=widest(_channel_types(spec)),
                data_window=(spec.x, spec.y, spec.width, spec.height),
                display_window=(spec.full_x, spec.full_y, spec.full_width, spec.full_height),
                deep=bool(spec.deep),
                tiled=tiled,
                mip_levels=_mip_levels(inp, index),
            )
        )
        index += 1
    inp.seek_subimage(0, 0)
    # Seeking past the last part leaves an error behind; clear it so that a later
    # read failure reports its own cause.
    decoded(inp.geterror)
    return tuple(parts)


def describe_parts(parts: Tuple[PartInfo, ...]) -> str:
    """'0 "rgba_right", 1 "depth_left"' for error messages."""
    return ", ".join(f'{p.index} "{p.name}"' if p.name else str(p.index) for p in parts)


def choose_part(path: Path, parts: Tuple[PartInfo, ...], part: PartChoice) -> PartInfo:
    """The part asked for by index (int or digit string) or name; default the first."""
    if not parts:
        raise InputError(f"{path}: contains no image.")
    if part is None or part == "":
        return parts[0]
    if isinstance(part, str) and part.strip().lstrip("-").isdigit():
        part = int(part)
    if isinstance(part, int):
        if 0 <= part < len(parts):
            return parts[part]
        raise InputError(f"{path}: has no part {part}; its parts are {describe_parts(parts)}.")
    for p in parts:
        if p.name == part:
            return p
    raise InputError(f"{path}: has no part named {part!r}; its parts are {describe_parts(parts)}.")


def channel_types(inp, index: int) -> List[str]:
    """Sample type of each channel of part ``index``."""
    inp.seek_subimage(index, 0)
    return _channel_types(inp.spec())
