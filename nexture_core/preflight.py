"""What is checked before a file synthesis starts, and before its first file is written.

:func:`~nexture_core.api.synthesize_file` (and so the CLI, the farm and the
hosts) calls these in order; each raises a one-line NextureError or returns
warnings (emitted as :class:`NextureWarning`, printed by the CLI as
``nexture: warning: ...``):

1. :func:`check_outputs`, before anything is read: every output path (empty,
   a folder, an input under another name or a hard link, a folder that cannot
   be written), its extension against ``--format``, the sample type against
   the format, lossy JPEG, and the side files (``--stats``, ``--preview``).
2. :func:`check_input`, once the input is read: a display window with no data,
   data only in another channel, and what an integer output would clip or
   quantise away.
3. :func:`check_result`, after the synthesis and before the first write: every
   output finite and plausible, clipping by the added detail, detail too faint
   to see, sculpted features the structure split replaced.

So a command that reports an error has written nothing.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from .errors import InputError, OutputError, SettingsError
from .io.atomic import folder_problem, same_file
from .io.formats import FORMAT_BY_EXT, SUPPORTED, choose_dtype, format_for
from .io.info import ImageInfo
from .io.outliers import ABSOLUTE_LIMIT
from .io.parts import check_utf8_name
from .io.writing import clipped_count, value_problem

# --format choices and the OIIO format each means.
FORMAT_NAMES = {"exr": "openexr", "tif": "tiff", "png": "png"}
INTEGER_BITS = {"uint8": 8, "uint16": 16}
# Sculpted features whose height changes by more than this share of the
# input's range (and several detail deviations) are reported.
STRUCTURE_CHANGE_SHARE = 0.1
MAX_MASK_ASPECT_CHANGE = 0.01


class NextureWarning(UserWarning):
    """Something an artist should know about a result that was still written."""


class NextureNote(NextureWarning):
    """What was assumed for the artist (a texel size, a height unit): worth one line, not a problem."""


def warn(message: str, sink: Optional[List[str]] = None, category: type = NextureWarning) -> None:
    """Emit ``message`` as a :class:`NextureWarning` (or ``category``) and append it to ``sink``."""
    if sink is not None:
        sink.append(message)
    warnings.warn(message, category, stacklevel=2)


# ----------------------------------------------------------------- 1. outputs
def map_dtype(request, map_name: str, info: Optional[ImageInfo], path: Path) -> Optional[str]:
    """The ``dtype`` argument ``write_image`` gets for ``map_name`` (None: the closest to the input's).

    Frequency bands are always float (half unless float is asked for); maps
    other than displacement follow the input's depth class where no type is asked.
    """
    dtype = request.output_dtype
    if map_name == "bands":
        return dtype if dtype in ("half", "float") else "half"
    if dtype is None and map_name != "displacement" and info is not None:
        return "uint16" if info.bit_depth >= 16 and path.suffix.lower() in (".tif", ".tiff", ".png") else None
    return dtype


def check_outputs(request, paths: Dict[tuple, Path], inputs: Sequence[Path]) -> List[str]:
    """Refuse, before any work, an output set that cannot be written as asked; returns warnings.

    ``paths``: (pattern key, map) -> output path (``api.output_paths``);
    ``inputs``: every file the run reads. Also checks ``request.stats`` and
    ``request.preview``. Raises OutputError / SettingsError.
    """
    notes: List[str] = []
    _check_template(request)
    for (_, map_name), path in paths.items():
        check_utf8_name(path, OutputError)
        check_destination(path, inputs)
        fmt = format_for(path)
        if fmt == "jpeg" and not request.allow_lossy:
            raise OutputError(
                f"Output {path}: JPEG is lossy and 8-bit, so the {map_name} map would lose depth and gain block artefacts; "
                "write .exr, .tif or .png (--format), or pass --allow-lossy to write JPEG anyway."
            )
        dtype = map_dtype(request, map_name, None, path)
        if dtype is not None:
            choose_dtype(path, fmt, dtype, None)
    for label, raw in (("--stats", getattr(request, "stats", None)), ("--preview", getattr(request, "preview", None))):
        if raw is not None and str(raw).strip() == "":
            raise OutputError(f"{label} is empty; give a file name.")
    side = side_files(request)
    for label, path in side.items():
        check_utf8_name(path, OutputError)
        check_destination(path, inputs, label=label)
        if any(same_file(path, out) for out in paths.values()):
            raise OutputError(f"{label} {path} is also an output of the synthesis; give it another name.")
    if "--preview" in side:
        preview = side["--preview"]
        fmt = format_for(preview)
        if "uint8" not in SUPPORTED[fmt]:
            raise OutputError(f"--preview {preview}: the preview is an 8-bit image; give a .png (or .tif) name.")
    if len(set(side.values())) < len(side):
        raise OutputError("--stats and --preview name the same file; give each its own.")
    settings = request.settings
    if settings.weights and settings.backbone == "random":
        notes.append(
            f"--weights {settings.weights} is ignored with --backbone random (random filters need no weights); drop one of them."
        )
    return notes


def side_files(request) -> Dict[str, Path]:
    """The request's side files by option name: ``--stats`` JSON, ``--preview`` image."""
    found = {}
    if getattr(request, "stats", None) is not None:
        found["--stats"] = Path(request.stats)
    if getattr(request, "preview", None) is not None:
        found["--preview"] = Path(request.preview)
    return found


def _check_template(request) -> None:
    template = request.output
    if template is not None and str(template).strip() == "":
        raise OutputError(
            "-o/--output is empty; give a file name or template, or leave it out to write beside the input."
        )
    if template is None or request.output_format is None:
        return
    if request.output_format not in FORMAT_NAMES:
        raise SettingsError(f"--format {request.output_format!r} is unknown; use one of {', '.join(FORMAT_NAMES)}.")
    suffix = Path(str(template)).suffix.lower()
    if suffix in ("", ".{ext}"):
        return
    named = FORMAT_BY_EXT.get(suffix)
    if named != FORMAT_NAMES[request.output_format]:
        raise OutputError(
            f"--format {request.output_format} conflicts with the output {template} (a {suffix} file); "
            f"drop --format, or end the output in .{request.output_format} or .{{ext}}."
        )


def check_destination(path: Path, inputs: Iterable[Path], label: str = "Output") -> None:
    """``path`` may be written: not an input (same inode, any name), not a folder, its folder writable.

    Creates nothing: the nearest existing parent must be a writable folder.
    """
    path = Path(path)
    for other in inputs:
        if other is not None and same_file(path, other):  # device and inode: hard links too
            raise OutputError(f"{label} {path} would overwrite the input {other}; choose another output path.")
    if path.is_dir():
        raise OutputError(f"{label} {path} is a folder; give a file name with an extension.")
    problem = folder_problem(path.parent)
    if problem:
        raise OutputError(f"{label} {path}: {problem}.")


# ------------------------------------------------------------------- 2. input
def check_input(image: np.ndarray, info: ImageInfo, request, paths: Dict[tuple, Path]) -> List[str]:
    """Refuse an input whose data is absent, or that an integer output would damage; returns warnings.

    ``image``: the map as read (H x W, input units). Raises InputError when the
    display window shows no data or the data is in another channel, and
    OutputError when an integer output would clip pixels or lose levels
    (unless ``request.allow_lossy``).
    """
    notes = [f"{info.path}: {note}." for note in info.notes]
    src = info.path
    if info.data_coverage == 0.0:
        raise InputError(
            f"{src}: the display window ({_window(info.display_window)}) and the data window ({_window(info.data_window)}) "
            f"do not overlap, so every pixel reads as 0{_other_parts(info)}; or make the display window the data window "
            "(oiiotool IN --fullpixels -o OUT)."
        )
    if info.data_coverage < 1.0:
        notes.append(
            f"{src}: the data window covers {info.data_coverage:.0%} of the display window; the rest reads as 0 (a cliff at its edge)."
        )
    lo, hi = float(image.min()), float(image.max())
    if lo == hi:
        _refuse_if_data_elsewhere(info, request, lo)
    for (_, map_name), path in paths.items():
        if map_name == "displacement":
            _check_integer_output(image, info, request, path)
    return notes


def _window(w) -> str:
    x, y, width, height = w
    return f"{width}x{height} at ({x}, {y})"


def _other_parts(info: ImageInfo) -> str:
    from .io.info import window_overlap

    good = [p for p in info.parts if p.index != info.part_index and window_overlap(p.data_window, p.display_window) > 0]
    if not good:
        return ""
    listed = ", ".join(f"{p.index}{' ' + repr(p.name) if p.name else ''}" for p in good)
    return f"; pick a part that shows data with --part ({listed})"


def _refuse_if_data_elsewhere(info: ImageInfo, request, value: float) -> None:
    """A constant channel while another channel of the part varies: the data is there."""
    if info.nchannels < 2:
        return
    from .io import read_image

    pixels, _ = read_image(info.path, part=info.part_index, nan="zero", outliers="keep", min_size=1)
    varying = [
        info.channels[c] for c in range(pixels.shape[2]) if float(pixels[..., c].min()) != float(pixels[..., c].max())
    ]
    if varying:
        chosen = ", ".join(info.selected)
        raise InputError(
            f"{info.path}: channel {chosen} is empty (every pixel is {value:.6g}); the data is in channel "
            f"{', '.join(varying)}: pass --channel {varying[0]}."
        )


def _check_integer_output(image: np.ndarray, info: ImageInfo, request, path: Path) -> None:
    """An integer displacement output must not clip the input or drop most of its levels."""
    fmt = format_for(path)
    dtype = choose_dtype(path, fmt, map_dtype(request, "displacement", info, path), info.sample_type)
    if dtype not in INTEGER_BITS or request.allow_lossy:
        return
    clipped = clipped_count(image)
    if clipped:
        raise OutputError(
            f"Output {path}: {clipped / image.size:.1%} of the pixels of {info.path} lie outside 0-1 (from {float(image.min()):.4g} "
            f"to {float(image.max()):.4g}) and would be clipped in a {INTEGER_BITS[dtype]}-bit {fmt.upper()}; write .exr "
            "(--format exr) or a float .tif (--dtype float), or pass --allow-lossy."
        )
    if INTEGER_BITS[dtype] < min(info.bit_depth, 16):
        kept, had = _levels(image, 255), _levels(image, 65535)
        if kept < had:
            raise OutputError(
                f"Output {path}: {info.path} is {info.bit_depth}-bit with {had} distinct levels; an {INTEGER_BITS[dtype]}-bit "
                f"output keeps {kept} of them; write 16 bits (--dtype uint16) or .exr, or pass --allow-lossy."
            )


def _levels(image: np.ndarray, top: int) -> int:
    """Distinct values of ``image`` (in [0, 1]) after rounding to ``top + 1`` levels."""
    seen = np.zeros(top + 1, bool)
    for y in range(0, image.shape[0], 1024):
        codes = np.rint(np.clip(image[y : y + 1024], 0.0, 1.0) * top).astype(np.int64)
        seen[np.unique(codes)] = True
    return int(seen.sum())


def check_mask_shape(name: str, mask_shape: Tuple[int, ...], image_shape: Tuple[int, ...]) -> None:
    """A mask may have any size but must have the input's aspect ratio (it is stretched to fit)."""
    mh, mw = mask_shape[:2]
    ih, iw = image_shape[:2]
    if abs((mw / mh) / (iw / ih) - 1.0) > MAX_MASK_ASPECT_CHANGE:
        raise InputError(
            f"{name}: the mask is {mw}x{mh} px ({mw / mh:.3g}:1) but the input is {iw}x{ih} px ({iw / ih:.3g}:1); "
            "a mask may have any size but must have the input's aspect ratio."
        )


# ------------------------------------------------------------------ 3. result
def plausible_limit(image: np.ndarray) -> float:
    """Largest |value| a displacement output of ``image`` may hold: a million times the
    input's magnitude (at least 1), never beyond the outlier module's absolute limit.
    Only a synthesis gone wrong goes past it."""
    return min(ABSOLUTE_LIMIT, 1e6 * max(float(np.abs(image).max()), 1.0))


def check_result(result, image: np.ndarray, info: ImageInfo, request, paths: Dict[tuple, Path]) -> List[str]:
    """Before the first write: refuse outputs that are not finite or plausible; return warnings
    about clipping, faint detail and replaced fine structure.

    ``result``: the :class:`~nexture_core.api.SynthesisResult`; ``image``: the
    input as read. Raises OutputError naming the output.
    """
    notes: List[str] = []
    limit = plausible_limit(image)
    for (key, map_name), path in paths.items():
        arr = np.asarray(result.outputs[key][map_name])
        fmt = format_for(path)
        like_type = info.sample_type if map_name == "displacement" else None
        dtype = choose_dtype(path, fmt, map_dtype(request, map_name, info, path), like_type)
        problem = value_problem(arr, dtype, limit if map_name == "displacement" else None)
        if problem:
            raise OutputError(f"Output {path}: the synthesis went wrong and nothing was written: {problem}.")
        if map_name == "displacement" and dtype in INTEGER_BITS:
            clipped = clipped_count(arr)
            if clipped:
                notes.append(
                    f"Output {path}: the added detail goes outside 0-1 at {clipped} pixel(s) ({clipped / arr.size:.2%}), "
                    f"clipped in the {INTEGER_BITS[dtype]}-bit file; write .exr or a float .tif to keep them."
                )
    figures = [f for f in (result.stats.get("patterns") or {}).values() if isinstance(f, dict)]
    targets = [float(f["target_std"]) for f in figures if "target_std" in f]
    displacement = [path for (key, m), path in paths.items() if m == "displacement"]
    if targets and displacement:
        dtype = choose_dtype(
            displacement[0],
            format_for(displacement[0]),
            map_dtype(request, "displacement", info, displacement[0]),
            info.sample_type,
        )
        notes += _faint_detail(displacement[0], dtype, min(targets), result.settings)
    sigmas = [float(f["sigma"]) for f in figures if "sigma" in f]
    if sigmas:
        from .synthesis.engine import FINE_CUT, pick_device

        cut = FINE_CUT * max(sigmas) / result.settings.upscale
        notes += check_fine_structure(image, info, cut, max(targets or [0.0]), str(pick_device(result.settings.device)))
    return notes


def _faint_detail(path: Path, dtype: Optional[str], detail_std: float, settings) -> List[str]:
    """Say so when the relief added at its real depth is finer than one level of an integer output.

    The detail's amplitude is physical (the pattern's micrometres over
    ``--height-mm``), so it cannot vanish on a flat map; it can vanish in the
    file, when an 8- or 16-bit output's step (1/255 or 1/65535 of a map unit)
    is coarser than the relief.
    """
    from . import units

    bits = INTEGER_BITS.get(dtype or "")
    if not bits:
        return []
    step = 1.0 / (2**bits - 1)
    if detail_std >= step:
        return []
    um = detail_std * units.height_mm(settings) * 1000.0
    return [
        f"Output {path}: the added relief ({um:.3g} um RMS = {detail_std:.2g} map units at --height-mm "
        f"{units.height_mm(settings):g}) is finer than one level of the {bits}-bit file ({step:.2g}): it will not show; "
        "write .exr or a float .tif, or check --height-mm (how many mm one map unit is)."
    ]


def check_fine_structure(
    image: np.ndarray, info: ImageInfo, cut_px: float, detail_std: float, device: str = "cpu"
) -> List[str]:
    """Warn when sculpted features finer than the structure split's fine cut lose height.

    The synthesis keeps the input blurred by ``cut_px`` input pixels (the
    engine's FINE_CUT times the structure sigma) and builds everything finer
    from the pattern, so a sculpted bump narrower than that loses height (a
    Gaussian bump of sigma 4 px under a 4.8 px cut: 0.8 -> 0.33). The blur runs
    on ``device`` (the synthesis's), on the CPU when that fails.
    """
    import torch

    from . import filters

    cut = cut_px
    edge = int(np.ceil(3 * cut))  # near the border the blur sees reflected pixels: no sculpted feature
    if cut < 0.5 or min(image.shape) <= 2 * edge + 1:
        return []
    tensor = torch.from_numpy(np.ascontiguousarray(image, np.float32))[None, None]
    try:
        removed = filters.lowpass(tensor.to(device), cut)[0, 0].cpu().numpy()
    except RuntimeError:  # no such device, or out of its memory
        removed = filters.lowpass(tensor, cut)[0, 0].numpy()
    np.subtract(image, removed, out=removed)
    inner = removed[edge:-edge, edge:-edge]
    y, x = np.unravel_index(int(np.argmax(np.abs(inner))), inner.shape)
    change = float(abs(inner[y, x]))
    y, x = y + edge, x + edge
    full = float(image.max() - image.min())
    if full == 0.0 or change < STRUCTURE_CHANGE_SHARE * full or change < 6.0 * detail_std:
        return []
    return [
        f"{info.path}: sculpted features finer than about {2 * cut:.0f} px are rebuilt from the pattern, not kept: at "
        f"x {x}, y {y} the map goes from {float(image[y, x]):.4g} to about {float(image[y, x] - removed[y, x]):.4g} before "
        "detail is added (the structure keeps only forms broader than a fraction of the pattern's crease cell); "
        "a smaller --scale keeps finer forms."
    ]
