"""Public writer: ``write_image``, atomic, format from the extension.

Values are in normalised units: for integer outputs [0, 1] maps to the full
integer range (clipped, rounded to nearest); float outputs keep values as given.
Nothing non-finite is ever written: NaN/Inf, or values the sample type would
turn into Inf (half floats above 65504), are refused before the file exists.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Optional, Sequence, Union

import numpy as np

from ..errors import NextureError, OutputError
from .atomic import atomic_destination, check_not_protected
from .errors_text import last_oiio_error, oiio_reason
from .formats import CHANNEL_LIMITS, choose_compression, choose_dtype, format_for, needs_bigtiff
from .info import ImageInfo
from .native_stderr import quiet_libpng
from .parts import check_utf8_name

PathLike = Union[str, "os.PathLike[str]"]
_ROWS = 1024
_INT_MAX = {"uint8": 255, "uint16": 65535}
_NUMPY = {"uint8": np.uint8, "uint16": np.uint16, "half": np.float16, "float": np.float32}
_DEFAULT_NAMES = {1: ("Y",), 2: ("Y", "A"), 3: ("R", "G", "B"), 4: ("R", "G", "B", "A")}
HALF_MAX = 65504.0


def value_problem(pixels: np.ndarray, dtype: str, limit: Optional[float] = None) -> Optional[str]:
    """Why ``pixels`` must not be written as ``dtype`` (a clause), or None when they may.

    Refused: NaN or Inf samples; samples a half float cannot hold (beyond
    ±65504, they would become Inf); samples beyond ``±limit`` when given (a
    caller's bound of what is plausible, e.g. derived from the input).
    """
    nonfinite, largest = 0, 0.0
    for y in range(0, pixels.shape[0], _ROWS):
        chunk = np.asarray(pixels[y : y + _ROWS])
        finite = np.isfinite(chunk)
        nonfinite += int(chunk.size - np.count_nonzero(finite))
        if finite.any():
            largest = max(largest, float(np.abs(chunk[finite]).max()))
    if nonfinite:
        return f"{nonfinite} of {pixels.size} samples are NaN or Inf"
    if dtype == "half" and largest > HALF_MAX:
        return f"a sample of {largest:.4g} exceeds what a half float holds (65504); write float samples (--dtype float)"
    if limit is not None and largest > limit:
        return f"a sample of {largest:.4g} lies beyond the plausible ±{limit:.4g}"
    return None


def clipped_count(pixels: np.ndarray) -> int:
    """Samples an integer output would clip: outside [0, 1] by more than half a 16-bit step."""
    tol = 0.5 / 65535
    count = 0
    for y in range(0, pixels.shape[0], _ROWS):
        chunk = np.asarray(pixels[y : y + _ROWS])
        with np.errstate(invalid="ignore"):
            count += int(np.count_nonzero((chunk < -tol) | (chunk > 1 + tol)))
    return count


def quantise(pixels: np.ndarray, dtype: str) -> np.ndarray:
    """(H, W, C) float -> ``dtype`` samples; integers: clip to [0, 1], scale, round to nearest.

    Chunked by rows so a 16k map needs one output copy plus small temporaries.
    NaN becomes 0 in integer outputs (an integer cannot hold it).
    """
    if dtype in ("half", "float"):
        if pixels.dtype == _NUMPY[dtype] and pixels.flags.c_contiguous:
            return pixels
        return np.ascontiguousarray(pixels, dtype=_NUMPY[dtype])
    out = np.empty(pixels.shape, _NUMPY[dtype])
    scale = float(_INT_MAX[dtype])
    for y in range(0, pixels.shape[0], _ROWS):
        chunk = np.nan_to_num(np.asarray(pixels[y : y + _ROWS], dtype=np.float32), nan=0.0, posinf=1.0, neginf=0.0)
        np.clip(chunk, 0.0, 1.0, out=chunk)
        chunk *= scale
        np.rint(chunk, out=chunk)
        out[y : y + _ROWS] = chunk
    return out


def _as_hwc(path: Path, pixels) -> np.ndarray:
    arr = np.asarray(pixels)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    if arr.ndim != 3 or arr.shape[0] == 0 or arr.shape[1] == 0 or arr.shape[2] == 0:
        raise OutputError(f"Output {path}: pixels must be (H, W) or (H, W, C), got shape {tuple(np.shape(pixels))}.")
    if arr.dtype.kind not in "fiub":
        raise OutputError(f"Output {path}: pixels must be numbers, got {arr.dtype}.")
    if arr.dtype.kind in "iub":
        arr = arr.astype(np.float32)
    return arr


def _channel_names(path: Path, fmt: str, nch: int, names: Optional[Sequence[str]]) -> Sequence[str]:
    limits = CHANNEL_LIMITS.get(fmt)
    if limits and nch not in limits:
        raise OutputError(f"Output {path}: {fmt} cannot hold {nch} channels; write an .exr or .tif instead.")
    if names is None:
        return _DEFAULT_NAMES.get(nch, tuple(f"channel{i}" for i in range(nch)))
    names = tuple(str(n) for n in names)
    if len(names) != nch:
        raise OutputError(f"Output {path}: {len(names)} channel names for {nch} channels.")
    if len(set(names)) != len(names) or any(not n for n in names):
        raise OutputError(f"Output {path}: channel names {list(names)} must be unique and non-empty.")
    return names


def _spec(arr: np.ndarray, dtype: str, names, fmt: str, compression, colorspace, bigtiff: bool, metadata):
    import OpenImageIO as oiio

    h, w, c = arr.shape
    spec = oiio.ImageSpec(w, h, c, dtype)
    spec.channelnames = tuple(names)
    if names and names[-1] in ("A", "alpha") and fmt in ("png", "tiff", "openexr"):
        spec.alpha_channel = c - 1
        # Values are data, not premultiplied colour: store them exactly as given.
        spec.attribute("oiio:UnassociatedAlpha", 1)
    if compression:
        spec.attribute("compression", compression)
    if fmt == "jpeg":
        spec.attribute("compression", compression or "jpeg:95")
    if colorspace:
        spec.attribute("oiio:ColorSpace", colorspace)
    if bigtiff:
        spec.attribute("tiff:bigtiff", 1)
    spec.attribute("Software", "Nexture")
    stamp = _fixed_datetime()
    if stamp:
        spec.attribute("DateTime", stamp)
    for key, value in (metadata or {}).items():
        spec.attribute(str(key), value if isinstance(value, (int, float)) else str(value))
    return spec


def _fixed_datetime() -> Optional[str]:
    """EXIF DateTime from ``SOURCE_DATE_EPOCH`` (reproducible-builds convention), else None.

    OIIO stamps every file with the current time, so two identical runs differ
    in a few header bytes; farms and caches that compare bytes set this variable.
    """
    import time

    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value.isdigit():
        return None
    return time.strftime("%Y:%m:%d %H:%M:%S", time.gmtime(int(value)))


def _write_oiio(tmp: Path, dest: Path, arr: np.ndarray, spec) -> None:
    import OpenImageIO as oiio

    with quiet_libpng(dest.suffix.lower() == ".png"):
        _write_with(oiio, tmp, dest, arr, spec)


def _write_with(oiio, tmp: Path, dest: Path, arr: np.ndarray, spec) -> None:
    out = oiio.ImageOutput.create(str(tmp))
    if out is None:
        raise OutputError(f"Output {dest}: no writer for this format ({oiio_reason(last_oiio_error())}).")
    try:
        if not out.open(str(tmp), spec):
            raise OutputError(f"Output {dest}: cannot be opened for writing ({oiio_reason(last_oiio_error(out))}).")
        if not out.write_image(arr):
            raise OutputError(f"Output {dest}: writing failed ({oiio_reason(last_oiio_error(out))}).")
    finally:
        closed = out.close()
    if not closed:
        raise OutputError(f"Output {dest}: finishing the file failed ({oiio_reason(last_oiio_error(out))}).")


def write_image(
    path: PathLike,
    pixels: np.ndarray,
    *,
    like: Optional[ImageInfo] = None,
    dtype: Optional[str] = None,
    compression: Optional[str] = None,
    channel_names: Optional[Sequence[str]] = None,
    protect: Iterable[PathLike] = (),
    colorspace: Optional[str] = None,
    metadata: Optional[dict] = None,
    value_limit: Optional[float] = None,
) -> Path:
    """Write ``pixels`` ((H, W) or (H, W, C) float, normalised units) to ``path`` atomically.

    Format from the extension (.exr, .tif/.tiff, .png, .jpg). Sample type:
    ``dtype`` ('uint8' | 'uint16' | 'half' | 'float') if given, else the closest
    to ``like.sample_type``, else EXR float / TIFF uint16 / PNG uint16 / JPG uint8.
    ``compression``: EXR zip (default) / piz / dwaa / ...; TIFF zip (default) / lzw / none.
    ``colorspace``: ``oiio:ColorSpace`` tag (e.g. 'Raw' for data, 'sRGB' for
    previews); default the ``like`` file's when the format family is the same.
    ``metadata``: extra header attributes. ``value_limit``: refuse samples beyond
    ±this (a plausibility bound the caller knows). Missing parent folders are created.
    OIIO stamps the current DateTime; set ``SOURCE_DATE_EPOCH`` for byte-identical reruns. TIFFs too big for classic TIFF are written
    as BigTIFF. Raises :class:`OutputError` when ``path`` is one of ``protect``
    (the inputs), or the format/type/channels cannot be written.
    Returns the written path.
    """
    dest = Path(path)
    fmt = format_for(dest)
    check_utf8_name(dest, OutputError)
    check_not_protected(dest, protect)
    arr = _as_hwc(dest, pixels)
    out_dtype = choose_dtype(dest, fmt, dtype, like.sample_type if like is not None else None)
    problem = value_problem(arr, out_dtype, value_limit)
    if problem:
        raise OutputError(f"Output {dest}: not written, {problem}.")
    names = _channel_names(dest, fmt, arr.shape[2], channel_names)
    comp = choose_compression(dest, fmt, compression)
    if colorspace is None and like is not None and like.format == fmt and like.colorspace:
        colorspace = like.colorspace
    h, w, c = arr.shape
    bigtiff = fmt == "tiff" and needs_bigtiff(w, h, c, out_dtype)
    data = quantise(arr, out_dtype)
    spec = _spec(data, out_dtype, names, fmt, comp, colorspace, bigtiff, metadata)
    try:
        with atomic_destination(dest) as tmp:
            _write_oiio(tmp, dest, data, spec)
    except (NextureError, KeyboardInterrupt, MemoryError):
        raise
    except OSError as exc:
        raise OutputError(f"Output {dest}: cannot be written ({exc.strerror or exc}).") from None
    except Exception as exc:  # noqa: BLE001 - one sentence, not a library traceback
        raise OutputError(
            f"Output {dest}: cannot be written ({type(exc).__name__}: {oiio_reason(str(exc))})."
        ) from None
    return dest
