"""``nexture info``: what Nexture reads from image files, before any synthesis.

Shows the layout (size, windows, parts, channels, sample type, colour space,
tiling) and the values of the channel a synthesis would use, so an artist can
check a map - and the channel/part choice - in a second.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import List, Optional

from ..errors import NextureError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "info",
        help="show what Nexture reads from image files",
        description="Print size, channels, sample type, colour space, parts, windows and value range of each FILE.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="image files (TIFF, EXR, PNG, JPG)")
    p.add_argument(
        "--channel", help="channel to report, e.g. 'displacement.R' or 'Y' (default: the one synth would read)"
    )
    p.add_argument("--part", help="EXR part name or index (default: the first)")
    p.add_argument("--json", action="store_true", help="print one JSON list instead of text")
    p.set_defaults(func=run)


def describe(path: str, channel: Optional[str] = None, part: Optional[str] = None) -> dict:
    """Info + value statistics of one file as a JSON-ready dict; raises NextureError."""
    from ..io import read_map
    from ..io.stats import value_stats

    pixels, info = read_map(path, channel=channel, part=part, nan="keep", min_size=1, outliers="keep")
    data = info.to_dict()
    data["stats"] = value_stats(pixels)
    data["data_coverage"] = info.data_coverage
    return data


def _window(w) -> str:
    x, y, width, height = w
    return f"{width}x{height} at ({x}, {y})"


def _fmt(value) -> str:
    return "-" if value is None else f"{value:.6g}"


def format_text(d: dict) -> str:
    """Human-readable block for one file."""
    lines = [str(d["path"])]
    add = lambda key, value: lines.append(f"  {key:<13} {value}")  # noqa: E731
    layout = [d["format"]]
    if d["compression"]:
        layout.append(f"{d['compression']} compression")
    if d["tiled"]:
        layout.append(f"tiled {d['tiled'][0]}x{d['tiled'][1]}")
    if d["mip_levels"] > 1:
        layout.append(f"{d['mip_levels']} mip levels (top level read)")
    add("format:", ", ".join(layout))
    add("size:", f"{d['width']} x {d['height']}")
    add("display:", _window(d["display_window"]))
    if tuple(d["data_window"]) != tuple(d["display_window"]):
        shown = " (no overlap: every pixel reads as 0)" if d["data_coverage"] == 0 else " (outside it reads as 0)"
        add("data window:", _window(d["data_window"]) + shown)
    nparts = len(d["parts"])
    if nparts > 1 or d["part_name"]:
        name = f' "{d["part_name"]}"' if d["part_name"] else ""
        add("part:", f"{d['part_index']}{name} of {nparts}")
    add("channels:", ", ".join(d["channels"]))
    add("selected:", ", ".join(d["selected"]))
    add(
        "sample type:",
        f"{d['sample_type']} ({d['bit_depth']}-bit)"
        + (", normalised to 0-1" if d["sample_type"].startswith(("uint", "int")) else ""),
    )
    add("colour space:", d["colorspace"] or "(not tagged)")
    s = d["stats"]
    add("values:", f"min {_fmt(s['min'])}  max {_fmt(s['max'])}  mean {_fmt(s['mean'])}")
    add("NaN / Inf:", f"{s['nan']} / {s['inf']}" + ("  (synth needs --nan zero|fill)" if s["nan"] or s["inf"] else ""))
    if d["outlier_count"]:
        add(
            "outliers:",
            f"{d['outlier_count']} sample(s) far outside the rest of the map  (synth needs --outliers clip|fill)",
        )
    for note in d["notes"]:
        add("note:", note)
    if nparts > 1:
        lines.append("  parts:")
        for p in d["parts"]:
            name = f' "{p["name"]}"' if p["name"] else ""
            extra = ", deep" if p["deep"] else ""
            lines.append(
                f"    {p['index']}{name}: {p['width']}x{p['height']}, {', '.join(p['channels'])} ({p['sample_type']}{extra})"
            )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    results: List[dict] = []
    failed = 0
    for path in args.files:
        try:
            results.append(describe(path, args.channel, args.part))
        except NextureError as exc:
            failed += 1
            text = str(exc)
            if not text.startswith(str(path)):
                text = f"{path}: {text}"
            print(f"nexture: error: {text}", file=sys.stderr)
            results.append({"path": str(path), "error": text})
    if args.json:
        print(json.dumps(results, indent=2, default=str))
    else:
        print("\n\n".join(format_text(r) for r in results if "error" not in r))
    return 2 if failed else 0
