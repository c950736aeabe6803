"""``nexture patterns``: list, show, validate, import and regenerate patterns."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import PatternError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("patterns", help="the pattern bank: list, show, validate, import, regenerate")
    ps = p.add_subparsers(dest="action", metavar="ACTION")
    ps.required = True
    ls = ps.add_parser("list", help="every pattern: id, region, size in px and mm, maps")
    ls.add_argument("--region", help="only this body region")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)
    sh = ps.add_parser("show", help="one pattern's manifest and files")
    sh.add_argument("id")
    sh.set_defaults(func=cmd_show)
    va = ps.add_parser("validate", help="check a pattern folder, a bank folder, or the whole bank")
    va.add_argument("dir", nargs="?")
    va.set_defaults(func=cmd_validate)
    im = ps.add_parser("import", help="turn a folder of your scans into a pattern in your user bank")
    im.add_argument("dir")
    im.add_argument("--id", required=True)
    im.add_argument("--width-mm", type=float, required=True, help="physical width the scans cover")
    im.add_argument("--name")
    im.add_argument("--region", default="custom")
    im.add_argument("--feature-mm", type=float, help="typical crease-cell diameter (default 1 mm)")
    im.add_argument(
        "--unit-um",
        type=float,
        help="micrometres one unit of the displacement scan means (1000 for mm): records its real depth",
    )
    im.add_argument("--force", action="store_true", help="replace a pattern with the same id")
    im.add_argument("--bank", help="user bank folder (default: NEXTURE_USER_BANK or ~/.local/share/nexture/patterns)")
    im.set_defaults(func=cmd_import)
    rg = ps.add_parser("regenerate", help="regenerate the built-in bank and the example map, bit-identically")
    rg.add_argument("--dest", help="write into this folder instead of the built-in bank")
    rg.add_argument("--id", action="append", dest="ids", help="only these patterns")
    rg.add_argument("--no-example", action="store_true")
    rg.set_defaults(func=cmd_regenerate)


def _maps(p) -> str:
    return ",".join(m for m in ("displacement", "albedo", "specular") if p.has_map(m))


def cmd_list(args) -> int:
    from ..patterns import load_bank

    bank = load_bank()
    items = [p for p in bank.patterns() if not args.region or p.region == args.region]
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": p.id,
                        "name": p.name,
                        "region": p.region,
                        "size_px": list(p.size_px),
                        "width_mm": p.width_mm,
                        "feature_mm": p.feature_mm,
                        "height_um": p.height_um,
                        "cell_mm": p.cell_mm,
                        "pore_mm": p.pore_mm,
                        "relief": p.relief,
                        "maps": _maps(p).split(","),
                        "source": p.source,
                        "folder": str(p.folder),
                    }
                    for p in items
                ],
                indent=2,
            )
        )
    else:
        print(
            f"{'id':<14} {'region':<14} {'size px':>10} {'width mm':>9} {'cell mm':>8} {'pores mm':>11} {'Rq um':>6}  maps"
        )
        for p in items:
            pores = f"{p.pore_mm[0]:.2f}-{p.pore_mm[1]:.2f}" if p.pore_mm else "-"
            rq = f"{p.relief['rq_um']:.1f}" if "rq_um" in p.relief else "-"
            print(
                f"{p.id:<14} {p.region:<14} {p.size_px[0]:>4}x{p.size_px[1]:<5} {p.width_mm:>9.2f} {p.feature_mm:>8.2f} {pores:>11} {rq:>6}  "
                f"{_maps(p)}{'' if p.source == 'builtin' else '  (' + p.source + ')'}"
            )
    for w in bank.warnings:
        print(f"warning: {w}")
    return 0


def cmd_show(args) -> int:
    from ..patterns import load_bank

    p = load_bank().get(args.id)
    print(f"{p.name} ({p.id}), {p.region}: {p.description}")
    print(
        f"  size {p.size_px[0]}x{p.size_px[1]} px over {p.width_mm} mm ({p.mm_per_px * 1000:.1f} um per px); crease cells ~{p.feature_mm} mm ({p.feature_px:.0f} px)"
    )
    if p.cell_mm or p.pore_mm:
        cells = f"cells {p.cell_mm[0]:g}-{p.cell_mm[1]:g} mm" if p.cell_mm else ""
        pores = f"pores {p.pore_mm[0]:g}-{p.pore_mm[1]:g} mm" if p.pore_mm else "no pores"
        print(f"  {cells}; {pores}")
    if p.height_um:
        measured = ", ".join(f"{k} {v:g}" for k, v in p.relief.items())
        print(
            f"  relief: the displacement's 0..1 spans {p.height_um:g} um"
            + (f"; detail band {measured}" if measured else "")
        )
    else:
        print("  relief: no recorded depth; the detail band is read as 12 um RMS (import with --unit-um to set it)")
    print(f"  licence: {p.licence or '-'}; attribution: {p.attribution or '-'}")
    print(f"  folder: {p.folder} ({p.source})")
    for name, path in p.maps.items():
        print(f"  {name}: {path.name}")
    return 0


def _check_maps(p) -> None:
    """Decode every map: a truncated file shows up here, not mid-synthesis."""
    for name in ("displacement", "albedo", "specular"):
        if p.has_map(name):
            p.load_map(name)


def cmd_validate(args) -> int:
    from ..patterns import load_bank, pattern_from_folder
    from ..patterns.manifest import MANIFEST

    problems, count = [], 0
    if args.dir:
        root = Path(args.dir)
        if (root / MANIFEST).exists():
            folders = [root]
        elif root.is_dir():
            folders = sorted(d for d in root.iterdir() if d.is_dir() and (d / MANIFEST).exists())
        else:
            folders = []
        if not root.exists():
            problems.append(f"{root}: no such folder.")
        elif not root.is_dir():
            problems.append(f"{root}: is a file; give a pattern folder or a bank folder.")
        elif not folders:
            problems.append(f"{root}: no pattern folder (with {MANIFEST}) found.")
        for folder in folders:
            try:
                _check_maps(pattern_from_folder(folder))
                count += 1
            except PatternError as exc:
                problems.append(str(exc))
    else:
        bank = load_bank()
        problems = list(bank.warnings)
        for p in bank:
            try:
                _check_maps(p)
                count += 1
            except PatternError as exc:
                problems.append(str(exc))
    for line in problems:
        print(f"problem: {line}")
    print(f"{count} pattern(s) valid, {len(problems)} problem(s).")
    if problems:
        more = f" (and {len(problems) - 1} more, listed above)" if len(problems) > 1 else ""
        print(f"nexture: error: {problems[0]}{more}", file=sys.stderr)
    return 1 if problems else 0


def cmd_import(args) -> int:
    from ..patterns import user_bank_dir
    from ..patterns.bank import on_search_path
    from ..patterns.importer import import_scans

    if args.bank is not None and not args.bank.strip():
        raise PatternError("--bank is empty; give a folder, or leave it out for your user bank.")
    bank = Path(args.bank) if args.bank else user_bank_dir()
    folder = import_scans(
        Path(args.dir),
        args.id,
        args.width_mm,
        user_bank=bank,
        name=args.name,
        region=args.region,
        feature_mm=args.feature_mm,
        force=args.force,
        unit_um=args.unit_um,
    )
    print(f"imported {args.id} into {folder}")
    if not on_search_path(bank):
        print(
            f"nexture: warning: {bank} is not searched for patterns; add it to NEXTURE_PATTERN_PATH to use '{args.id}'.",
            file=sys.stderr,
        )
    return 0


def cmd_regenerate(args) -> int:
    from ..example import write_example
    from ..patterns.writer import regenerate_builtin

    for folder in regenerate_builtin(Path(args.dest) if args.dest else None, ids=args.ids):
        print(folder)
    if not args.no_example and not args.dest:
        print(write_example())
    return 0
