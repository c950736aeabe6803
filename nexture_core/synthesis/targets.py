"""What a pattern asks of the output at one pyramid level.

The pattern is resampled to the output's pixel scale (its multiplier over the
level's reduction), split into the same detail band as the output, normalised
by its own spread, and its deep-feature moments are gathered block by block.
Amplitude and histogram targets come from the same detail band.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

import numpy as np
import torch

from .. import filters
from ..network.layers import ValidFeatureNet
from .blocks import gather, plan_blocks
from .loss import TargetStats, target_from_moments

# The VGG input maps the detail band to grey: 0.5 +- 3 standard deviations fills [0, 1].
Z_SPREAD = 6.0
MAX_PATTERN_SIDE = 2048  # beyond this a central crop carries the same statistics
QUANTILES = 1024


SPECTRUM_BINS = 48


@dataclass
class LevelTarget:
    stats: TargetStats
    detail_std: float  # std of the pattern's detail band at this level (pattern units)
    quantiles: torch.Tensor  # (QUANTILES,) of detail / detail_std
    spectrum: torch.Tensor  # (SPECTRUM_BINS,) radial power of detail / detail_std


# Big-map passes run in chunks of this many values, so a 16k map's projections
# need a few full-size buffers, not a dozen (int64 bins alone would be 2 GiB).
CHUNK_VALUES = 1 << 24


def _row_chunks(rows: int, cols: int):
    step = max(1, CHUNK_VALUES // max(1, cols))
    for y0 in range(0, rows, step):
        yield y0, min(rows, y0 + step)


def _radius_bins(shape, device: torch.device, rows: Optional[Tuple[int, int]] = None) -> torch.Tensor:
    """Radial frequency bin of every rfft2 coefficient (0.5 cycles/px maps to the last bin)."""
    fy = torch.fft.fftfreq(shape[0], device=device)
    if rows is not None:
        fy = fy[rows[0] : rows[1]]
    fx = torch.fft.rfftfreq(shape[1], device=device)[None, :]
    r = torch.sqrt(fx**2 + fy[:, None] ** 2) / 0.5
    return (r * (SPECTRUM_BINS - 1)).round().clamp(max=SPECTRUM_BINS - 1).long()


def _power_by_bin(spec: torch.Tensor, shape) -> torch.Tensor:
    """Mean |coefficient|^2 per radial bin, accumulated in float64.

    float64 keeps the result the same from run to run although CUDA's
    ``index_add_`` adds in no fixed order.
    """
    total = torch.zeros(SPECTRUM_BINS, device=spec.device, dtype=torch.float64)
    count = torch.zeros(SPECTRUM_BINS, device=spec.device, dtype=torch.float64)
    for y0, y1 in _row_chunks(*spec.shape):
        bins = _radius_bins(shape, spec.device, (y0, y1)).flatten()
        power = spec[y0:y1].abs().square().flatten().double()
        total.index_add_(0, bins, power)
        count.index_add_(0, bins, torch.ones_like(power))
    return (total / count.clamp_min(1)).float()


def radial_power(x: torch.Tensor) -> torch.Tensor:
    """Mean power per radial frequency bin of a (1, 1, H, W) map, normalised by its pixel count."""
    spec = torch.fft.rfft2(x[0, 0].float())
    return _power_by_bin(spec, x.shape[-2:]) / x[0, 0].numel()


def match_spectrum(d: torch.Tensor, target_power: torch.Tensor, std) -> torch.Tensor:
    """Rescale each radial frequency band of ``d`` to ``target_power * std**2`` (phases kept).

    The projection of Heeger-Bergen / Portilla-Simoncelli texture synthesis:
    it removes the high-frequency noise and mid-band excess that feature
    matching alone leaves, without moving any feature.
    """
    shape = d.shape[-2:]
    spec = torch.fft.rfft2(d[0, 0].float())
    have = _power_by_bin(spec, shape) / d[0, 0].numel()
    want = target_power.to(d.device) * float(std) ** 2
    gain = torch.sqrt(want / have.clamp_min(1e-20)).clamp(0.0, 8.0)
    gain[0] = 1.0
    for y0, y1 in _row_chunks(*spec.shape):
        spec[y0:y1] *= gain[_radius_bins(shape, d.device, (y0, y1))]
    out = torch.fft.irfft2(spec, s=tuple(shape))
    del spec
    return out[None, None].to(d.dtype)


def robust_range(values: np.ndarray) -> float:
    """0.5th to 99.5th percentile spread (on a subsample of big maps)."""
    flat = values.ravel()
    lo, hi = np.percentile(flat[:: max(1, flat.size // 1_000_000)], [0.5, 99.5])
    return float(max(hi - lo, 1e-6))


def level_target(
    net: ValidFeatureNet,
    pattern_disp: torch.Tensor,
    multiplier: float,
    sigma: float,
    block: int,
    wrap: bool,
    autocast_dtype: Optional[torch.dtype],
) -> LevelTarget:
    """Feature moments, detail spread and quantiles of the pattern at ``multiplier`` output px per pattern px.

    A tiling pattern is analysed as one tile with circular padding: its
    statistics are those of the tiled plane, at the cost of a single tile
    (a pattern drawn at a coarse texel is a few hundred px or less).
    """
    h, w = pattern_disp.shape[-2:]
    size = (max(16, int(round(h * multiplier))), max(16, int(round(w * multiplier))))
    resized = filters.resize(pattern_disp, size, wrap=wrap)
    if wrap and min(size) < 2 * net.halo:
        # Circular padding needs a tile at least as large as the halo; repeats
        # of a tiling pattern are the same skin, so they change no statistic.
        reps = math.ceil(2 * net.halo / min(size))
        resized = resized.repeat(1, 1, reps, reps)
    d = filters.detail(resized, sigma, wrap=wrap)
    if max(size) > MAX_PATTERN_SIDE:
        cy, cx = (size[0] - MAX_PATTERN_SIDE) // 2, (size[1] - MAX_PATTERN_SIDE) // 2
        d = d[..., max(cy, 0) : max(cy, 0) + MAX_PATTERN_SIDE, max(cx, 0) : max(cx, 0) + MAX_PATTERN_SIDE]
        wrap = False
    std = float(d.std().clamp_min(1e-8))
    z = 0.5 + d / (Z_SPREAD * std)
    padded = filters.pad_image(z, net.halo, wrap)
    blocks = plan_blocks(z.shape[-2], z.shape[-1], block, net.alignment)
    moments = gather(net, padded, blocks, 1, autocast_dtype=autocast_dtype)
    flat = (d / std).flatten()
    if flat.numel() > 4_000_000:
        flat = flat[:: flat.numel() // 4_000_000 + 1]
    qs = torch.quantile(flat.float().cpu(), torch.linspace(0, 1, QUANTILES)).to(d.device)
    return LevelTarget(stats=target_from_moments(moments), detail_std=std, quantiles=qs, spectrum=radial_power(d / std))


SHARED_TARGETS = 48  # level targets kept per process (a few MB): a panel's previews reuse them


class TargetCache:
    """Level targets by (pattern pixels, multiplier, sigma, network): the same pattern is analysed once.

    Besides its own entries it reads and fills a small process-wide store, so
    repeated previews of one pattern at one scale skip the pattern's analysis
    (a few seconds on a CPU, most of a 512 px preview). Keys identify the
    pattern by its pixels (:func:`pattern_digest`), never by an id alone.
    """

    _shared: OrderedDict[Tuple, LevelTarget] = OrderedDict()
    _lock = threading.Lock()

    def __init__(self) -> None:
        self._cache: Dict[Tuple, LevelTarget] = {}

    def get(self, key: Tuple, make) -> LevelTarget:
        if key not in self._cache:
            with self._lock:
                found = self._shared.get(key)
                if found is not None:
                    self._shared.move_to_end(key)
            if found is None:
                found = make()
                with self._lock:
                    self._shared[key] = found
                    while len(self._shared) > SHARED_TARGETS:
                        self._shared.popitem(last=False)
            self._cache[key] = found
        return self._cache[key]

    @classmethod
    def clear_shared(cls) -> None:
        with cls._lock:
            cls._shared.clear()


def pattern_digest(disp: torch.Tensor) -> str:
    """A short fingerprint of a pattern's pixels, for cache keys (ids may be reused by imports)."""
    arr = disp.detach().float().cpu().contiguous().numpy()
    return hashlib.blake2b(arr.tobytes(), digest_size=12).hexdigest() + str(tuple(arr.shape))


def match_histogram(d: torch.Tensor, target_q: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    """Map the values of ``d`` so their distribution follows ``target_q * scale`` (rank-preserving).

    ``scale`` is the output's target detail std (a scalar tensor or a map like ``d``).
    """
    flat = d.flatten()
    sample = flat if flat.numel() <= 4_000_000 else flat[:: flat.numel() // 4_000_000 + 1]
    src_q = torch.quantile(sample.float(), torch.linspace(0, 1, target_q.numel(), device=d.device))
    # Piecewise-linear transfer: position among source quantiles -> target quantile.
    src_q = src_q + torch.arange(src_q.numel(), device=d.device) * 1e-12  # strictly increasing
    scale = torch.as_tensor(scale, device=d.device)
    scale_flat = scale.flatten() if scale.numel() == flat.numel() else None
    if scale_flat is None:
        scale = scale.reshape(())
    out = torch.empty_like(flat)
    for a in range(0, flat.numel(), CHUNK_VALUES):
        b = min(flat.numel(), a + CHUNK_VALUES)
        part = flat[a:b].contiguous()
        idx = torch.searchsorted(src_q, part).clamp(1, src_q.numel() - 1)
        lo, hi = src_q[idx - 1], src_q[idx]
        t = ((part - lo) / (hi - lo).clamp_min(1e-12)).clamp(0, 1)
        mapped = target_q[idx - 1] + t * (target_q[idx] - target_q[idx - 1])
        out[a:b] = mapped * (scale_flat[a:b] if scale_flat is not None else scale)
    return out.view_as(d)
