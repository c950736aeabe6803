"""The built-in patterns held against real skin: a 4k head scan, region by region.

    .venv/bin/python benchmarks/realism.py                   # table + docs/realism.png
    .venv/bin/python benchmarks/realism.py --no-synthesis    # the pattern rows only (seconds)

``../shared/data/skin/head_displacement_4096.jpg`` is a real head scan's
displacement ("Infinite, 3D Head Scan" by Lee Perry-Smith, Infinite Realities,
CC BY 3.0) at about 0.09 mm per texel on the face: it resolves forms,
wrinkles and the crease network, not pores. For forehead, cheek, nose and chin
the scan's own fine band (wavelengths under a few mm: forms removed) is the
real reference. Each built-in pattern of that region is resampled to the
scan's texel size and compared on the same band by statistics that do not
depend on the unknown height unit: spectrum slope over 0.3-1.5 mm, height
skewness, furrow spacing (RSm, the cell size a profilometer reads), and the
orientation distribution (its L1 distance to the scan region's, against the
scan's own region-to-region distances).

The scan went through 8-bit steps and JPEG (quality ~90, read from its
quantisation table), which add their own pixel-level texture. So each pattern
is also shown *degraded the same way*: added at the scan's fine-band amplitude
to the scan region's own low-pass, quantised to 8 bits, JPEG-encoded at that
quality and decoded. Pattern and scan should agree after the same damage; what
still differs is the pattern's fault.

The synthesis rows run Nexture on the scan's low-pass (its forms) around the
region (a window of at least 384 px, as a whole map would give the pyramid
room) with the matching pattern at the scan's texel size (its 0.8-1.0 mm cells
span 9-11 texels, so the engine oversamples: it draws them at twice the
resolution and shrinks the result), with the final preset (what a delivered
map gets) and two seeds, and judge the synthesized detail
the same way (degraded like the scan), plus the evaluate measures: crease
connectivity ratio to the pattern's, patch realism, copy check. Crease
connectivity is also read on the damaged fine bands of scan, pattern and
synthesis alike (the region's cell size for all three): the only way the
scan's own furrow network can be measured.

A statistic of one 180-300 px crop is one sample: from seed to seed the
connectivity ratio moves by up to 0.2 and the skewness by 0.05. The
synthesis row is the seeds' mean; each seed's connectivity and skewness are
printed under the table.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nexture_core import Settings, units  # noqa: E402
from nexture_core.api import synthesize  # noqa: E402
from nexture_core.io import read_map  # noqa: E402
from nexture_core.metrics import evaluate  # noqa: E402
from nexture_core.metrics.bands import detail_band, lowpass, resize_to  # noqa: E402
from nexture_core.metrics.structure import crease_connectivity  # noqa: E402
from nexture_core.metrics.surface import orientation_distance, surface_stats  # noqa: E402
from nexture_core.patterns import load_bank  # noqa: E402
from nexture_core.relief import contact_sheet, save_png, shaded_relief  # noqa: E402

SCAN = ROOT.parent / "shared" / "data" / "skin" / "head_displacement_4096.jpg"
SCAN_TEXEL_MM = 0.09
SCAN_JPEG_QUALITY = 90  # luminance DC quantiser 3 = IJG table x 0.19
FINE_BAND_SIGMA_MM = 0.5  # the scan's fine band: what a Gaussian of 0.5 mm removes
SLOPE_BAND_MM = (0.3, 1.5)
SYNTHESIS_MIN_SIDE = 384
# (y, x, size) boxes in the 4096 px map, on skin free of brows, lashes and nostrils.
REGIONS = {
    "forehead": (700, 1680, 300),
    "cheek": (1380, 1500, 300),
    "nose": (1220, 1970, 180),
    "chin": (2130, 1960, 260),
}


def synthesis_window(y: int, x: int, side: int, shape) -> tuple:
    """((y, x, side) of the map Nexture runs on, (y, x) of the region inside it).

    An artist runs the whole head, not a 180 px crop: a window of at least
    :data:`SYNTHESIS_MIN_SIDE` px around the region gives the synthesis the
    pyramid a whole map would have (a crop under 192 px gets a single level).
    """
    wside = max(side, SYNTHESIS_MIN_SIDE)
    wy = min(max(0, y - (wside - side) // 2), shape[0] - wside)
    wx = min(max(0, x - (wside - side) // 2), shape[1] - wside)
    return (wy, wx, wside), (y - wy, x - wx)


def fine_band(x: np.ndarray) -> np.ndarray:
    return detail_band(x, FINE_BAND_SIGMA_MM / SCAN_TEXEL_MM)


def pattern_at_scan_texel(pattern, side: int) -> np.ndarray:
    """The pattern's height in micrometres, repeated and resampled to the scan's texel, ``side`` px."""
    disp = np.asarray(pattern.load_map("displacement"), np.float64) * units.pattern_height_um(pattern)
    covered_mm = side * SCAN_TEXEL_MM
    reps = int(np.ceil(covered_mm / pattern.width_mm)) + 1
    tiled = np.tile(disp, (reps, reps)).astype(np.float32)
    px = int(round(tiled.shape[0] * pattern.mm_per_px / SCAN_TEXEL_MM))
    small = resize_to(tiled, (px, px), wrap=True)
    return small[:side, :side]


def jpeg_roundtrip(values: np.ndarray) -> np.ndarray:
    """``values`` in [0, 1] through 8 bits and JPEG at the scan's quality, decoded."""
    import OpenImageIO as oiio

    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "degraded.jpg")
        spec = oiio.ImageSpec(values.shape[1], values.shape[0], 1, oiio.UINT8)
        spec.attribute("Compression", f"jpeg:{SCAN_JPEG_QUALITY}")
        out = oiio.ImageOutput.create(path)
        out.open(path, spec)
        out.write_image(np.clip(values, 0, 1).astype(np.float32)[..., None])
        out.close()
        inp = oiio.ImageInput.open(path)
        back = inp.read_image(format=oiio.FLOAT)[..., 0].copy()
        inp.close()
    return back


def degrade_like_scan(base: np.ndarray, detail_um: np.ndarray, scan_rq: float) -> tuple:
    """(degraded map, gain in scan units per um) with the degraded fine band's RMS equal to the scan's."""
    noise_rq = float(fine_band(jpeg_roundtrip(base)).std())
    band = fine_band(detail_um)
    signal = np.sqrt(max(scan_rq**2 - noise_rq**2, (0.25 * scan_rq) ** 2))
    gain = signal / max(float(band.std()), 1e-12)
    return jpeg_roundtrip(base + detail_um * gain), gain


def scan_spread(bands: dict) -> dict:
    """(low, high) per statistic over the scan's regions, each widened by its own standard error.

    A statistic of one crop is a measurement with sampling noise: its standard
    error comes from the crop's four quadrants (sd / 2), so "within the scan's
    region-to-region spread" does not hinge on the luck of one crop's borders.
    """
    spread = {}
    for key in ("spectrum_slope", "skewness", "spacing_mm"):
        lows, highs = [], []
        for band in bands.values():
            value = stats_row("", band)[key]
            h, w = band.shape
            quads = [band[i : i + h // 2, j : j + w // 2] for i in (0, h // 2) for j in (0, w // 2)]
            error = float(np.std([stats_row("", q)[key] for q in quads])) / 2.0
            lows.append(value - error)
            highs.append(value + error)
        spread[key] = (min(lows), max(highs))
    return spread


def stats_row(name: str, band: np.ndarray) -> dict:
    s = surface_stats(band, SCAN_TEXEL_MM, SLOPE_BAND_MM).as_dict()
    s["name"] = name
    return s


def synthesis_row(scan, region: str, pattern, height_mm: float, scan_band, cell_px: float, seed: int, args) -> tuple:
    """(statistics row, degraded map) of one synthesis of ``region`` on the scan's forms."""
    y, x, side = REGIONS[region]
    started = time.monotonic()
    settings = Settings(
        texel_mm=SCAN_TEXEL_MM, height_mm=height_mm, preset=args.preset, backbone=args.backbone, seed=seed
    )
    (wy, wx, wside), (oy, ox) = synthesis_window(y, x, side, scan.shape)
    window = lowpass(scan[wy : wy + wside, wx : wx + wside].astype(np.float32), FINE_BAND_SIGMA_MM / SCAN_TEXEL_MM)
    result = synthesize(window, [pattern], settings)
    out = result.outputs[pattern.id]["displacement"][oy : oy + side, ox : ox + side]
    forms = window[oy : oy + side, ox : ox + side]
    synth_degraded = jpeg_roundtrip(out)
    row = stats_row(f"{region} synthesis, degraded like the scan", fine_band(synth_degraded))
    row["orientation_l1"] = orientation_distance(fine_band(synth_degraded), scan_band)
    row["damaged_connectivity"] = crease_connectivity(fine_band(synth_degraded), cell_px)
    stats = result.stats["patterns"][pattern.id]
    rep = evaluate(
        out,
        forms,
        np.asarray(pattern.load_map("displacement")),
        stats["multiplier"],
        stats["sigma"],
        strength_target_std=stats["target_std"],
        cell_px=pattern.feature_px * stats["multiplier"],
        pattern_wrap=True,
    )
    row.update(
        connectivity_ratio=rep.connectivity_ratio,
        patch_realism=rep.patch_realism,
        ncc_excess=rep.ncc_excess,
        seconds=time.monotonic() - started,
    )
    return row, synth_degraded


def mean_row(runs: list) -> dict:
    """The seeds' mean of every number (a statistic of one seed is one sample of the synthesis);
    the direction as a circular mean of axes (0-180 degrees)."""
    row = dict(runs[0])
    for key, value in runs[0].items():
        if isinstance(value, (int, float)) and all(isinstance(r.get(key), (int, float)) for r in runs):
            row[key] = float(np.mean([r[key] for r in runs]))
    if "direction_deg" in row:
        axes = np.deg2rad([2.0 * r["direction_deg"] for r in runs])
        row["direction_deg"] = float(np.rad2deg(np.arctan2(np.sin(axes).mean(), np.cos(axes).mean())) / 2.0) % 180.0
    if len(runs) > 1:
        row["name"] = f"{row['name']} (mean of {len(runs)} seeds)"
    return row


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-synthesis", action="store_true", help="pattern rows only")
    parser.add_argument("--backbone", default="vgg19", choices=("vgg19", "random"))
    parser.add_argument("--preset", default="final", help="final: what a delivered map gets (draft: half the time)")
    parser.add_argument(
        "--seeds", type=int, nargs="+", default=[1, 2], help="synthesis seeds; the table shows their mean"
    )
    parser.add_argument("--sheet", default=str(ROOT / "docs" / "realism.png"))
    args = parser.parse_args(argv)
    if not SCAN.exists():
        print(f"{SCAN} is not here: nothing to compare with.")
        return 0
    scan, _ = read_map(SCAN)
    bank = load_bank()
    rows, bands, tiles, extra, per_seed = [], {}, [], [], []
    for region, (y, x, side) in REGIONS.items():
        crop = scan[y : y + side, x : x + side].astype(np.float32)
        scan_band = fine_band(crop)
        bands[region] = scan_band
        pattern = bank.get(region)
        cell_px = pattern.feature_mm / SCAN_TEXEL_MM
        rows.append(
            dict(
                stats_row("scan", scan_band),
                region=region,
                damaged_connectivity=crease_connectivity(scan_band, cell_px),
            )
        )
        pat_um = pattern_at_scan_texel(pattern, side)
        rows.append(dict(stats_row(f"{region} pattern", fine_band(pat_um)), region=region))
        base = lowpass(crop, FINE_BAND_SIGMA_MM / SCAN_TEXEL_MM)
        degraded, gain = degrade_like_scan(base, pat_um, float(scan_band.std()))
        rows.append(dict(stats_row(f"{region} pattern, degraded like the scan", fine_band(degraded)), region=region))
        rows[-1]["orientation_l1"] = orientation_distance(fine_band(degraded), scan_band)
        rows[-1]["damaged_connectivity"] = crease_connectivity(fine_band(degraded), cell_px)
        height_mm = 1.0 / (gain * 1000.0)
        extra.append(f"{region}: the scan's fine band has the pattern's depth if one scan unit is {height_mm:.1f} mm")
        k = 1.0 / max(float(np.percentile(np.hypot(*np.gradient(crop)), 95)), 1e-9)
        tiles += [
            (f"{region}: scan", shaded_relief(crop, exaggeration=k)),
            (f"{region}: pattern (degraded)", shaded_relief(degraded, exaggeration=k)),
        ]
        if not args.no_synthesis:
            runs = [
                synthesis_row(scan, region, pattern, height_mm, scan_band, cell_px, seed, args) for seed in args.seeds
            ]
            rows.append(dict(mean_row([r for r, _ in runs]), region=region))
            per_seed.append(
                f"{region}: connectivity ratio "
                + ", ".join(f"{r['connectivity_ratio']:.2f}" for r, _ in runs)
                + "; skewness "
                + ", ".join(f"{r['skewness']:.2f}" for r, _ in runs)
                + f" (seeds {', '.join(map(str, args.seeds))}; {sum(r['seconds'] for r, _ in runs) / len(runs):.0f} s a run)"
            )
            tiles.append((f"{region}: Nexture (degraded)", shaded_relief(runs[0][1], exaggeration=k)))
    pair_l1 = [orientation_distance(bands[a], bands[b]) for i, a in enumerate(bands) for b in list(bands)[i + 1 :]]
    spread = scan_spread(bands)
    print(
        f"Scan texel {SCAN_TEXEL_MM} mm; fine band: minus a Gaussian of {FINE_BAND_SIGMA_MM} mm; slope over {SLOPE_BAND_MM} mm."
    )
    print(
        f"Scan region-to-region spread (each region +- its standard error): slope {spread['spectrum_slope'][0]:.2f} to {spread['spectrum_slope'][1]:.2f}, "
        f"skewness {spread['skewness'][0]:.2f} to {spread['skewness'][1]:.2f}, RSm {spread['spacing_mm'][0]:.2f} to "
        f"{spread['spacing_mm'][1]:.2f} mm, orientation L1 between regions up to {max(pair_l1):.2f}."
    )
    print()
    print(
        "| region | source | spectrum slope | skewness | RSm mm | anisotropy | direction deg | orient. L1 to scan | within scan spread | crease conn. (damaged) | conn. ratio | patch real. | NCC excess |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        within = ""
        if r["name"] != "scan" and "degraded" in r["name"]:
            ok = [spread[k][0] <= r[k] <= spread[k][1] for k in ("spectrum_slope", "skewness")]
            ok.append(r.get("orientation_l1", 9) <= max(pair_l1))
            within = (
                "yes"
                if all(ok)
                else "no (" + ", ".join(n for n, o in zip(("slope", "skew", "orient."), ok) if not o) + ")"
            )

        def f(key, fmt="{:.2f}", r=r):
            v = r.get(key)
            return fmt.format(v) if isinstance(v, (int, float)) and v is not None else ""

        print(
            f"| {r['region']} | {r['name']} | {f('spectrum_slope')} | {f('skewness')} | {f('spacing_mm')} | {f('anisotropy')} | "
            f"{f('direction_deg', '{:.0f}')} | {f('orientation_l1')} | {within} | {f('damaged_connectivity')} | {f('connectivity_ratio')} | {f('patch_realism')} | {f('ncc_excess')} |"
        )
    print()
    for line in extra + per_seed:
        print(line)
    columns = 3 if not args.no_synthesis else 2
    save_png(args.sheet, contact_sheet(tiles, columns=columns))
    print(f"sheet: {args.sheet}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
