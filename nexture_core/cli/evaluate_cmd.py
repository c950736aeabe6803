"""``nexture evaluate``: measure a synthesized map against its input and pattern.

Prints one row per measure with the project's target (QUALITY.md), or a JSON
dict with ``--json``. Exit status 0, or 1 with ``--strict`` when a target fails.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Optional

import numpy as np

from ..errors import InputError, SettingsError
from ..settings import Settings
from .units_args import add_unit_options


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "evaluate",
        help="measure an output's quality against its input and pattern",
        description="Measure how well OUTPUT keeps INPUT's broad forms and how closely its detail follows the pattern.",
    )
    p.add_argument("output", help="the synthesized displacement map")
    p.add_argument("--input", required=True, help="the map the synthesis started from")
    p.add_argument("-p", "--pattern", required=True, metavar="ID", help="pattern id used for the synthesis")
    add_unit_options(p)
    p.add_argument("--upscale", type=int, help="output size multiplier used (default: output size / input size)")
    p.add_argument("--strength", type=float, default=1.0, help="detail strength used (sets the target detail std)")
    p.add_argument("--channel", help="channel to read from both maps (default: the grey channel or R)")
    p.add_argument("--mask", metavar="FILE", help="judge only where this mask is >= 0.5, and score its edge")
    p.add_argument("--tileable", action="store_true", help="the output should tile: also score the wrap-around seam")
    p.add_argument("--sheet", metavar="PNG", help="also write a shaded-relief sheet: pattern, output and input at 1:1")
    p.add_argument("--json", action="store_true", help="print a JSON dict instead of a table")
    p.add_argument("--strict", action="store_true", help="exit with status 1 when any target fails")
    p.set_defaults(func=run)


def _read(path: str, channel: Optional[str], what: str) -> np.ndarray:
    from ..io import read_map

    if not Path(path).exists():
        raise InputError(f"{path}: the {what} file does not exist.")
    pixels, _ = read_map(path, channel=channel)
    return pixels


def _check_sizes(output: np.ndarray, inp: np.ndarray, upscale: Optional[int], out_path: str, in_path: str) -> None:
    oh, ow = output.shape
    ih, iw = inp.shape
    if upscale is None:
        if ow % iw or oh % ih or ow // iw != oh // ih:
            raise InputError(
                f"{out_path} is {ow}x{oh} px, not a whole multiple of the input {in_path} ({iw}x{ih}); pass the input the synthesis used."
            )
        return
    if upscale < 1:
        raise SettingsError(f"--upscale must be 1 or more; got {upscale}.")
    if (oh, ow) != (ih * upscale, iw * upscale):
        raise InputError(
            f"{out_path} is {ow}x{oh} px but the input {in_path} times --upscale {upscale} is {iw * upscale}x{ih * upscale}; pass the --upscale the synthesis used."
        )


def _format(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        return f"{value:.4g}" if abs(value) < 1e4 else f"{value:.3e}"
    return str(value)


def print_table(report, header: str) -> None:
    rows = report.as_rows()
    width = max(len(r[0]) for r in rows)
    print(header)
    print(f"{'measure':<{width}}  {'value':>10}  {'target':<18} result")
    for label, value, target, passed in rows:
        result = "-" if passed is None else ("pass" if passed else "FAIL")
        print(f"{label:<{width}}  {_format(value):>10}  {target:<18} {result}")
    for note in report.notes:
        print(f"note: {note}")
    print("overall: " + ("pass" if report.passed else "FAIL"))


def _write_sheet(
    path: str,
    output: np.ndarray,
    inp: np.ndarray,
    pattern_disp: np.ndarray,
    multiplier: float,
    pattern_id: str,
    protect,
) -> None:
    """Pattern (at the output's scale), output and input side by side at 1:1, lit alike."""
    from ..metrics import resample_pattern, resize_to
    from ..relief import auto_exaggeration, contact_sheet, save_png, shaded_relief

    pat = resample_pattern(pattern_disp, multiplier)
    side = min(512, output.shape[0], output.shape[1], pat.shape[0], pat.shape[1])
    y, x = (output.shape[0] - side) // 2, (output.shape[1] - side) // 2
    out_crop = output[y : y + side, x : x + side]
    in_crop = resize_to(inp, output.shape)[y : y + side, x : x + side]
    pat_crop = pat[:side, :side]
    k = auto_exaggeration(out_crop)
    # The pattern has its own units: light it by its own slope, the maps by the output's.
    tiles = [
        (f"pattern {pattern_id} x{multiplier:.3g}", shaded_relief(pat_crop)),
        ("output 1:1", shaded_relief(out_crop, exaggeration=k)),
        ("input 1:1", shaded_relief(in_crop, exaggeration=k)),
    ]
    save_png(path, contact_sheet(tiles, columns=3), protect=protect)


def run(args: argparse.Namespace) -> int:
    from .. import units
    from ..metrics import evaluate, target_detail_std
    from ..patterns import load_bank

    pattern = load_bank().get(args.pattern)
    output = _read(args.output, args.channel, "output")
    inp = _read(args.input, args.channel, "input")
    _check_sizes(output, inp, args.upscale, args.output, args.input)
    upscale = args.upscale or output.shape[1] // inp.shape[1]
    settings = Settings(
        scale=args.scale,
        texel_mm=args.texel_mm,
        map_width_mm=args.map_width_mm,
        height_mm=args.height_mm,
        upscale=upscale if upscale in (1, 2, 4) else 1,
        strength=args.strength,
    ).validated()
    mask = _read(args.mask, None, "mask") if args.mask else None
    multiplier = units.pattern_multiplier(settings, inp.shape[1], pattern)
    sigma = units.structure_sigma_px(pattern.feature_px, multiplier)
    pattern_disp = np.asarray(pattern.load_map("displacement"), dtype=np.float32)
    pattern_wrap = bool(getattr(pattern, "tileable", True))
    gain = units.height_gain(settings, pattern, _native_detail_std(pattern, pattern_disp, pattern_wrap))
    target = target_detail_std(pattern_disp, multiplier, sigma, gain, wrap=pattern_wrap)
    try:
        report = evaluate(
            output,
            inp,
            pattern_disp,
            multiplier,
            sigma,
            strength_target_std=target,
            mask=mask,
            cell_px=float(pattern.feature_px) * multiplier,
            wrap=args.tileable,
            pattern_wrap=pattern_wrap,
        )
    except ValueError as exc:
        raise InputError(f"{args.output}: cannot be evaluated ({exc})") from None
    if args.sheet:
        inputs = [p for p in (args.output, args.input, args.mask) if p]
        _write_sheet(args.sheet, output, inp, pattern_disp, multiplier, pattern.id, protect=inputs)
    if args.json:
        data = report.to_dict()
        data.update(output=str(args.output), input=str(args.input), pattern=pattern.id, strength=args.strength)
        print(json.dumps(_finite(data), indent=2, default=_json_default))
    else:
        header = f"{args.output}  vs  {args.input}  pattern {pattern.id}  (x{multiplier:.3g}, sigma {sigma:.3g} px, cell {report.cell_px:.3g} px)"
        print_table(report, header)
    return 1 if args.strict and not report.passed else 0


def _native_detail_std(pattern, disp: np.ndarray, wrap: bool) -> Optional[float]:
    """The pattern's own detail RMS, needed only when it records no depth (units.pattern_height_um)."""
    from .. import units
    from ..metrics import detail_band

    if getattr(pattern, "height_um", None):
        return None
    return float(np.std(detail_band(disp, units.structure_sigma_px(pattern.feature_px, 1.0), wrap=wrap)))


def _finite(value):
    """JSON has no NaN/Inf: such values become null."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _json_default(value):
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    if isinstance(value, np.bool_):
        return bool(value)
    return str(value)
