"""The public entry points: arrays in, arrays out; files in, files out.

``synthesize`` works on arrays (hosts, the panel, tests); ``synthesize_file``
reads, runs and writes atomically (CLI, farm); ``synthesis_job`` wraps the file
form in a :class:`~nexture_core.job.Job` for a worker thread.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Union

import numpy as np

from . import units
from .errors import InputError, OutputError, PatternError, SettingsError
from .job import Job
from .preflight import check_mask_shape
from .progress import ProgressFn, SubProgress, check_cancel
from .settings import Settings
from .units import MULTIPLIER_RANGE, height_gain, pattern_multiplier, structure_sigma_px

MIN_INPUT_SIDE = 32
MIX_KEY = "mix"


@dataclass
class SynthesisResult:
    """``outputs[key][map_name]``: key is the pattern id (or ``"mix"`` with masks)."""

    outputs: Dict[str, Dict[str, np.ndarray]]
    settings: Settings
    patterns: List[str]
    stats: dict = field(default_factory=dict)
    notes: List[str] = field(default_factory=list)  # assumptions and resolution warnings, one line each


@dataclass
class FileRequest:
    """A file-level synthesis: what to read, what to run, where to write.

    ``output`` is a path template; fields: {name} (input stem), {pattern}, {map}, {ext}.
    With several patterns or maps and no field for them, ``_{pattern}``/``_{map}`` is
    inserted before the extension. ``None`` writes ``{name}_{pattern}_{map}.{ext}``
    beside the input.
    """

    input: Union[str, Path]
    patterns: Sequence[str]
    settings: Settings = field(default_factory=Settings)
    output: Optional[str] = None
    channel: Optional[str] = None
    part: Optional[Union[str, int]] = None
    masks: Optional[Sequence[Union[str, Path]]] = None
    id_map: Optional[Union[str, Path]] = None
    id_values: Optional[Sequence[float]] = None
    base_albedo: Optional[Union[str, Path]] = None
    base_specular: Optional[Union[str, Path]] = None
    nan: str = "error"
    output_format: Optional[str] = None  # "exr", "tif", "png": default keeps the input's
    output_dtype: Optional[str] = None  # "uint8", "uint16", "half", "float"
    outliers: str = "error"  # extreme finite input samples: "error", "clip", "fill" (io.outliers)
    allow_lossy: bool = False  # write JPEG, or integer outputs that clip or drop levels
    stats: Optional[str] = None  # JSON file for the run's figures, written after the outputs
    preview: Optional[str] = None  # before/after shaded-relief PNG, written after the outputs


# --------------------------------------------------------------------------- arrays
def resolve_patterns(patterns: Sequence, bank=None) -> list:
    """Pattern objects for ids (looked up in ``bank`` or the default bank) or objects."""
    if not patterns:
        raise SettingsError("No pattern given; pass at least one --pattern (see 'nexture patterns list').")
    resolved = []
    for p in patterns:
        if hasattr(p, "load_map"):
            resolved.append(p)
            continue
        if bank is None:
            from .patterns import load_bank

            bank = load_bank()
        resolved.append(bank.get(str(p)))
    return resolved


def _check_image(image: np.ndarray) -> np.ndarray:
    arr = np.asarray(image)
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[..., 0]
    if arr.ndim != 2:
        raise InputError(f"The input map must be one channel (H x W); got an array of shape {arr.shape}.")
    if min(arr.shape) < MIN_INPUT_SIDE:
        raise InputError(
            f"The input map is {arr.shape[1]}x{arr.shape[0]} px; at least {MIN_INPUT_SIDE} px on each side is needed to analyse it."
        )
    if not np.isfinite(arr).all():
        raise InputError("The input map contains NaN or Inf pixels; replace them first (nexture synth --nan zero).")
    from .io.outliers import find_outliers

    found = find_outliers(arr)
    if found.count:
        lo, hi = found.band
        raise InputError(
            f"The input map has {found.count} extreme sample(s), e.g. {found.worst:.4g}, far outside the rest of it "
            f"(99.8% lies from {lo:.4g} to {hi:.4g}); clip or fill them first (nexture synth --outliers clip|fill)."
        )
    return arr.astype(np.float32, copy=False)


def _region_for(pattern, width_px: int, settings: Settings, output: Optional[Settings] = None):
    """Pixel scale and physical amplitude of one pattern for an input ``width_px`` wide.

    ``output``: the artist's settings when ``settings`` are an oversampled run's;
    pores are judged at the output's texel (drawn larger only to be shrunk, their
    imposed depth would skew the result).
    """
    import torch

    from . import filters
    from .synthesis.engine import Region

    multiplier = pattern_multiplier(settings, width_px, pattern)
    lo, hi = MULTIPLIER_RANGE
    if not (lo <= multiplier <= hi):
        raise SettingsError(
            f"Pattern '{pattern.id}' would be drawn at {multiplier:.3g} output px per pattern px "
            f"(texel {settings.texel_mm or settings.map_width_mm}, scale {settings.scale}); it must lie between {lo:.3g} and {hi:g}: "
            "check --texel-mm / --map-width-mm (millimetres) and --scale."
        )
    disp = np.asarray(pattern.load_map("displacement"), dtype=np.float32)
    tensor = torch.from_numpy(np.array(disp, dtype=np.float32))[None, None]
    wrap = bool(getattr(pattern, "tileable", True))
    native_std = None
    if not getattr(pattern, "height_um", None):
        native_std = float(filters.detail(tensor, structure_sigma_px(pattern.feature_px, 1.0), wrap=wrap).std())
    gain = height_gain(settings, pattern, native_std)
    region = Region(
        key=pattern.id,
        disp=tensor,
        multiplier=multiplier,
        gain=max(gain, 1e-12),
        wrap=wrap,
        cell_px=float(pattern.feature_px) * multiplier,
        pores_drawn=units.pores_drawn(output or settings, width_px, pattern),
    )
    return region, multiplier


def _normalised_masks(masks: Sequence[np.ndarray], count: int, uncovered: str):
    """Region weights summing to one where covered, and where to keep the input."""
    if len(masks) != count:
        raise SettingsError(f"{len(masks)} mask(s) for {count} pattern(s); give exactly one mask per pattern.")
    shapes = {np.asarray(m).shape[:2] for m in masks}
    import torch
    import torch.nn.functional as F

    target = max(shapes)
    resized = []
    for m in masks:
        arr = np.asarray(m, dtype=np.float32)
        if arr.ndim == 3:
            arr = arr[..., 0]
        if arr.shape != target:
            arr = F.interpolate(torch.from_numpy(arr)[None, None], size=target, mode="bilinear", align_corners=False)[
                0, 0
            ].numpy()
        resized.append(np.clip(np.nan_to_num(arr), 0.0, None))
    total = np.sum(resized, axis=0)
    coverage = np.clip(total, 0.0, 1.0)
    safe = np.where(total > 1e-6, total, 1.0)
    weights = [m / safe * coverage for m in resized]
    keep = None
    if uncovered == "pattern":
        weights[0] = weights[0] + (1.0 - coverage)
    else:
        for i in range(len(weights)):
            weights[i] = weights[i] + (1.0 - coverage) / len(weights)
        keep = (1.0 - coverage).astype(np.float32)
    return weights, keep


def synthesize(
    image: np.ndarray,
    patterns: Sequence,
    settings: Optional[Settings] = None,
    progress: Optional[ProgressFn] = None,
    cancel: Optional[threading.Event] = None,
    *,
    masks: Optional[Sequence[np.ndarray]] = None,
    bank=None,
    base_maps: Optional[Dict[str, np.ndarray]] = None,
) -> SynthesisResult:
    """Synthesize micro-detail on ``image`` (H x W float32, input units).

    Without masks: one output per pattern. With ``masks`` (one H' x W' weight map
    per pattern, any size, soft, need not sum to one): one output, key ``"mix"``,
    whose regions follow their own patterns. ``base_maps`` may hold ``albedo``
    (HxWx3) and ``specular`` (HxW) whose low frequencies the derived maps keep.
    Raises SettingsError/PatternError/InputError before any work; Cancelled
    when ``cancel`` is set.
    """
    from .synthesis.engine import Synthesis
    from .synthesis.targets import TargetCache

    settings = (settings or Settings()).validated()
    arr = _check_image(image)
    for i, m in enumerate(masks or ()):
        check_mask_shape(f"mask {i + 1}", np.shape(m), arr.shape)
    resolved = resolve_patterns(patterns, bank)
    _check_maps_available(resolved, settings)
    notes = unit_notes(settings, arr.shape, resolved)
    # Oversampled: the engine runs at ``over`` times the output's resolution (as if
    # upscaled) and the result is shrunk back; sizes below are the engine's.
    over = units.oversampling(settings, arr.shape[1], resolved)
    output_shape = (arr.shape[0] * settings.upscale, arr.shape[1] * settings.upscale)
    settings, requested = settings.replace(upscale=settings.upscale * over), settings
    if settings.max_memory_gb is not None:
        from .network import load_backbone
        from .synthesis.engine import pick_device
        from .synthesis.memory import plan_block_size

        net = load_backbone(settings.backbone, settings.weights, pick_device(settings.device))
        plan_block_size(
            net, arr.shape[0] * settings.upscale, arr.shape[1] * settings.upscale, settings.max_memory_gb, 4
        )
    regions = []
    multipliers = []
    for p in resolved:
        region, mult = _region_for(p, arr.shape[1], settings, requested)
        regions.append(region)
        multipliers.append(mult)
    cache = TargetCache()
    outputs: Dict[str, Dict[str, np.ndarray]] = {}
    stats: dict = {"patterns": {}}
    if masks is not None:
        weights, keep = _normalised_masks(masks, len(resolved), settings.uncovered)
        sigma = max(structure_sigma_px(p.feature_px, m) for p, m in zip(resolved, multipliers))
        run = Synthesis(
            arr,
            regions,
            sigma,
            settings,
            SubProgress(progress, 0.0, 0.9),
            cancel,
            weights=weights,
            keep_input=_resize_keep(keep, arr, settings),
            targets=cache,
        )
        disp = _shrunk(run.run(), output_shape, requested)
        out_mults = [m / over for m in multipliers]
        outputs[MIX_KEY] = _derive_maps(
            disp, resolved, requested, sigma / over, out_mults, weights, base_maps, progress, cancel
        )
        stats.update(dataclasses.asdict(run.stats()))
        stats["patterns"][MIX_KEY] = {"multipliers": out_mults, "sigma": sigma / over}
    else:
        share = 0.9 / len(resolved)
        for i, (p, region, mult) in enumerate(zip(resolved, regions, multipliers)):
            check_cancel(cancel)
            sigma = structure_sigma_px(p.feature_px, mult)
            sub = SubProgress(progress, i * share, (i + 1) * share, prefix=f"{p.id}: " if len(resolved) > 1 else "")
            run = Synthesis(arr, [region], sigma, settings, sub, cancel, targets=cache)
            disp = _shrunk(run.run(), output_shape, requested)
            outputs[p.id] = _derive_maps(
                disp, [p], requested, sigma / over, [mult / over], None, base_maps, progress, cancel
            )
            stats.update(dataclasses.asdict(run.stats()))
            stats["patterns"][p.id] = {
                "multiplier": mult / over,
                "sigma": sigma / over,
                "gain": region.gain,
                "target_std": run.target_std(0, shrink=over),
            }
    stats["oversampling"] = over
    if progress is not None:
        progress(1.0, "done", None)
    return SynthesisResult(
        outputs=outputs, settings=requested, patterns=[p.id for p in resolved], stats=stats, notes=notes
    )


def _shrunk(disp: np.ndarray, shape: tuple, settings: Settings) -> np.ndarray:
    """An oversampled synthesis brought to the output's ``shape`` (antialiased; tiles if the input does)."""
    if disp.shape == tuple(shape):
        return disp
    from .maps import resize_to

    return resize_to(disp, shape, wrap=settings.tileable)


def unit_notes(settings: Settings, shape, patterns: Sequence) -> List[str]:
    """What was assumed about units (a :class:`~.preflight.NextureNote`), and detail the map is too
    coarse to draw (a :class:`~.preflight.NextureWarning`), each emitted once before any work.

    The CLI prints them as ``nexture: note:`` / ``nexture: warning:`` lines; hosts
    and pipelines catch them with :mod:`warnings` or read ``SynthesisResult.notes``.
    """
    from .preflight import NextureNote, warn

    notes: List[str] = []
    line = units.assumptions_line(settings, shape, patterns)
    if line:
        warn(line, notes, NextureNote)
    for p in patterns:
        t = units.texel(settings, shape[1], p)
        note = units.resolution_note(p, t, settings.scale, settings.upscale)
        if note:
            warn(f"pattern '{p.id}': {note}", notes)
    note = units.oversampling_note(settings, shape[1], patterns)
    if note:
        warn(note, notes, NextureNote)
    return notes


def _resize_keep(keep: Optional[np.ndarray], arr: np.ndarray, settings: Settings) -> Optional[np.ndarray]:
    if keep is None:
        return None
    import torch
    import torch.nn.functional as F

    size = (arr.shape[0] * settings.upscale, arr.shape[1] * settings.upscale)
    return F.interpolate(torch.from_numpy(keep)[None, None], size=size, mode="bilinear", align_corners=False)[
        0, 0
    ].numpy()


def _check_maps_available(patterns: Sequence, settings: Settings) -> None:
    for name in ("albedo", "specular"):
        if name in settings.maps:
            for p in patterns:
                if not p.has_map(name):
                    raise PatternError(
                        f"Pattern '{p.id}' has no {name} map, but --maps asks for {name}; drop it from --maps or pick a pattern that has one."
                    )


def _derive_maps(
    disp, patterns, settings, sigma, multipliers, weights, base_maps, progress, cancel
) -> Dict[str, np.ndarray]:
    """Displacement plus whatever other maps ``settings.maps`` asks for."""
    maps: Dict[str, np.ndarray] = {"displacement": disp}
    wanted = [m for m in settings.maps if m != "displacement"]
    if not wanted:
        return maps
    check_cancel(cancel)
    if progress is not None:
        progress(0.92, "deriving " + ", ".join(wanted), None)
    if "albedo" in wanted or "specular" in wanted:
        from .crossmaps import derive_surface_maps

        maps.update(
            derive_surface_maps(
                disp,
                patterns,
                [m for m in ("albedo", "specular") if m in wanted],
                sigma=sigma,
                multipliers=multipliers,
                weights=weights,
                base_maps=base_maps,
                seed=settings.seed,
                wrap=settings.tileable,
            )
        )
    if "normal" in wanted or "cavity" in wanted or "bands" in wanted:
        from . import lookdev

        if "normal" in wanted:
            # Physical slopes: mm of height per mm across the surface.
            texel_mm = units.texel(settings, disp.shape[1] // settings.upscale, patterns[0]).output_mm
            maps["normal"] = lookdev.normal_map(
                disp, height_scale=units.height_mm(settings), texel_size=texel_mm, wrap=settings.tileable
            )
        if "cavity" in wanted:
            maps["cavity"] = lookdev.cavity_map(disp, radius_px=max(2.0, sigma / 2), wrap=settings.tileable)
        if "bands" in wanted:
            bands = lookdev.frequency_bands(disp, sigmas=lookdev.bands_for_sigma(sigma), wrap=settings.tileable)
            maps["bands"] = np.stack([bands[k] for k in bands], axis=-1).astype(np.float32)
            maps["bands_names"] = list(bands)  # type: ignore[assignment]
    return maps


# ---------------------------------------------------------------------------- files
MAP_CHANNEL_DEFAULTS = {"albedo": ("R", "G", "B"), "normal": ("R", "G", "B")}


def output_paths(
    request: FileRequest, pattern_keys: Sequence[str], maps: Sequence[str], input_ext: str
) -> Dict[tuple, Path]:
    """(pattern key, map) -> output path, from the request's template (see FileRequest)."""
    src = Path(request.input)
    template = request.output or str(src.with_name("{name}_{pattern}_{map}.{ext}"))
    if "{pattern}" not in template and len(pattern_keys) > 1:
        template = _insert_before_ext(template, "_{pattern}")
    if "{map}" not in template and len(maps) > 1:
        template = _insert_before_ext(template, "_{map}")
    ext = (request.output_format or input_ext).lstrip(".")
    paths = {}
    for key in pattern_keys:
        for m in maps:
            map_ext = "exr" if m == "bands" else ext
            try:
                text = template.format(name=src.stem, pattern=key, map=m, ext=map_ext)
            except (KeyError, IndexError, ValueError) as exc:
                raise OutputError(
                    f"Output template {template!r} is invalid ({exc}); use the fields {{name}}, {{pattern}}, {{map}}, {{ext}}."
                ) from None
            path = Path(text)
            if m == "bands" and path.suffix.lower() != ".exr":
                path = path.with_suffix(".exr")
            paths[(key, m)] = path
    if len(set(paths.values())) != len(paths):
        raise OutputError(
            f"Output template {template!r} gives the same file for several outputs; add {{pattern}} and {{map}}."
        )
    return paths


def _insert_before_ext(template: str, piece: str) -> str:
    p = Path(template)
    if p.suffix:
        return str(p.with_name(p.stem + piece + p.suffix))
    return template + piece


def _read_masks(request: FileRequest, count: int, image_shape: tuple):
    from .io import read_map

    if request.masks and request.id_map:
        raise SettingsError("Give either --mask per pattern or one --id-map, not both.")
    if request.masks:
        if len(request.masks) != count:
            raise SettingsError(
                f"{len(request.masks)} --mask file(s) for {count} --pattern(s); give exactly one mask per pattern, in the same order."
            )
        masks = [read_map(m)[0] for m in request.masks]
        for name, mask in zip(request.masks, masks):
            check_mask_shape(str(name), mask.shape, image_shape)
        return masks
    if request.id_map:
        ids, _ = read_map(request.id_map)
        check_mask_shape(str(request.id_map), ids.shape, image_shape)
        values = list(request.id_values) if request.id_values else None
        if values is None:
            found = np.unique(np.round(ids[:: max(1, ids.shape[0] // 256), :: max(1, ids.shape[1] // 256)], 4))
            if len(found) < count:
                raise InputError(
                    f"{request.id_map}: has {len(found)} distinct value(s) for {count} pattern(s); give --id-values."
                )
            values = sorted(found)[:count]
        if len(values) != count:
            raise SettingsError(f"{len(values)} --id-values for {count} pattern(s); give one value per pattern.")
        step = 0.5 * min(np.diff(sorted(values))) if len(values) > 1 else 0.5
        return [(np.abs(ids - v) < step).astype(np.float32) for v in values]
    return None


def synthesize_file(
    request: FileRequest,
    progress: Optional[ProgressFn] = None,
    cancel: Optional[threading.Event] = None,
    stats: Optional[dict] = None,
) -> List[Path]:
    """Read ``request.input``, synthesize, write every requested map atomically; returns the paths.

    ``stats``, when given, receives the run's figures (seconds, peak memory,
    device, blocks, levels, iterations) and ``warnings``, for pipelines that
    log them; ``request.stats`` writes them to a JSON file.

    Everything that can be checked is checked before the synthesis starts
    (:mod:`nexture_core.preflight`): the settings, the patterns, every output
    path, format and sample type, the side files, the input's data, the masks.
    The results are checked before the first write, so an error leaves no file.
    Warnings go out as :class:`~nexture_core.preflight.NextureWarning`.
    A cancel before the writes leaves no file behind.
    """
    import time

    from . import preflight
    from .io import read_image, read_map, write_image
    from .run_files import write_preview, write_stats

    started = time.monotonic()
    settings = request.settings.validated()
    src = Path(request.input)
    patterns = resolve_patterns(request.patterns)
    keys = [MIX_KEY] if (request.masks or request.id_map) else [p.id for p in patterns]
    paths = output_paths(request, keys, list(settings.maps), src.suffix)
    inputs = (
        [src]
        + [Path(m) for m in (request.masks or [])]
        + [Path(p) for p in (request.id_map, request.base_albedo, request.base_specular) if p]
    )
    notes = preflight.check_outputs(request, paths, inputs)
    image, info = read_map(src, channel=request.channel, part=request.part, nan=request.nan, outliers=request.outliers)
    notes += preflight.check_input(image, info, request, paths)
    masks = _read_masks(request, len(patterns), image.shape)
    base_maps = {}
    if request.base_albedo:
        base_maps["albedo"] = read_image(request.base_albedo)[0][..., :3]
    if request.base_specular:
        base_maps["specular"] = read_map(request.base_specular)[0]
    for note in notes:
        preflight.warn(note)
    result = synthesize(
        image, patterns, settings, SubProgress(progress, 0.0, 0.97), cancel, masks=masks, base_maps=base_maps or None
    )
    check_cancel(cancel)
    after = preflight.check_result(result, image, info, request, paths)
    for note in after:
        preflight.warn(note)
    figures = dict(result.stats, warnings=notes + result.notes + after)
    if stats is not None:
        stats.update(figures)
    if progress is not None:
        progress(0.98, "writing", None)
    limit = preflight.plausible_limit(image)
    written = []
    for (key, m), path in paths.items():
        names = tuple(result.outputs[key].get("bands_names", ())) if m == "bands" else MAP_CHANNEL_DEFAULTS.get(m)
        written.append(
            write_image(
                path,
                result.outputs[key][m],
                like=info if m == "displacement" else None,
                dtype=preflight.map_dtype(request, m, info, path),
                channel_names=names,
                protect=inputs,
                value_limit=limit if m == "displacement" else None,
            )
        )
    if request.preview:
        texel_mm = units.texel(settings, image.shape[1], patterns[0]).output_mm
        write_preview(
            request.preview,
            image,
            result.outputs[keys[0]]["displacement"],
            protect=inputs,
            pattern=patterns[0].id,
            texel_mm=texel_mm,
        )
    if request.stats:
        write_stats(request.stats, time.monotonic() - started, written, figures)
    if progress is not None:
        progress(1.0, "done", None)
    return written


def synthesis_job(request: FileRequest) -> Job:
    """A not-yet-started :class:`Job` running :func:`synthesize_file`."""
    names = ", ".join(request.patterns)
    return Job(
        lambda progress, cancel: synthesize_file(request, progress, cancel),
        name=f"{Path(request.input).name} [{names}]",
    )
