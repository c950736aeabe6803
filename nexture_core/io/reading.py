"""Public readers: ``read_image`` (all or chosen channels) and ``read_map`` (one channel).

Pixels come back as float32 in the display window; integer sources are
normalised to [0, 1] (uint8/255, uint16/65535, uint32/4294967295), float
sources keep their values. The :class:`ImageInfo` keeps the source type so a
write with ``like=info`` restores it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Tuple, Union

import numpy as np

from ..errors import InputError, NextureError, SettingsError
from .channels import map_channels, resolve_channels
from .errors_text import oiio_reason
from .info import BIT_DEPTHS, ImageInfo
from .native_stderr import is_png, quiet_libpng
from .nonfinite import NAN_MODES, handle_nonfinite
from .outliers import OUTLIER_MODES, handle_outliers
from .parts import PartChoice, channel_types, choose_part, list_parts, open_input, widest
from .pixels import read_part

PathLike = Union[str, Path]
DEFAULT_MIN_SIZE = 16


def _check_layout(path: Path, part, min_size: int, depth: int) -> None:
    where = f" (part {part.index}{' ' + repr(part.name) if part.name else ''})" if part.index or part.name else ""
    if part.deep:
        raise InputError(
            f"{path}{where}: is a deep image (several samples per pixel); flatten it first (e.g. Nuke DeepToImage)."
        )
    if depth > 1:
        raise InputError(f"{path}{where}: is a 3-D volume ({depth} slices); give a flat 2-D map.")
    fw, fh = part.display_window[2:]
    if min(fw, fh) < min_size:
        raise InputError(f"{path}{where}: is {fw}x{fh} px, smaller than the minimum {min_size} px on its short side.")


def _notes_for(spec, fmt: str) -> list:
    notes = []
    sub = spec.get_string_attribute("jpeg:subsampling")
    if sub and sub not in ("4:4:4", ""):
        notes.append(f"chroma subsampled {sub}: colour detail is stored at reduced resolution")
    bits = spec.get_int_attribute("oiio:BitsPerSample", 0)
    base = BIT_DEPTHS.get(str(spec.format), 0)
    if bits and fmt == "tiff" and bits not in (8, 16, 32, 64) and bits != base:
        notes.append(f"{bits}-bit samples were scaled to the full range of the container type")
    if spec.get_string_attribute("tiff:ColorSpace").upper() == "LOGLUV":
        notes.append(
            "LogLuv HDR TIFF: OpenImageIO decodes it to 8-bit RGB, so values above 1 are clipped; convert it to EXR to keep the HDR range"
        )
    return notes


def _open_and_choose(path: Path, part: PartChoice, min_size: int):
    inp = open_input(path)
    try:
        parts = list_parts(inp)
        chosen = choose_part(path, parts, part)
        inp.seek_subimage(chosen.index, 0)
        spec = inp.spec()
        _check_layout(path, chosen, min_size, spec.depth)
    except BaseException:
        inp.close()
        raise
    return inp, parts, chosen, spec


def _make_info(path, inp, spec, parts, chosen, indices, fmt) -> ImageInfo:
    types = channel_types(inp, chosen.index)
    sample_type = widest([types[i] for i in indices]) if indices else chosen.sample_type
    return ImageInfo(
        path=path,
        width=chosen.display_window[2],
        height=chosen.display_window[3],
        channels=chosen.channels,
        selected=tuple(chosen.channels[i] for i in indices),
        bit_depth=BIT_DEPTHS.get(sample_type, 32),
        sample_type=sample_type,
        colorspace=spec.get_string_attribute("oiio:ColorSpace") or "",
        format=fmt,
        part_name=chosen.name,
        part_index=chosen.index,
        data_window=chosen.data_window,
        display_window=chosen.display_window,
        tiled=chosen.tiled,
        mip_levels=chosen.mip_levels,
        compression=spec.get_string_attribute("compression") or "",
        parts=parts,
        notes=_notes_for(spec, fmt),
    )


def _guard(path: Path, fn):
    """Run ``fn``; anything but a NextureError from deep inside becomes one InputError.

    libpng's own stderr lines are held back (the error says it once), and text
    that is not UTF-8 (a damaged header's bytes) is decoded, not leaked as a
    UnicodeDecodeError.
    """
    try:
        with quiet_libpng(is_png(path)):
            return fn()
    except (NextureError, KeyboardInterrupt, MemoryError):
        raise
    except UnicodeDecodeError as exc:
        raw = exc.object if isinstance(exc.object, (bytes, bytearray)) else b""
        reason = oiio_reason(bytes(raw).decode("utf-8", errors="replace"), "text in the header is not readable")
        raise InputError(f"{path}: not an image OpenImageIO can read ({reason}).") from None
    except Exception as exc:  # noqa: BLE001 - turn library internals into one sentence
        raise InputError(f"{path}: cannot be read ({type(exc).__name__}: {oiio_reason(str(exc))}).") from None


def _check_modes(nan: str, outliers: str) -> None:
    if nan not in NAN_MODES:
        raise SettingsError(f"nan={nan!r} is not one of {', '.join(NAN_MODES)}.")
    if outliers not in OUTLIER_MODES:
        raise SettingsError(f"outliers={outliers!r} is not one of {', '.join(OUTLIER_MODES)}.")


def _repair(pixels: np.ndarray, info: ImageInfo, nan: str, outliers: str) -> None:
    """NaN/Inf first (``nan``), then extreme finite samples (``outliers``); counts go to ``info``."""
    what = _what(info)
    info.nan_count, info.inf_count = handle_nonfinite(pixels, nan, info.path, what)
    info.outlier_count = handle_outliers(pixels, outliers, info.path, what, info.sample_type)


def read_image(
    path: PathLike,
    *,
    channel: Optional[str] = None,
    part: PartChoice = None,
    nan: str = "error",
    min_size: int = DEFAULT_MIN_SIZE,
    outliers: str = "error",
) -> Tuple[np.ndarray, ImageInfo]:
    """Read an image as (H, W, C) float32 plus its :class:`ImageInfo`.

    ``channel``: None for every channel of the part, a channel name (``"R"``,
    ``"displacement.R"``; gives C=1) or a layer name (``"displacement"``).
    ``part``: EXR part / TIFF page by index or name (default the first).
    ``nan``: 'error' (default), 'zero', 'fill' (nearest finite pixel) or 'keep'.
    ``min_size``: smallest allowed short side in pixels.
    ``outliers``: extreme finite samples of float files (see :mod:`.outliers`):
    'error' (default), 'clip', 'fill' or 'keep'.
    Raises :class:`InputError` for missing, unreadable, corrupt or unsupported files.
    """
    path = Path(path)
    _check_modes(nan, outliers)

    def work():
        inp, parts, chosen, spec = _open_and_choose(path, part, min_size)
        try:
            indices = resolve_channels(path, chosen.channels, channel)
            fmt = inp.format_name()
            info = _make_info(path, inp, spec, parts, chosen, indices, fmt)
            pixels = read_part(inp, path, chosen, indices)
        finally:
            inp.close()
        _repair(pixels, info, nan, outliers)
        return pixels, info

    return _guard(path, work)


def _what(info: ImageInfo) -> str:
    names = ", ".join(info.selected)
    return f"channel{'s' if len(info.selected) > 1 else ''} {names}" if names else "the image"


def _grey_test(state: dict):
    """Strip reducer for R,G,B: keep R, remember whether any pixel had R != G or R != B."""

    def keep(strip: np.ndarray) -> np.ndarray:
        if state["grey"]:
            r = strip[:, :, 0]
            same = np.array_equal(r, strip[:, :, 1], equal_nan=True) and np.array_equal(
                r, strip[:, :, 2], equal_nan=True
            )
            state["grey"] = bool(same)
        return strip[:, :, :1]

    return keep


def read_map(
    path: PathLike,
    *,
    channel: Optional[str] = None,
    part: PartChoice = None,
    nan: str = "error",
    min_size: int = DEFAULT_MIN_SIZE,
    outliers: str = "error",
) -> Tuple[np.ndarray, ImageInfo]:
    """Read one channel as an (H, W) float32 map plus its :class:`ImageInfo`.

    Without ``channel``: the only channel, else a grey channel (``Y``), else R of
    an RGB image; grey saved as RGB (R == G == B) is taken silently, a truly
    coloured RGB image gives R and a warning in ``info.notes``. With ``channel``:
    that channel, or the same choice inside that layer. Reads only the channels
    it needs. ``nan``/``outliers`` as in :func:`read_image`. Raises
    :class:`InputError` like :func:`read_image`.
    """
    path = Path(path)
    _check_modes(nan, outliers)

    def work():
        inp, parts, chosen, spec = _open_and_choose(path, part, min_size)
        try:
            candidates = resolve_channels(path, chosen.channels, channel)
            if not candidates:
                raise InputError(f"{path}: has no channels to read.")
            indices, mode = map_channels(chosen.channels, candidates)
            fmt = inp.format_name()
            info = _make_info(path, inp, spec, parts, chosen, indices[:1], fmt)
            state = {"grey": True}
            if mode == "rgb":
                pixels = read_part(inp, path, chosen, indices, keep=_grey_test(state), out_channels=1)
            else:
                pixels = read_part(inp, path, chosen, indices[:1])
        finally:
            inp.close()
        chosen_name = chosen.channels[indices[0]]
        if mode == "rgb" and not state["grey"]:
            info.notes.append(
                f"coloured RGB image read as its {chosen_name} channel; pick another with --channel (channel=)"
            )
        elif mode == "first" and len(candidates) > 1:
            others = ", ".join(chosen.channels[i] for i in candidates)
            info.notes.append(
                f"several channels ({others}); read {chosen_name}; pick another with --channel (channel=)"
            )
        _repair(pixels, info, nan, outliers)
        return pixels[:, :, 0], info

    return _guard(path, work)


def inspect_image(path: PathLike):
    """Parts of a file without reading pixels: tuple of :class:`PartInfo`. Raises InputError."""
    path = Path(path)

    def work():
        inp = open_input(path)
        try:
            return list_parts(inp)
        finally:
            inp.close()

    return _guard(path, work)
