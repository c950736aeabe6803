"""Speed and memory of the synthesis against the machine's limit and a naive reference.

    .venv/bin/python benchmarks/speed.py                 # 1k, 2k, 4k on this machine
    .venv/bin/python benchmarks/speed.py --sizes 1024 --full-draft   # also a real 1k draft run
    .venv/bin/python benchmarks/speed.py --device cuda --sizes 1024 2048 4096 8192 16384 --full final --full-max 8192

For each size it times iterations of every pyramid level (a few each), projects
the total at the final preset, reports peak memory, and the achieved fraction of
the *limit*: the multiply-adds of one finest-level iteration divided by the
machine's dense matmul rate measured in the same run (half precision on a GPU,
float32 on a CPU). Side by side, the naive reference (single-scale, whole-image
Gatys with the same network and loss, written plainly below) is timed where it
still fits, and ``--converge`` measures the time both need to reach the same loss.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nexture_core import filters  # noqa: E402
from nexture_core.api import _region_for  # noqa: E402
from nexture_core.network import load_backbone  # noqa: E402
from nexture_core.patterns import DEFAULT_PATTERN, load_bank  # noqa: E402
from nexture_core.scales import structure_sigma_px  # noqa: E402
from nexture_core.settings import PRESET_ITERATIONS, Settings  # noqa: E402
from nexture_core.synthesis.engine import FINE_CUT, Synthesis, level_count, pick_device  # noqa: E402
from nexture_core.synthesis.loss import texture_loss  # noqa: E402
from nexture_core.synthesis.blocks import block_moments, plan_blocks  # noqa: E402
from nexture_core.synthesis.targets import Z_SPREAD, level_target, robust_range  # noqa: E402


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


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def example_map(size: int) -> np.ndarray:
    """The bundled example resized to ``size`` (or a smooth synthetic face when absent)."""
    path = Path(__file__).resolve().parents[1] / "examples" / "face_coarse_1k.tif"
    if path.exists():
        from nexture_core.io import read_map

        img, _ = read_map(path)
        t = torch.from_numpy(img)[None, None]
        return filters.resize(t, (size, size))[0, 0].numpy()
    yy, xx = np.mgrid[0:size, 0:size] / size
    return (0.5 + 0.3 * np.sin(3 * xx) * np.cos(2 * yy)).astype(np.float32)


class TimedSynthesis(Synthesis):
    """The real engine, recording the seconds of each iteration per level."""

    def _objective(self, *args, **kwargs):
        sync(self.device)
        t = time.perf_counter()
        value = super()._objective(*args, **kwargs)
        sync(self.device)
        self.times.setdefault(self._stage.split(":")[0], []).append(time.perf_counter() - t)
        return value


def time_levels(size: int, settings: Settings, pattern) -> dict:
    img = example_map(size // settings.upscale)
    region, mult = _region_for(pattern, robust_range(img), settings)
    sigma = structure_sigma_px(pattern.feature_px, mult)
    run = TimedSynthesis(img, [region], sigma, settings)
    run.times = {}
    run.run()
    stats = run.stats()
    levels = level_count(size, size, [region])
    per_level = []
    for k, (name, times) in enumerate(run.times.items()):
        steady = times[1:] if len(times) > 1 else times
        per_level.append((name, float(np.median(steady))))
    return {"levels": levels, "per_level": per_level, "peak": stats.peak_memory_bytes, "blocks": stats.blocks, "block": stats.block_size, "net": run.net}


def race_target(pattern, device: torch.device):
    """The network, the pattern's full-network moments and the structure sigma, at scale 1."""
    net = load_backbone("vgg19", None, device)
    disp = torch.from_numpy(np.array(pattern.load_map("displacement"), np.float32))[None, None].to(device)
    sigma = structure_sigma_px(pattern.feature_px, 1.0)
    return net, level_target(net, disp, 1.0, sigma, 1024, True, None), sigma


def yardstick(net, target, d: torch.Tensor) -> torch.Tensor:
    """Full-network texture loss of a detail band normalised by its own spread.

    The race's common measure: it ignores amplitude (set by the strength, not by
    the optimisation) and the structure, which both methods keep by construction.
    """
    z = 0.5 + d / (Z_SPREAD * d.std())
    padded = filters.pad_image(z, net.halo, False)
    sums, grams, weights = block_moments(net, padded, plan_blocks(*d.shape[-2:], 1 << 20, net.alignment)[0])
    return texture_loss(sums, grams, weights, [target.stats], [1.0])


def naive_reference(size: int, pattern, device: torch.device, iterations: int, target_loss: float | None = None, seconds_cap: float = 600.0, race=None):
    """Plain Gatys: one scale, the whole image at once, the same network and loss, Adam."""
    net, target, sigma = race or race_target(pattern, device)
    img = torch.from_numpy(example_map(size))[None, None].to(device)
    structure = filters.lowpass(img, sigma)
    std = 0.01
    x = (structure + torch.randn_like(img) * std).requires_grad_(True)
    opt = torch.optim.Adam([x], lr=0.03 * Z_SPREAD * std)
    times, texture_value = [], float("inf")
    start = time.perf_counter()
    for it in range(iterations):
        sync(device)
        t = time.perf_counter()
        opt.zero_grad()
        texture = yardstick(net, target, filters.detail(x, sigma))
        loss = texture + 10 * ((filters.lowpass(x, sigma) - structure) ** 2).mean() / std**2
        loss.backward()
        opt.step()
        sync(device)
        times.append(time.perf_counter() - t)
        texture_value = float(texture.detach())
        if target_loss is not None and texture_value <= target_loss:
            break
        if time.perf_counter() - start > seconds_cap:
            break
    return {"s_per_iter": float(np.median(times[1:] if len(times) > 1 else times)), "iterations": it + 1, "seconds": time.perf_counter() - start, "loss": texture_value}


def final_loss_of(output: np.ndarray, img: np.ndarray, race, device: torch.device) -> float:
    """The yardstick on the detail the engine synthesized (its output less its structure)."""
    net, target, sigma = race
    x = torch.from_numpy(output)[None, None].to(device)
    structure = filters.lowpass(torch.from_numpy(img)[None, None].to(device), sigma * FINE_CUT)
    with torch.no_grad():
        return float(yardstick(net, target, filters.detail(x - structure, sigma)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1024, 2048, 4096])
    ap.add_argument("--device", default="auto")
    ap.add_argument("--precision", default=None, help="default: bfloat16 on CUDA, float32 on CPU")
    ap.add_argument("--iterations", type=int, default=2, help="timed iterations per level")
    ap.add_argument("--pattern", default=DEFAULT_PATTERN)
    ap.add_argument("--weights", default=None)
    ap.add_argument("--max-memory", type=float, default=None)
    ap.add_argument("--full", default=None, metavar="PRESET", help="also run the complete synthesis at PRESET for each size up to --full-max")
    ap.add_argument("--full-max", type=int, default=4096)
    ap.add_argument("--full-draft", action="store_true", help="shorthand for --full draft --full-max 1024")
    ap.add_argument("--converge", type=int, default=0, metavar="SIZE", help="time both methods to the same loss at SIZE")
    ap.add_argument("--converge-cap", type=float, default=600.0, help="seconds the naive reference may run in the race (at least 6x ours)")
    ap.add_argument("--naive-max", type=int, default=2048, help="largest size the naive reference is tried at")
    ap.add_argument("--autotune", action="store_true", help="cuDNN autotuning (faster, not bit-reproducible)")
    args = ap.parse_args()
    if args.autotune:
        import nexture_core.synthesis.engine as engine

        engine.CUDNN_AUTOTUNE = True
    if args.full_draft:
        args.full, args.full_max = "draft", 1024

    device = pick_device(args.device)
    precision = args.precision or ("bfloat16" if device.type == "cuda" else "float32")
    pattern = load_bank().get(args.pattern)
    rate = matmul_rate(device)
    what = torch.cuda.get_device_name(device) if device.type == "cuda" else f"{platform.processor() or platform.machine()} x{torch.get_num_threads()} threads"
    print(f"# Nexture speed benchmark: {what}, torch {torch.__version__}, {precision}, cuDNN autotune {'on' if args.autotune else 'off (reproducible)'}")
    print(f"# dense matmul rate: {rate / 1e12:.3f} TMAC/s ({'fp16' if device.type == 'cuda' else 'fp32'})")
    print(HEADER)
    rows = []
    final = PRESET_ITERATIONS["final"]
    for size in args.sizes:
        settings = Settings(device=str(device), precision=precision, iterations=args.iterations, weights=args.weights, max_memory_gb=args.max_memory)
        t = time_levels(size, settings, pattern)
        net = t["net"]
        fine = net.truncated(3) if t["levels"] >= 2 else net
        macs = 3.0 * fine.macs_per_pixel() * (size + 2 * fine.halo) ** 2  # forward + backward ~ 3 forwards
        s_iter = t["per_level"][-1][1]
        schedule = [final[min(i, len(final) - 1)] for i in range(t["levels"])]
        total = sum(s * n for (_, s), n in zip(t["per_level"], schedule))
        row = {
            "size": size,
            "levels": t["levels"],
            "blocks": t["blocks"],
            "s_per_iter": s_iter,
            "final_total_s": total,
            "peak_gib": t["peak"] / 1024**3,
            "limit_s": macs / rate,
            "fraction": (macs / rate) / s_iter,
        }
        if size <= args.naive_max:
            try:
                naive = naive_reference(size, pattern, device, iterations=3)
                row["naive_s_per_iter"] = naive["s_per_iter"]
            except Exception as exc:  # the reference running out of memory is the point
                row["naive_s_per_iter"] = f"fails ({exc.__class__.__name__})"
        rows.append(row)
        print_row(row)
    if args.full:
        print(f"\n# complete runs at the {args.full} preset (input resized from the bundled example)")
        print("| size | seconds | peak GiB | blocks | block px |\n|---|---|---|---|---|")
        for size in [s for s in args.sizes if s <= args.full_max]:
            print(full_run(size, args.full, pattern, device, precision, args), flush=True)
    if args.converge:
        converge(args.converge, pattern, device, precision, args.converge_cap)
    return 0


def full_run(size: int, preset: str, pattern, device: torch.device, precision: str, args) -> str:
    """The whole synthesis as a user runs it, end to end (targets, pyramid, projections)."""
    from nexture_core.api import synthesize

    img = example_map(size)
    settings = Settings(device=str(device), precision=precision, preset=preset, weights=args.weights, max_memory_gb=args.max_memory)
    sync(device)
    started = time.perf_counter()
    stats = synthesize(img, [pattern], settings).stats
    seconds = time.perf_counter() - started
    return f"| {size} | {seconds:.1f} | {stats['peak_memory_bytes'] / 1024**3:.2f} | {stats['blocks']} | {stats['block_size']} |"


def converge(size: int, pattern, device: torch.device, precision: str, cap: float = 600.0) -> None:
    """Time to the same full-resolution loss: the pyramid at the draft preset vs naive Gatys."""
    from nexture_core.api import synthesize

    img = example_map(size)
    started = time.perf_counter()
    out = synthesize(img, [pattern], Settings(device=str(device), precision=precision, preset="draft")).outputs[pattern.id]["displacement"]
    ours = time.perf_counter() - started
    race = race_target(pattern, device)
    loss = final_loss_of(out, img, race, device)
    naive = naive_reference(size, pattern, device, iterations=100000, target_loss=loss, seconds_cap=max(cap, 6 * ours), race=race)
    reached = naive["loss"] <= loss
    print(f"# same-loss race at {size}px: ours {ours:.0f} s to loss {loss:.4f}; naive {'reached it' if reached else 'did NOT reach it'} "
          f"after {naive['seconds']:.0f} s ({naive['iterations']} iterations, loss {naive['loss']:.4f}); "
          f"speed-up {'' if reached else '>'}{naive['seconds'] / ours:.1f}x")


def print_row(row: dict) -> None:
    naive = row.get("naive_s_per_iter", "-")
    naive_txt = f"{naive:.2f}" if isinstance(naive, float) else naive
    ratio = f"{naive / row['s_per_iter']:.2f}x" if isinstance(naive, float) else "-"
    print(
        f"| {row['size']:>5} | {row['levels']} | {row['blocks']:>3} | {row['s_per_iter']:8.2f} | {row['final_total_s'] / 60:8.1f} | "
        f"{row['peak_gib']:6.2f} | {row['limit_s']:8.3f} | {row['fraction'] * 100:5.1f}% | {naive_txt:>10} | {ratio:>6} |"
    )


HEADER = (
    "| size  | levels | blocks | s/iter (finest) | final preset, min (projected) | peak GiB | limit s/iter | of limit | naive s/iter | naive/ours |\n"
    "|---|---|---|---|---|---|---|---|---|---|"
)

if __name__ == "__main__":
    sys.exit(main())
