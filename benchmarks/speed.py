"""Speed of the synthesis, measured side by side in one run: before and now, ours and the naive reference.

    .venv/bin/python benchmarks/speed.py                       # the CPU table of README.md (about 30 min on 2 cores)
    .venv/bin/python benchmarks/speed.py --skip-before --skip-race   # today's figures only (a few minutes)
    .venv/bin/python benchmarks/speed.py --device cuda --sizes 1024 4096 16384 --full final   # the GPU rows

Sections (each prints a Markdown table):

* **main job**: the README's main job (the bundled eye corner, 1024 px at
  0.02 mm per texel, the built-in default pattern, draft preset) end to end,
  in the *before* configuration (this code with the engine set as it was when
  the speed issue was measured: float32, the full network on every coarse
  level, draft 150/80/40/20, and the compute paths rewritten since the last
  table put back: moments of float32 crops, mkldnn's one-channel conv1_1) and
  as it is *now*, with the golden quality
  measures of both outputs, so a speed-up that costs the look shows here.
* **final preset at 1k**: seconds per iteration of each level, timed on a few
  iterations, times the final preset's schedule (projected minutes), before
  and now.
* **preview**: the panel's live preview of a 512 x 512 region (same method,
  the preview preset), cold (the pattern analysed) and warm (analysis cached,
  as when the artist moves a slider), with its measures.
* **same-loss race** (``--race SIZE``): ours at the draft preset against
  plain single-scale Gatys (the same network and loss, written plainly below)
  run until it reaches our loss on one yardstick.
* **sizes** (``--sizes``): per-level iteration times, peak memory and the
  fraction of the machine's limit (its dense matmul rate measured in the same
  run) for large maps; the GPU rows of README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import platform
import resource
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nexture_core import filters  # noqa: E402
from nexture_core import settings as settings_module
from nexture_core.api import _region_for, synthesize  # noqa: E402
from nexture_core.example import EXAMPLE_HEIGHT_MM, EXAMPLE_PATH, EXAMPLE_TEXEL_MM  # noqa: E402
from nexture_core.io import read_map  # noqa: E402
from nexture_core.metrics import evaluate  # noqa: E402
from nexture_core.network import layers, load_backbone  # noqa: E402
from nexture_core.patterns import DEFAULT_PATTERN, load_bank  # noqa: E402
from nexture_core.settings import Settings  # noqa: E402
from nexture_core.synthesis import blocks, engine  # noqa: E402
from nexture_core.synthesis.blocks import block_moments, plan_blocks  # noqa: E402
from nexture_core.synthesis.engine import FINE_CUT, Synthesis, level_count, pick_device  # noqa: E402
from nexture_core.synthesis.loss import texture_loss  # noqa: E402
from nexture_core.synthesis.targets import Z_SPREAD, TargetCache, level_target  # noqa: E402
from nexture_core.units import structure_sigma_px  # noqa: E402

# The engine as the speed issue measured it (6 min 32 s for the old main job).
BEFORE = {
    "precision": "float32",
    "COARSE_LEVEL_TAPS": 4,
    "MIDDLE_LEVEL_TAPS": 4,
    "FINE_LEVEL_TAPS": 3,
    "draft": (150, 80, 40, 20),
    "final": (300, 160, 90, 50),
    "preview": (60, 30, 12),
}
MEASURES = (
    "structure_psnr_db",
    "spectrum_distance_db",
    "detail_std_ratio",
    "orientation_l1",
    "ncc_excess",
    "connectivity_ratio",
    "patch_realism",
    "pore_density_ratio",
)


def _cropped_moments(feature: torch.Tensor, own) -> tuple:
    """The filed engine's moments: the own positions copied out, cast to float32, then summed and multiplied."""
    f = blocks._own_values(feature, own).float()
    return f.sum(1), f @ f.T


def _cropped_gradient(feature: torch.Tensor, own, gs, gg) -> torch.Tensor:
    """The filed engine's feature gradient: float32 at the own positions, copied into a zeroed full-size map."""
    f = blocks._own_values(feature, own).float()
    return blocks.own_to_full((gg + gg.T) @ f + gs[:, None], feature, own)


# The exact rewrites made after the last README table, put back for the before row
# (earlier exact rewrites, e.g. the grey input folded into conv1_1, stay shared).
BEFORE_PATHS = (
    (blocks, "own_moments", _cropped_moments),
    (blocks, "own_gradient", _cropped_gradient),
    (layers, "grey_conv", lambda x, weight, bias: torch.nn.functional.conv2d(x, weight, bias)),
)


@contextlib.contextmanager
def configured(before: bool):
    """The engine now, or as it was before (its constants, preset schedules and compute paths put back)."""
    saved = {k: getattr(engine, k) for k in ("COARSE_LEVEL_TAPS", "MIDDLE_LEVEL_TAPS", "FINE_LEVEL_TAPS")}
    schedules = dict(settings_module.PRESET_ITERATIONS)
    paths = [(module, name, getattr(module, name)) for module, name, _ in BEFORE_PATHS]
    try:
        if before:
            for k in saved:
                setattr(engine, k, BEFORE[k])
            for module, name, old_path in BEFORE_PATHS:
                setattr(module, name, old_path)
            for preset in ("draft", "final", "preview"):
                settings_module.PRESET_ITERATIONS[preset] = BEFORE[preset]
        TargetCache.clear_shared()
        yield {"precision": BEFORE["precision"]} if before else {}
    finally:
        for k, v in saved.items():
            setattr(engine, k, v)
        settings_module.PRESET_ITERATIONS.update(schedules)
        for module, name, path in paths:
            setattr(module, name, path)
        TargetCache.clear_shared()


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def example(size: int = 0) -> np.ndarray:
    """The bundled eye corner, or a centred ``size`` px crop of it."""
    image, _ = read_map(EXAMPLE_PATH)
    if size and size < image.shape[0]:
        y0, x0 = (image.shape[0] - size) // 2, (image.shape[1] - size) // 2
        image = np.ascontiguousarray(image[y0 : y0 + size, x0 : x0 + size])
    return image


def measures(image: np.ndarray, result, pattern) -> dict:
    """The golden test's measures of one output (tests/quality/test_golden.py)."""
    figures = result.stats["patterns"][pattern.id]
    out = result.outputs[pattern.id]["displacement"]
    disp = np.asarray(pattern.load_map("displacement"), np.float32)
    report = evaluate(
        out,
        image,
        disp,
        figures["multiplier"],
        figures["sigma"],
        strength_target_std=figures["target_std"],
        cell_px=pattern.feature_px * figures["multiplier"],
    )
    return {k: getattr(report, k) for k in MEASURES}


def timed_synthesis(image, pattern, settings: Settings):
    sync(pick_device(settings.device))
    started, cpu = time.perf_counter(), time.process_time()
    result = synthesize(image, [pattern], settings)
    sync(pick_device(settings.device))
    return result, time.perf_counter() - started, time.process_time() - cpu


def main_job(pattern, device: str, skip_before: bool) -> None:
    """The README's main job end to end, before and now, with its measures."""
    image = example()
    print(
        f"\n## main job: eye corner {image.shape[1]} px, {EXAMPLE_TEXEL_MM} mm/texel, pattern {pattern.id}, draft preset"
    )
    print("| engine | seconds | cpu-s | peak GiB | levels | iterations | " + " | ".join(MEASURES) + " |")
    print("|---|---|---|---|---|---|" + "---|" * len(MEASURES))
    rows = {}
    for label in ["before", "now"] if not skip_before else ["now"]:
        with configured(label == "before") as overrides:
            settings = Settings(
                texel_mm=EXAMPLE_TEXEL_MM,
                height_mm=EXAMPLE_HEIGHT_MM,
                preset="draft",
                seed=3,
                device=device,
                **overrides,
            )
            result, seconds, cpu = timed_synthesis(image, pattern, settings)
        m = measures(image, result, pattern)
        rows[label] = seconds
        s = result.stats
        print(
            f"| {label} | {seconds:.1f} | {cpu:.0f} | {s['peak_memory_bytes'] / 1024**3:.2f} | {s['levels']} | {s['iterations']} | "
            + " | ".join(_fmt(m[k]) for k in MEASURES)
            + " |",
            flush=True,
        )
    if "before" in rows:
        print(f"# main job speed-up: {rows['before'] / rows['now']:.2f}x")


class TimedSynthesis(Synthesis):
    """The real engine, recording the seconds of each iteration per level."""

    def _objective(self, *args, **kwargs):
        sync(self.device)
        t = time.perf_counter()
        value = super()._objective(*args, **kwargs)
        sync(self.device)
        self.times.setdefault(self._stage.split(":")[0], []).append(time.perf_counter() - t)
        return value


def time_levels(image: np.ndarray, settings: Settings, pattern) -> dict:
    """Median seconds per iteration of each level (``settings.iterations`` each)."""
    region, mult = _region_for(pattern, image.shape[1], settings)
    sigma = structure_sigma_px(pattern.feature_px, mult)
    run = TimedSynthesis(image, [region], sigma, settings)
    run.times = {}
    run.run()
    stats = run.stats()
    per_level = [(name, float(np.median(t[1:] if len(t) > 1 else t))) for name, t in run.times.items()]
    return {
        "levels": level_count(*image.shape, [region]),
        "per_level": per_level,
        "peak": stats.peak_memory_bytes,
        "blocks": stats.blocks,
        "block": stats.block_size,
        "net": run.net,
    }


def final_projection(pattern, device: str, skip_before: bool) -> None:
    """Minutes of the final preset at 1k, projected from timed iterations of each level."""
    image = example()
    print("\n## final preset at 1k (projected from 3 timed iterations per level)")
    print("| engine | s/iter per level (coarse to fine) | schedule | projected minutes |\n|---|---|---|---|")
    totals = {}
    for label in ["before", "now"] if not skip_before else ["now"]:
        with configured(label == "before") as overrides:
            settings = Settings(
                texel_mm=EXAMPLE_TEXEL_MM, height_mm=EXAMPLE_HEIGHT_MM, iterations=3, seed=3, device=device, **overrides
            )
            t = time_levels(image, settings, pattern)
            schedule = Settings(preset="final").level_iterations(t["levels"])
        total = sum(s * n for (_, s), n in zip(t["per_level"], schedule))
        totals[label] = total
        per = ", ".join(f"{s:.2f}" for _, s in t["per_level"])
        print(f"| {label} | {per} | {'/'.join(map(str, schedule))} | {total / 60:.1f} |", flush=True)
    if "before" in totals:
        print(f"# final preset speed-up (iterations only): {totals['before'] / totals['now']:.2f}x")


def preview(pattern, device: str) -> None:
    """The panel's preview of a 512 px region: the preview preset, cold then warm."""
    from nexture_core.ui.tasks import preview_settings

    image = example(512)
    print(
        "\n## preview of a 512 x 512 region (preview preset; warm = the pattern's analysis cached, as when a slider moves)"
    )
    print("| run | seconds | " + " | ".join(MEASURES) + " |\n|---|---|" + "---|" * len(MEASURES))
    TargetCache.clear_shared()
    base = Settings(texel_mm=EXAMPLE_TEXEL_MM, height_mm=EXAMPLE_HEIGHT_MM, seed=3, device=device)
    for label in ("cold", "warm"):
        result, seconds, _ = timed_synthesis(image, pattern, preview_settings(base))
        m = measures(image, result, pattern)
        print(f"| {label} | {seconds:.1f} | " + " | ".join(_fmt(m[k]) for k in MEASURES) + " |", flush=True)


def _fmt(v) -> str:
    return "-" if v is None else f"{v:.3f}"


# -- the naive reference and the race --------------------------------------------------


def race_target(pattern, device: torch.device, multiplier: float):
    """The network, the pattern's full-network moments at the run's pixel scale, and the structure sigma."""
    net = load_backbone("vgg19", None, device)
    disp = torch.from_numpy(np.array(pattern.load_map("displacement"), np.float32))[None, None].to(device)
    sigma = structure_sigma_px(pattern.feature_px, multiplier)
    return net, level_target(net, disp, multiplier, sigma, 1024, True, None), sigma


def yardstick(net, target, d: torch.Tensor) -> torch.Tensor:
    """Full-network texture loss of a detail band normalised by its own spread.

    The race's common measure: it ignores amplitude (set by the strength, not by
    the optimisation) and the structure, which both methods keep by construction.
    It does not see what the pyramid is for (the crease network's layout at
    scales beyond relu4_1's field, the connectivity measure of the main job
    table), so it flatters the naive method.
    """
    z = 0.5 + d / (Z_SPREAD * d.std())
    padded = filters.pad_image(z, net.halo, False)
    sums, grams, weights = block_moments(net, padded, plan_blocks(*d.shape[-2:], 1 << 20, net.alignment)[0])
    return texture_loss(sums, grams, weights, [target.stats], [1.0])


def naive_reference(image: np.ndarray, race, device: torch.device, target_loss: float, seconds_cap: float) -> dict:
    """Plain Gatys: one scale, the whole image at once, the same network and loss, Adam, float32."""
    net, target, sigma = race
    img = torch.from_numpy(image)[None, None].to(device)
    structure = filters.lowpass(img, sigma)
    std = 0.01
    x = (structure + torch.randn_like(img) * std).requires_grad_(True)
    opt = torch.optim.Adam([x], lr=0.03 * Z_SPREAD * std)
    iterations, texture_value = 0, float("inf")
    start = time.perf_counter()
    while time.perf_counter() - start < seconds_cap:
        opt.zero_grad()
        texture = yardstick(net, target, filters.detail(x, sigma))
        loss = texture + 10 * ((filters.lowpass(x, sigma) - structure) ** 2).mean() / std**2
        loss.backward()
        opt.step()
        iterations += 1
        texture_value = float(texture.detach())
        if texture_value <= target_loss:
            break
    sync(device)
    return {"iterations": iterations, "seconds": time.perf_counter() - start, "loss": texture_value}


def race(size: int, pattern, device_name: str, cap: float) -> None:
    """Time to the same full-resolution loss: the pyramid at the draft preset vs naive Gatys."""
    device = pick_device(device_name)
    image = example(size)
    settings = Settings(
        texel_mm=EXAMPLE_TEXEL_MM, height_mm=EXAMPLE_HEIGHT_MM, preset="draft", seed=3, device=device_name
    )
    result, ours, _ = timed_synthesis(image, pattern, settings)
    out = result.outputs[pattern.id]["displacement"]
    rc = race_target(pattern, device, result.stats["patterns"][pattern.id]["multiplier"])
    x = torch.from_numpy(out)[None, None].to(device)
    structure = filters.lowpass(torch.from_numpy(image)[None, None].to(device), rc[2] * FINE_CUT)
    with torch.no_grad():
        loss = float(yardstick(rc[0], rc[1], filters.detail(x - structure, rc[2])))
    naive = naive_reference(image, rc, device, loss, max(cap, 6 * ours))
    reached = naive["loss"] <= loss
    print(
        f"\n## same-loss race at {size} px\nours {ours:.0f} s to loss {loss:.4f}; naive {'reached it' if reached else 'did NOT reach it'} "
        f"after {naive['seconds']:.0f} s ({naive['iterations']} iterations, loss {naive['loss']:.4f}); "
        f"speed-up {'' if reached else '>'}{naive['seconds'] / ours:.1f}x",
        flush=True,
    )


# -- large maps (the GPU rows) ----------------------------------------------------------


def matmul_rate(device: torch.device) -> float:
    """Dense multiply-adds per second: half precision on CUDA, float32 elsewhere."""
    n = 8192 if device.type == "cuda" else 2048
    dtype = torch.float16 if device.type == "cuda" else torch.float32
    a = torch.randn(n, n, device=device, dtype=dtype)
    b = torch.randn(n, n, device=device, dtype=dtype)
    for _ in range(2):
        a @ b
    sync(device)
    reps = 20 if device.type == "cuda" else 3
    t = time.perf_counter()
    for _ in range(reps):
        a @ b
    sync(device)
    return reps * n**3 / (time.perf_counter() - t)


def sizes_table(sizes, pattern, device_name: str, full: str | None) -> None:
    device = pick_device(device_name)
    rate = matmul_rate(device)
    print(f"\n## large maps (dense matmul rate {rate / 1e12:.3f} TMAC/s)")
    print(
        "| size | levels | blocks | s/iter (finest) | final preset, min (projected) | peak GiB | limit s/iter | of limit | complete run s |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for size in sizes:
        image = filters.resize(torch.from_numpy(example())[None, None], (size, size))[0, 0].numpy()
        texel = EXAMPLE_TEXEL_MM * 1024 / size
        settings = Settings(texel_mm=texel, height_mm=EXAMPLE_HEIGHT_MM, iterations=3, seed=3, device=device_name)
        t = time_levels(image, settings, pattern)
        fine = t["net"].truncated(engine.FINE_LEVEL_TAPS) if t["levels"] >= 2 else t["net"]
        macs = 3.0 * fine.macs_per_pixel() * (size + 2 * fine.halo) ** 2  # gather + scatter forward, backward
        s_iter = t["per_level"][-1][1]
        schedule = Settings(preset="final").level_iterations(t["levels"])
        total = sum(s * n for (_, s), n in zip(t["per_level"], schedule))
        complete = "-"
        if full:
            result, seconds, _ = timed_synthesis(image, pattern, settings.replace(iterations=None, preset=full))
            complete = f"{seconds:.1f}"
        print(
            f"| {size} | {t['levels']} | {t['blocks']} | {s_iter:.2f} | {total / 60:.1f} | {t['peak'] / 1024**3:.2f} | "
            f"{macs / rate:.3f} | {100 * macs / rate / s_iter:.1f}% | {complete} |",
            flush=True,
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--pattern", default=DEFAULT_PATTERN)
    ap.add_argument("--skip-before", action="store_true", help="only today's engine (no before rows)")
    ap.add_argument("--skip-race", action="store_true")
    ap.add_argument("--race", type=int, default=1024, metavar="SIZE", help="size of the same-loss race")
    ap.add_argument(
        "--race-cap", type=float, default=600.0, help="seconds the naive reference may run (at least 6x ours)"
    )
    ap.add_argument("--sizes", type=int, nargs="*", default=[], help="large-map rows (per-level timing, memory, limit)")
    ap.add_argument("--full", default=None, metavar="PRESET", help="with --sizes: also a complete run at PRESET")
    ap.add_argument("--only-sizes", action="store_true", help="skip the main job, final and preview sections")
    args = ap.parse_args()
    device = pick_device(args.device)
    pattern = load_bank().get(args.pattern)
    what = (
        torch.cuda.get_device_name(device)
        if device.type == "cuda"
        else f"{platform.processor() or platform.machine()}, {torch.get_num_threads()} threads"
    )
    precision = engine.autocast_dtype(Settings(), device)
    print(f"# Nexture speed benchmark: {what}, torch {torch.__version__}, network {precision or 'float32'} (auto)")
    if not args.only_sizes:
        main_job(pattern, args.device, args.skip_before)
        final_projection(pattern, args.device, args.skip_before)
        preview(pattern, args.device)
        if not args.skip_race:
            race(args.race, pattern, args.device, args.race_cap)
    if args.sizes:
        sizes_table(args.sizes, pattern, args.device, args.full)
    print(
        f"# peak resident memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2:.2f} GiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
