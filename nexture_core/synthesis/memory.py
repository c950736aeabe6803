"""Choose a block size that fits a memory budget, and measure what was used.

The estimate counts the activations the network keeps for its backward pass
(per input pixel of a block, halo included) plus the full-size buffers of one
pyramid level (map, gradient, optimiser state, structure target, padded input).
"""

from __future__ import annotations

import resource
import sys
from dataclasses import dataclass

import torch

from ..errors import MemoryBudgetError
from ..network.layers import ValidFeatureNet

DEFAULT_BUDGET_GIB = 10.0  # leaves room for the CUDA context on a 12 GB card
MIN_BLOCK = 64
FULL_SIZE_BUFFERS = 8  # map, its gradient, Adam m and v, padded input and its gradient, two backward temporaries


def activation_bytes_per_pixel(net: ValidFeatureNet, bytes_per_value: int) -> float:
    """Bytes kept per input pixel by a forward+backward pass (activations and their grads)."""
    total, scale, conv_i = 3.0, 1.0, 0
    for i, kind in enumerate(net.kinds):
        if kind == "conv":
            total += scale * net.convs[conv_i].out_channels
            conv_i += 1
        elif kind == "relu":
            total += scale * net.convs[conv_i - 1].out_channels
        elif kind == "pool":
            scale /= 4.0
        if i >= net.taps[-1]:
            break
    # Saved activations plus the gradient buffers alive during backward.
    return total * bytes_per_value * 2.0


@dataclass(frozen=True)
class BlockPlan:
    block: int  # block side in pixels (multiple of the network alignment)
    estimated_bytes: int


def plan_block_size(
    net: ValidFeatureNet, height: int, width: int, budget_gib: float, bytes_per_value: int
) -> BlockPlan:
    """The largest square block whose estimate fits the budget; raises if even the smallest cannot."""
    budget = budget_gib * 1024**3
    fixed = FULL_SIZE_BUFFERS * 4 * (height + 2 * net.halo) * (width + 2 * net.halo)
    per_px = activation_bytes_per_pixel(net, bytes_per_value)
    align = net.alignment

    def need(side: int) -> float:
        return fixed + per_px * (side + 2 * net.halo) ** 2 + 64 * 1024**2

    smallest = need(MIN_BLOCK)
    if smallest > budget:
        raise MemoryBudgetError(
            f"--max-memory {budget_gib:g} GiB is too small for a {width}x{height} map; "
            f"the smallest block needs about {smallest / 1024**3:.2f} GiB: use --max-memory {smallest / 1024**3 + 0.05:.1f} or more."
        )
    side = max(height, width)
    side = ((side + align - 1) // align) * align
    while side > MIN_BLOCK and need(side) > budget:
        side = max(MIN_BLOCK, ((side // 2 + align - 1) // align) * align)
    return BlockPlan(side, int(need(side)))


class PeakMemory:
    """Peak bytes used on the device (CUDA: allocator peak; CPU: process peak RSS)."""

    def __init__(self, device: torch.device) -> None:
        self.device = device
        if device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(device)

    def peak_bytes(self) -> int:
        if self.device.type == "cuda":
            return int(torch.cuda.max_memory_allocated(self.device))
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return int(rss if sys.platform == "darwin" else rss * 1024)


def is_out_of_memory(exc: BaseException) -> bool:
    oom = getattr(torch.cuda, "OutOfMemoryError", None)
    if oom is not None and isinstance(exc, oom):
        return True
    return isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower()
