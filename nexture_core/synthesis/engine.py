"""Structure-preserving texture synthesis on a pyramid, block by block.

The output is ``structure + detail``:
- ``structure`` is the input (upsampled when asked) without its content finer
  than a pore: the artist's broad forms and sculpted wrinkles, untouched;
- ``detail`` is built from scratch, starting from noise, by optimisation: the
  deep-feature moments of its detail band, normalised to the target amplitude,
  must equal the pattern's at the same pixel scale (one region per pattern,
  weighted by the masks when there are several), and its Gaussian low-pass must
  vanish so the output's low-pass stays the input's.
Coarsest pyramid level first; each finer level starts from the one below,
upsampled. A histogram match of the detail band and the removal of any
low-frequency drift end each level. The network only ever sees the detail, so
large forms cannot dominate its statistics, and no pattern pixel is copied.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from .. import filters
from ..errors import SettingsError
from ..network import load_backbone
from ..network.layers import ValidFeatureNet
from ..progress import ProgressFn, check_cancel
from ..settings import Settings
from .blocks import Block, _own_range, block_moments, gather, plan_blocks, scatter
from .loss import TargetStats, moment_loss, texture_loss
from .memory import DEFAULT_BUDGET_GIB, PeakMemory, is_out_of_memory, plan_block_size
from .targets import Z_SPREAD, LevelTarget, TargetCache, level_target, match_histogram, match_spectrum, pattern_digest

STRUCTURE_WEIGHT = 0.05
LEARNING_RATE = 0.03  # Adam step in z units (detail / (Z_SPREAD * target std))
# Where crease cells span few texels at the finest level (under
# FINE_STEP_BELOW_CELL_PX: an oversampled run, or an --upscale of a coarse
# map), every level above the coarsest takes twice the common step. The
# coarsest lays out the crease network; each finer level must join that
# layout's furrows, two texels wide, and with the common step it settles with
# them in pieces (real head, final preset: nose 0.58 -> 0.82 of the pattern's
# connectivity, all four regions in range; README, realism). At 28-texel
# cells it still helps (0.60 -> 0.67), at 37.5 no longer (0.75 -> 0.76), at
# 45 it hurts; on the coarsest level it starts to copy the pattern.
FINE_LEARNING_RATE = 0.06
FINE_STEP_BELOW_CELL_PX = 32.0
MIN_LEVEL_SIDE = 96
MIN_PATTERN_SIDE = 128  # a pattern that does not tile must keep this many px at the coarsest level
MIN_CELL_PX = 4.0  # a coarser level lays out the crease network while a cell still spans a few texels
MAX_LEVELS = 4
FRESH_NOISE = 0.1  # new noise at each finer level: seeds detail the coarser level could not hold
CUDNN_AUTOTUNE = False  # True: faster on some GPUs, but runs are no longer bit-reproducible
FINE_CUT = 0.125  # input content finer than this share of the structure sigma is replaced
# Network depth per pyramid level (tapped layers of relu1_1, relu2_1, relu3_1,
# relu4_1). The coarsest level lays out the crease network and needs relu4_1's
# field (68 px: several cells); finer levels refine that layout and take
# relu3_1 (24 px: a cell and its neighbours' edges) at under half the cost per
# pixel. Measured on the example (benchmarks/speed.py): the golden measures hold.
COARSE_LEVEL_TAPS = 4
MIDDLE_LEVEL_TAPS = 3
FINE_LEVEL_TAPS = 3
PREVIEW_SECONDS = 1.0
# A pattern is analysed without gradients, so in blocks this large whatever the level's own blocks.
ANALYSIS_BLOCK = 1024
PREVIEW_SIDE = 384


@dataclass
class Region:
    """One pattern's part of a synthesis: its pixels at output scale and its amplitude."""

    key: str
    disp: torch.Tensor  # (1, 1, h, w) pattern displacement, [0, 1]
    multiplier: float  # output px per pattern px
    gain: float  # output map units per pattern unit (the pattern's real depth, strength included)
    wrap: bool  # the pattern tiles
    cell_px: float = 0.0  # crease-cell diameter in output px
    # The output can draw the pattern's pores (3 texels or more). Where it
    # cannot, the height histogram is not imposed: its deep tail is the pores,
    # and forcing it carves that depth into pieces of furrow instead (on the
    # real scan at 0.09 mm: fine-band skewness -0.26 against the skin's -0.10).
    pores_drawn: bool = True


@dataclass
class SynthesisStats:
    seconds: float
    peak_memory_bytes: int
    device: str
    block_size: int
    blocks: int
    levels: int
    iterations: int
    final_loss: float
    network: str


def coarse_lowpass(d: torch.Tensor, sigma: float, wrap: bool) -> torch.Tensor:
    """``lowpass(d, sigma)`` on a grid up to sigma/4 coarser (same broad content).

    The structure penalty only sees forms of about sigma; averaging 2^k pixel
    squares first (k with 2^k <= sigma/4) leaves them intact and cuts the
    per-iteration FFT buffers of a 16k level by up to 2^2k.
    """
    h, w = d.shape[-2:]
    s = 1
    while 2 * s <= sigma / 4 and min(h, w) // (2 * s) >= 32 and (not wrap or (h % (2 * s) == 0 and w % (2 * s) == 0)):
        s *= 2
    small = F.avg_pool2d(d, s) if s > 1 else d
    return filters.lowpass(small, sigma / s, wrap)


def pick_device(name: str) -> torch.device:
    """``auto`` prefers CUDA, then Apple MPS, then the CPU; an absent GPU is a clear error."""
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise SettingsError(
                f"--device {name}: no CUDA GPU is available to this torch build; use --device cpu or auto."
            )
        return torch.device(name)
    if name == "mps":
        if getattr(torch.backends, "mps", None) is None or not torch.backends.mps.is_available():
            raise SettingsError("--device mps: Apple Metal is not available here; use --device cpu or auto.")
        return torch.device("mps")
    return torch.device("cpu")


def native_bfloat16(device: torch.device) -> bool:
    """Whether the device runs bfloat16 convolutions in hardware (AVX-512 BF16 / AMX on a CPU)."""
    if device.type == "cuda":
        return bool(torch.cuda.is_bf16_supported())
    if device.type == "cpu":
        try:
            return bool(torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported())
        except (AttributeError, RuntimeError):
            return False
    return False


def autocast_dtype(settings: Settings, device: torch.device) -> Optional[torch.dtype]:
    """The network's autocast type; ``None`` runs it in float32.

    "auto" takes bfloat16 where the hardware runs it natively: the network's
    convolutions are 1.7x faster on an AVX-512 BF16 CPU, while the moments,
    the loss and the map itself stay float32. Elsewhere (an AVX2 laptop, where
    bfloat16 is emulated and slower) it stays float32. float16 is for GPUs.
    """
    precision = settings.precision
    if precision == "auto":
        precision = "bfloat16" if native_bfloat16(device) else "float32"
    if precision == "float32" or device.type == "mps":
        return None
    if device.type == "cpu":
        return torch.bfloat16 if precision == "bfloat16" else None
    return torch.bfloat16 if precision == "bfloat16" else torch.float16


def level_count(height: int, width: int, regions: Sequence[Region]) -> int:
    """Levels such that the coarsest map and every pattern at that scale stay analysable.

    Coarse levels lay out the crease network; once a cell would shrink below
    :data:`MIN_CELL_PX` there is no layout left to settle (a map whose cells
    are a few texels wide gets a single level). A tiling pattern is repeated
    as needed (:func:`.targets.level_target`), one that does not tile must
    keep :data:`MIN_PATTERN_SIDE` px.
    """
    n = 1
    while n < MAX_LEVELS:
        f = 2**n
        if min(height, width) / f < MIN_LEVEL_SIDE:
            break
        if any(r.cell_px and r.cell_px / f < MIN_CELL_PX for r in regions):
            break
        if any(not r.wrap and min(r.disp.shape[-2:]) * r.multiplier / f < MIN_PATTERN_SIDE for r in regions):
            break
        n += 1
    return n


class Synthesis:
    """One synthesis run over a pyramid; see the module docstring."""

    def __init__(
        self,
        image: np.ndarray,
        regions: Sequence[Region],
        sigma: float,
        settings: Settings,
        progress: Optional[ProgressFn] = None,
        cancel: Optional[threading.Event] = None,
        weights: Optional[Sequence[np.ndarray]] = None,
        keep_input: Optional[np.ndarray] = None,
        targets: Optional[TargetCache] = None,
    ) -> None:
        self.settings = settings
        self.device = pick_device(settings.device)
        self.net: ValidFeatureNet = load_backbone(settings.backbone, settings.weights, self.device)
        self.autocast = autocast_dtype(settings, self.device)
        self.regions = list(regions)
        self.sigma = float(sigma)
        self.progress = progress
        self.cancel = cancel
        self.wrap = bool(settings.tileable)
        self.input = torch.from_numpy(np.ascontiguousarray(image, dtype=np.float32))[None, None]
        h, w = image.shape[:2]
        self.height, self.width = h * settings.upscale, w * settings.upscale
        self.region_maps = None if weights is None else [np.asarray(m, dtype=np.float32) for m in weights]
        self.keep_input = keep_input
        self.targets = targets or TargetCache()
        self._digests: dict = {}
        self.budget = settings.max_memory_gb or DEFAULT_BUDGET_GIB
        self.value_bytes = 2 if self.autocast is not None else 4
        self._last_preview = 0.0
        self.iterations_done = 0
        self.final_loss = float("nan")
        self.block_size = 0
        self.block_count = 0

    # -- public --------------------------------------------------------------
    def run(self) -> np.ndarray:
        """The synthesized map, (H*upscale, W*upscale) float32 in the input's units."""
        started = time.monotonic()
        self.peak = PeakMemory(self.device)
        if self.device.type == "cuda":
            # Same seed, same output: autotuning may pick a different (differently
            # rounding) convolution algorithm in each process, and the optimisation
            # amplifies any difference; deterministic algorithms only.
            torch.backends.cudnn.benchmark = CUDNN_AUTOTUNE
            torch.backends.cudnn.deterministic = not CUDNN_AUTOTUNE
        levels = level_count(self.height, self.width, self.regions)
        iters = self.settings.level_iterations(levels)
        sizes = [(math.ceil(self.height / 2**k), math.ceil(self.width / 2**k)) for k in range(levels)]
        work = [iters[levels - 1 - k] * sizes[k][0] * sizes[k][1] for k in range(levels)]
        self._work_total = float(sum(work)) or 1.0
        self._work_done = 0.0
        self._levels = levels
        gen = torch.Generator().manual_seed(int(self.settings.seed))
        x: Optional[torch.Tensor] = None
        for step, k in enumerate(range(levels - 1, -1, -1)):
            check_cancel(self.cancel)
            x = self._run_level(k, step, sizes[k], iters[step], x, gen)
        assert x is not None
        up = filters.resize(self.input.to(x.device), (self.height, self.width), wrap=self.wrap)
        out = (self._structure(up, self.sigma) + x)[0, 0]
        if self.keep_input is not None:
            keep = torch.from_numpy(self.keep_input).to(out.device)
            out = out * (1 - keep) + up[0, 0] * keep
        self.seconds = time.monotonic() - started
        return out.detach().cpu().numpy().astype(np.float32)

    def target_std(self, region: int = 0, shrink: int = 1) -> float:
        """Detail std (output units) asked of ``region`` at the finest level, or at that over ``shrink``."""
        r = self.regions[region]
        return r.gain * self._target(r, r.multiplier / shrink, self.sigma / shrink).detail_std

    def stats(self) -> SynthesisStats:
        return SynthesisStats(
            seconds=round(self.seconds, 3),
            peak_memory_bytes=self.peak.peak_bytes(),
            device=str(self.device),
            block_size=self.block_size,
            blocks=self.block_count,
            levels=self._levels,
            iterations=self.iterations_done,
            final_loss=self.final_loss,
            network=getattr(self.net, "source", "?"),
        )

    # -- one level ----------------------------------------------------------
    def _run_level(
        self, k: int, step: int, size, iterations: int, previous: Optional[torch.Tensor], gen: torch.Generator
    ) -> torch.Tensor:
        dev = self.device
        f = 2**k
        sigma = self.sigma / f
        h, w = size
        self._stage = f"level {step + 1}/{self._levels} ({w}x{h})"
        self._report(0.0, "analysing patterns")
        self.level_net = self.net.truncated(self._level_taps(k, step))
        plan = plan_block_size(self.level_net, h, w, self.budget, self.value_bytes)
        self.block_size = plan.block
        targets = [self._target(r, r.multiplier / f, sigma) for r in self.regions]
        # Amplitude wanted at this level: the pattern's own detail at this pixel
        # scale in real units (a reduced pattern has lost its finest relief).
        stds = [r.gain * t.detail_std for r, t in zip(self.regions, targets)]
        weights = self._weights((h, w))
        std_map = self._std_map(weights, stds, (h, w))
        source = filters.resize(self.input.to(dev), (h, w), wrap=self.wrap)
        self._preview_base = self._preview_sized(self._structure(source, sigma))
        del source
        noise = filters.detail(torch.randn((1, 1, h, w), generator=gen).to(dev), sigma, self.wrap)
        noise = noise / noise.std().clamp_min(1e-8)
        if previous is None:
            d = noise * std_map
        else:
            d = filters.resize(previous, (h, w), wrap=self.wrap) + FRESH_NOISE * noise * std_map
        unit = Z_SPREAD * float(std_map.mean())
        v = (d / unit).detach().requires_grad_(True)
        # Fused on CUDA: one kernel, no full-size temporaries (a 16k level is 1 GiB per buffer).
        optimizer = torch.optim.Adam([v], lr=self._learning_rate(k), fused=True if dev.type == "cuda" else None)
        layer_weights = self._layer_weights(weights, h, w) if weights is not None else None
        for it in range(iterations):
            check_cancel(self.cancel)
            optimizer.zero_grad(set_to_none=True)
            loss = self._objective(v, unit, sigma, std_map, targets, layer_weights, (h, w))
            optimizer.step()
            self.final_loss = loss
            self.iterations_done += 1
            self._work_done += h * w
            self._report((it + 1) / iterations, f"iteration {it + 1}/{iterations}", v, unit)
        del optimizer  # its two full-size moment buffers, before the projections need room
        v.grad = None
        with torch.no_grad():
            d = v.detach() * unit
            del v
            d = self._match_spectra(d, targets, stds, weights)
            d = self._match_histograms(d, targets, stds, weights)
        return d

    def _learning_rate(self, k: int) -> float:
        """The finer levels' larger step where the finest cells are small (see FINE_LEARNING_RATE)."""
        small_cells = all(0 < r.cell_px < FINE_STEP_BELOW_CELL_PX for r in self.regions)
        return FINE_LEARNING_RATE if k < self._levels - 1 and small_cells else LEARNING_RATE

    def _level_taps(self, k: int, step: int) -> int:
        """Tapped layers at this level: the full network only where a single level must do everything."""
        if self._levels == 1:
            return len(self.net.taps)
        if k == 0:
            return FINE_LEVEL_TAPS
        if step == 0 and self.settings.preset != "preview":
            return COARSE_LEVEL_TAPS
        # The panel's preview lays out with relu3_1 too: twice as fast at its
        # coarsest level, the same cells and pores, a less connected network.
        return MIDDLE_LEVEL_TAPS

    @staticmethod
    def _preview_sized(x: torch.Tensor) -> torch.Tensor:
        h, w = x.shape[-2:]
        s = min(1.0, PREVIEW_SIDE / max(h, w))
        return filters.resize(x, (max(1, int(h * s)), max(1, int(w * s))))

    def _structure(self, source: torch.Tensor, sigma: float) -> torch.Tensor:
        """The input's forms without content finer than a pore (a small fraction of the cell)."""
        return filters.lowpass(source, sigma * FINE_CUT, self.wrap)

    def _objective(self, v, unit, sigma, std_map, targets, layer_weights, size) -> float:
        """Loss at ``v``; leaves its gradient in ``v.grad``. Halves the block on CUDA OOM."""
        while True:
            try:
                return self._objective_once(v, unit, sigma, std_map, targets, layer_weights, size)
            except Exception as exc:
                if not is_out_of_memory(exc) or self.block_size <= 64:
                    raise
                v.grad = None
                if self.device.type == "cuda":
                    torch.cuda.empty_cache()
                self.block_size = max(64, self.block_size // 2)

    def _objective_once(self, v, unit, sigma, std_map, targets, layer_weights, size) -> float:
        h, w = size
        d = v * unit
        net = self.level_net
        # The detail may carry no broad form: a low-pass beyond the pattern's own
        # detail band's (which is small but not zero near the cutoff) is penalised.
        structure_loss = STRUCTURE_WEIGHT * (coarse_lowpass(d, sigma, self.wrap) ** 2).mean() / (unit / Z_SPREAD) ** 2
        padded = filters.pad_image(0.5 + d / (Z_SPREAD * std_map), net.halo, self.wrap)
        del d
        blocks = plan_blocks(h, w, self.block_size, net.alignment)
        self.block_count = len(blocks)
        gains = [1.0] * len(targets)
        taps = len(self.level_net.taps)
        targets = [TargetStats(t.stats.means[:taps], t.stats.grams[:taps]) for t in targets]
        region_fn = self._region_fn(layer_weights)
        if len(blocks) == 1:
            sums, grams, wts = block_moments(net, padded, blocks[0], region_fn, self.autocast)
            loss = texture_loss(sums, grams, wts, targets, gains) + structure_loss
            loss.backward()
            return float(loss.detach())
        tick = lambda: check_cancel(self.cancel)  # noqa: E731 - a block takes well under a second
        moments = gather(net, padded.detach(), blocks, len(targets), region_fn, self.autocast, tick)
        value, grad_sums, grad_grams = moment_loss(moments, targets, gains)
        grad_padded = scatter(net, padded.detach(), blocks, grad_sums, grad_grams, region_fn, self.autocast, tick)
        # The texture gradient reaches v through the padding (no full-size product kept).
        torch.autograd.backward([padded, structure_loss], [grad_padded, None])
        return value + float(structure_loss.detach())

    # -- helpers --------------------------------------------------------------
    def _target(self, region: Region, multiplier: float, sigma: float) -> LevelTarget:
        """The pattern's targets at one level, through this level's network (the finest runs a shorter one)."""
        if id(region) not in self._digests:
            self._digests[id(region)] = pattern_digest(region.disp)
        net = self.level_net
        network = (getattr(net, "source", "?"), tuple(net.taps), net.halo, str(self.autocast))
        key = (self._digests[id(region)], round(multiplier, 6), round(sigma, 6), region.wrap, network, str(self.device))
        return self.targets.get(
            key,
            lambda: level_target(
                net,
                region.disp.to(self.device),
                multiplier,
                sigma,
                ANALYSIS_BLOCK,
                region.wrap,
                self.autocast,
            ),
        )

    def _weights(self, size) -> Optional[torch.Tensor]:
        """(R, h, w) region weights at this level, or None for a single region."""
        if self.region_maps is None:
            return None
        maps = [torch.from_numpy(m)[None, None] for m in self.region_maps]
        stacked = torch.cat(
            [F.interpolate(m, size=size, mode="bilinear", align_corners=False, antialias=True) for m in maps], 1
        )
        return stacked[0].clamp_min(0).to(self.device)

    def _std_map(self, weights: Optional[torch.Tensor], stds: Sequence[float], size) -> torch.Tensor:
        if weights is None:  # one number, broadcast: not a full-size buffer
            return torch.full((1, 1, 1, 1), float(stds[0]), device=self.device)
        total = weights.sum(0, keepdim=True).clamp_min(1e-6)
        mix = sum(weights[r] * stds[r] for r in range(len(stds))) / total
        return mix[None].clamp_min(min(stds) * 0.05)

    def _layer_weights(self, weights: torch.Tensor, h: int, w: int) -> List[torch.Tensor]:
        """Region weights sampled on each tapped layer's grid of own positions."""
        out = []
        for grid in self.level_net.grids:
            ly = _own_range(grid.offset, grid.stride, self.level_net.halo, h)
            lx = _own_range(grid.offset, grid.stride, self.level_net.halo, w)
            ny, nx = ly[1] - ly[0], lx[1] - lx[0]
            out.append(
                F.interpolate(weights[None], size=(ny, nx), mode="bilinear", align_corners=False, antialias=True)[0]
            )
        return out

    @staticmethod
    def _region_fn(layer_weights: Optional[List[torch.Tensor]]) -> Optional[Callable]:
        if layer_weights is None:
            return None

        def region_weights(layer: int, blk: Block, where) -> torch.Tensor:
            gy, gx, ny, nx = where
            wmap = layer_weights[layer]
            return wmap[:, gy : gy + ny, gx : gx + nx].reshape(wmap.shape[0], -1)

        return region_weights

    def _match_spectra(self, d, targets, stds, weights) -> torch.Tensor:
        if weights is None:
            return match_spectrum(d, targets[0].spectrum, stds[0])
        total = weights.sum(0).clamp_min(1e-6)
        return sum(match_spectrum(d, t.spectrum, stds[r]) * (weights[r] / total) for r, t in enumerate(targets))

    def _match_histograms(self, band, targets, stds, weights) -> torch.Tensor:
        """The pattern's height histogram, for the regions whose pores the output can draw (see Region)."""

        def matched_for(r: int) -> torch.Tensor:
            if not self.regions[r].pores_drawn:
                return band
            return match_histogram(band, targets[r].quantiles, torch.tensor(stds[r], device=band.device))

        if weights is None:
            return matched_for(0)
        total = weights.sum(0).clamp_min(1e-6)
        matched = torch.zeros_like(band)
        for r in range(len(targets)):
            matched += matched_for(r) * (weights[r] / total)
        return matched

    def _report(self, level_fraction: float, what: str, v: Optional[torch.Tensor] = None, unit: float = 1.0) -> None:
        if self.progress is None:
            return
        preview = None
        now = time.monotonic()
        if v is not None and now - self._last_preview >= PREVIEW_SECONDS:
            self._last_preview = now
            with torch.no_grad():
                small = self._preview_sized(v.detach()) * unit + self._preview_base
                preview = small[0, 0].float().cpu().numpy()
        self.progress(min(self._work_done / self._work_total, 1.0), f"{self._stage}: {what}", preview)
