"""Output formats: which sample types each supports, and the closest one to a source's.

Decided from the output's extension. An output keeps the input's depth where the
format allows it; otherwise it gets the closest type that loses least
(half EXR -> float TIFF, 16-bit TIFF -> float EXR, float -> 16-bit PNG).
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Optional, Tuple

from ..errors import OutputError

DTYPES = ("uint8", "uint16", "half", "float")

FORMAT_BY_EXT: Dict[str, str] = {
    ".exr": "openexr",
    ".tif": "tiff",
    ".tiff": "tiff",
    ".tx": "tiff",
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
}

SUPPORTED: Dict[str, Tuple[str, ...]] = {
    "openexr": ("half", "float"),
    "tiff": ("uint8", "uint16", "float"),
    "png": ("uint8", "uint16"),
    "jpeg": ("uint8",),
}

# Used when neither ``dtype`` nor ``like`` says: lossless for data maps.
DEFAULT_DTYPE = {"openexr": "float", "tiff": "uint16", "png": "uint16", "jpeg": "uint8"}

# Source sample type -> output type per format (closest lossless-or-least-lossy).
_CLOSEST: Dict[str, Dict[str, str]] = {
    "openexr": {
        "uint8": "half",
        "int8": "half",
        "uint16": "float",
        "int16": "float",
        "uint32": "float",
        "int32": "float",
        "half": "half",
        "float": "float",
        "double": "float",
    },
    "tiff": {
        "uint8": "uint8",
        "int8": "uint8",
        "uint16": "uint16",
        "int16": "uint16",
        "uint32": "float",
        "int32": "float",
        "half": "float",
        "float": "float",
        "double": "float",
    },
    "png": {
        "uint8": "uint8",
        "int8": "uint8",
        "uint16": "uint16",
        "int16": "uint16",
        "uint32": "uint16",
        "int32": "uint16",
        "half": "uint16",
        "float": "uint16",
        "double": "uint16",
    },
    "jpeg": {},
}

COMPRESSIONS: Dict[str, Tuple[str, ...]] = {
    "openexr": ("zip", "zips", "piz", "dwaa", "dwab", "rle", "pxr24", "b44", "b44a", "htj2k", "none"),
    "tiff": ("zip", "deflate", "lzw", "packbits", "none"),
    "png": (),
    "jpeg": (),
}
DEFAULT_COMPRESSION = {"openexr": "zip", "tiff": "zip"}

CHANNEL_LIMITS = {"png": (1, 2, 3, 4), "jpeg": (1, 3)}

BYTES = {"uint8": 1, "uint16": 2, "half": 2, "float": 4}


def format_for(path: Path) -> str:
    """OIIO format name for ``path``'s extension; OutputError for any other."""
    fmt = FORMAT_BY_EXT.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMAT_BY_EXT))
        raise OutputError(f"Output {path}: unsupported extension {path.suffix or '(none)'!r}; use one of {known}.")
    return fmt


def choose_dtype(path: Path, fmt: str, dtype: Optional[str], like_sample_type: Optional[str]) -> str:
    """The sample type to write: ``dtype`` if given (must suit the format), else the
    closest to ``like_sample_type``, else the format's lossless default."""
    if dtype is not None:
        if dtype == "float32":
            dtype = "float"
        if dtype == "float16":
            dtype = "half"
        if dtype not in DTYPES:
            raise OutputError(f"Output {path}: unknown sample type {dtype!r}; use one of {', '.join(DTYPES)}.")
        if dtype not in SUPPORTED[fmt]:
            raise OutputError(
                f"Output {path}: {fmt} cannot store {dtype} samples; use one of {', '.join(SUPPORTED[fmt])}."
            )
        return dtype
    if like_sample_type:
        closest = _CLOSEST[fmt].get(like_sample_type)
        if closest:
            return closest
    return DEFAULT_DTYPE[fmt]


def choose_compression(path: Path, fmt: str, compression: Optional[str]) -> Optional[str]:
    """OIIO ``compression`` attribute value, validated against the format (None: the writer's own)."""
    if compression is None:
        return DEFAULT_COMPRESSION.get(fmt)
    name = compression.lower()
    if fmt == "tiff" and name == "deflate":
        name = "zip"
    base = name.split(":")[0]
    allowed = COMPRESSIONS[fmt]
    if base not in allowed and not (fmt == "tiff" and base == "deflate"):
        if not allowed:
            raise OutputError(f"Output {path}: {fmt} takes no compression choice (got {compression!r}).")
        raise OutputError(f"Output {path}: unknown {fmt} compression {compression!r}; use one of {', '.join(allowed)}.")
    return name


# Classic TIFF offsets are 32-bit; stay well clear of 4 GiB (headers, tiles, poor compression).
BIGTIFF_THRESHOLD = 4 * 1024**3 - 64 * 1024**2


def needs_bigtiff(width: int, height: int, channels: int, dtype: str, threshold: int = BIGTIFF_THRESHOLD) -> bool:
    """True when the uncompressed pixel data could exceed classic TIFF's 4 GiB limit.

    Uncompressed size is the safe bound: compression usually shrinks data, but
    noise-like detail can grow slightly, and a wrong guess means a broken file.
    """
    return width * height * channels * BYTES[dtype] >= threshold
