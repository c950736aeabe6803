"""Quality of the synthesis, measured, beside a naive baseline that copies the pattern.

    .venv/bin/python benchmarks/quality.py                      # bundled example + real face, 512 px crops
    .venv/bin/python benchmarks/quality.py --size 1024 --preset final --backbone vgg19

For each input (the bundled example; the real face scan in ../shared/data when
present) and each (pattern, scale) it synthesizes, then reports the metrics of
``nexture_core.metrics.evaluate``: structure PSNR, spectrum distance, detail
std ratio, orientation L1, max NCC (copying, beside the pattern's own halves),
crease connectivity, patch realism and pore density. The naive baseline adds a
high-pass of the pattern, tiled over the input at the same scale and amplitude:
its copy check must score clearly worse. Sheets (pattern | output | baseline at 1:1, and before/after)
go to ``--out``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nexture_core import Settings  # noqa: E402
from nexture_core.api import synthesize  # noqa: E402
from nexture_core.io import read_map  # noqa: E402
from nexture_core.metrics import evaluate  # noqa: E402
from nexture_core.metrics.bands import detail_band, resample_pattern  # noqa: E402
from nexture_core.patterns import load_bank  # noqa: E402
from nexture_core.relief import auto_exaggeration, before_after, contact_sheet, save_png, shaded_relief  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
COLUMNS = [
    ("structure_psnr_db", "PSNR dB", ">=40"),
    ("spectrum_distance_db", "spectrum dB", "<=3"),
    ("detail_std_ratio", "std ratio", "0.85-1.15"),
    ("orientation_l1", "orient. L1", "<=0.15"),
    ("max_ncc", "max NCC", "<=0.97"),
    ("max_ncc_pattern", "NCC pattern halves", "ref."),
    ("ncc_excess", "NCC excess", "<=0.05"),
    ("connectivity_ratio", "crease conn.", "0.5-2"),
    ("patch_realism", "patch real.", "<=1.5"),
    ("pore_density_ratio", "pore dens.", "0.5-2"),
]


# Each input at its real texel size and height unit: the bundled eye corner as
# declared (nexture_core.example), and the real head scan's 1k face map at four
# times the 4k map's ~0.09 mm per texel, its height unit read off the 4k scan's
# fine band (benchmarks/realism.py: ~3 mm per unit).
INPUTS = [
    ("example (eye corner, 0.02 mm/texel)", ROOT / "examples" / "eye_corner_1k.tif", 0.02, 10.0),
    (
        "face scan 1k (CC BY 3.0, Infinite Realities; 0.36 mm/texel)",
        SHARED / "skin" / "face_displacement_1k.png",
        0.36,
        3.0,
    ),
]


def inputs(size: int):
    """(name, map, texel mm, height mm per unit): central crops of ``size`` px."""
    for name, path, texel_mm, height_mm in INPUTS:
        if path.exists():
            img, _ = read_map(path)
            h, w = img.shape
            y, x = max(0, (h - size) // 2), max(0, (w - size) // 2)
            yield name, img[y : y + size, x : x + size].copy(), texel_mm, height_mm


def naive_baseline(img: np.ndarray, pattern, multiplier: float, sigma: float, target_std: float) -> np.ndarray:
    """Input plus the pattern's high-pass tiled at the same scale: what 'overlaying' gives."""
    pat = detail_band(
        resample_pattern(np.asarray(pattern.load_map("displacement"), np.float32), multiplier, wrap=True),
        sigma,
        wrap=True,
    )
    reps = (img.shape[0] // pat.shape[0] + 1, img.shape[1] // pat.shape[1] + 1)
    tiled = np.tile(pat, reps)[: img.shape[0], : img.shape[1]]
    return img + tiled / max(float(tiled.std()), 1e-12) * target_std


def fmt(value) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if abs(value) < 100 else f"{value:.0f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--preset", default="draft")
    ap.add_argument("--backbone", default="vgg19")
    ap.add_argument("--runs", default="cheek:1.0,forehead:1.0", help="pattern:detail size (1 = real size),...")
    ap.add_argument("--out", default=str(ROOT / "out" / "benchmarks" / "quality"))
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    bank = load_bank()
    runs = [(r.split(":")[0], float(r.split(":")[1])) for r in args.runs.split(",")]
    header = "| input | pattern | scale | method | " + " | ".join(c[1] for c in COLUMNS) + " | seconds |"
    print(f"# Nexture quality benchmark: {args.size} px crops, preset {args.preset}, backbone {args.backbone}")
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    print("| target | | | | " + " | ".join(c[2] for c in COLUMNS) + " | |")
    for in_name, img, texel_mm, height_mm in inputs(args.size):
        for pid, scale in runs:
            pattern = bank.get(pid)
            settings = Settings(
                scale=scale, texel_mm=texel_mm, height_mm=height_mm, preset=args.preset, backbone=args.backbone
            )
            started = time.perf_counter()
            result = synthesize(img, [pattern], settings)
            seconds = time.perf_counter() - started
            synth = result.outputs[pid]["displacement"]
            info = result.stats["patterns"][pid]
            pat_disp = np.asarray(pattern.load_map("displacement"), np.float32)
            cell = pattern.feature_px * info["multiplier"]
            for method, output, secs in (
                ("nexture", synth, seconds),
                (
                    "naive overlay",
                    naive_baseline(img, pattern, info["multiplier"], info["sigma"], info["target_std"]),
                    0.0,
                ),
            ):
                report = evaluate(
                    output, img, pat_disp, info["multiplier"], info["sigma"], info["target_std"], cell_px=cell
                )
                cells = " | ".join(fmt(getattr(report, c[0])) for c in COLUMNS)
                print(f"| {in_name} | {pid} | {scale:g} | {method} | {cells} | {secs:.0f} |", flush=True)
                if method == "nexture":
                    tag = f"{in_name.split()[0]}_{pid}_{scale:g}"
                    save_png(out / f"{tag}_before_after.png", before_after(img, output, pattern=pid, texel_mm=texel_mm))
                    crop = slice(0, min(256, output.shape[0]))
                    pat_view = resample_pattern(pat_disp, info["multiplier"], wrap=True)[crop, crop]
                    base = naive_baseline(img, pattern, info["multiplier"], info["sigma"], info["target_std"])
                    ours = detail_band(output, info["sigma"])[crop, crop]
                    pat_d = detail_band(pat_view, info["sigma"], wrap=True)
                    pat_d = pat_d / max(float(pat_d.std()), 1e-12) * float(ours.std())
                    light = auto_exaggeration(ours)  # one lighting for all three
                    tiles = [
                        ("pattern", shaded_relief(pat_d, exaggeration=light)),
                        ("nexture", shaded_relief(ours, exaggeration=light)),
                        (
                            "naive overlay",
                            shaded_relief(detail_band(base, info["sigma"])[crop, crop], exaggeration=light),
                        ),
                    ]
                    save_png(out / f"{tag}_sheet.png", contact_sheet(tiles, columns=3))
    print(f"# sheets in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
