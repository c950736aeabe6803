"""Exact global feature statistics of a map of any size, block by block.

The loss depends on the features only through per-region moments
(sums and Gram matrices). Two passes keep memory bounded by one block:

1. *gather* (no grad): every block's own feature positions add to the moments;
2. the loss and its gradient with respect to the moments are formed (tiny);
3. *scatter*: each block is recomputed with grad and back-propagates the
   surrogate ``<dL/dsum, sum_b> + <dL/dGram, Gram_b>``, whose gradient equals the
   true one because the loss is a function of the moments and the moments are
   sums over blocks. Halo pixels receive gradient too; summing them over blocks
   gives the whole-image gradient exactly.

A block is a rectangle of the (unpadded) image; its crop of the padded network
input adds ``halo`` on every side. Because the network uses valid convolutions
and blocks start on multiples of the pooling stride, each block's features are
exactly the whole image's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence, Tuple

import torch

from ..network.layers import ValidFeatureNet


@dataclass(frozen=True)
class Block:
    y0: int
    y1: int
    x0: int
    x1: int


def plan_blocks(height: int, width: int, block: int, align: int) -> List[Block]:
    """Cut the image into blocks of at most ``block`` px (a multiple of ``align``)."""
    block = max(align, (block // align) * align)
    ys = list(range(0, height, block))
    xs = list(range(0, width, block))
    return [Block(y, min(y + block, height), x, min(x + block, width)) for y in ys for x in xs]


def _own_range(offset: float, stride: int, halo: int, length: int) -> Tuple[int, int]:
    """Feature indices j whose centre ``offset + stride*j`` lies in [halo, halo+length)."""
    lo = math.ceil((halo - offset) / stride)
    hi = math.ceil((halo + length - offset) / stride)
    return lo, hi


class Moments:
    """Per layer, per region: weighted sum of features (R, C), Gram (R, C, C) and weight (R,)."""

    def __init__(self, channels: Sequence[int], regions: int, device: torch.device) -> None:
        self.sums = [torch.zeros(regions, c, device=device, dtype=torch.float64) for c in channels]
        self.grams = [torch.zeros(regions, c, c, device=device, dtype=torch.float64) for c in channels]
        self.weights = [torch.zeros(regions, device=device, dtype=torch.float64) for _ in channels]

    def means_and_grams(self) -> Tuple[List[torch.Tensor], List[torch.Tensor]]:
        means, grams = [], []
        for s, g, w in zip(self.sums, self.grams, self.weights):
            n = w.clamp_min(1e-8)
            means.append((s / n[:, None]).float())
            grams.append((g / n[:, None, None]).float())
        return means, grams


RegionWeights = Callable[[int, Block, Tuple[int, int, int, int]], Optional[torch.Tensor]]


def _selected(
    feature: torch.Tensor, net: ValidFeatureNet, layer: int, blk: Block
) -> Tuple[torch.Tensor, Tuple[int, int, int, int]]:
    grid = net.grids[layer]
    jy0, jy1 = _own_range(grid.offset, grid.stride, net.halo, blk.y1 - blk.y0)
    jx0, jx1 = _own_range(grid.offset, grid.stride, net.halo, blk.x1 - blk.x0)
    if jy1 > feature.shape[-2] or jx1 > feature.shape[-1] or jy0 < 0 or jx0 < 0:
        raise RuntimeError("block halo too small for the network's receptive field")
    f = feature[0, :, jy0:jy1, jx0:jx1]
    # Global feature-grid index of the first own position, for looking up masks.
    gy = (blk.y0 // grid.stride) if grid.stride > 1 else blk.y0
    gx = (blk.x0 // grid.stride) if grid.stride > 1 else blk.x0
    return f.reshape(f.shape[0], -1), (gy, gx, jy1 - jy0, jx1 - jx0)


class _Gram(torch.autograd.Function):
    """``f @ f.T`` whose backward is one product, ``(g + g.T) @ f``, instead of autograd's two."""

    @staticmethod
    def forward(ctx, f: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        ctx.save_for_backward(f)
        return f @ f.T

    @staticmethod
    def backward(ctx, g: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        (f,) = ctx.saved_tensors
        return (g + g.T) @ f


def gram(f: torch.Tensor) -> torch.Tensor:
    """Gram matrix (C, C) of features (C, N)."""
    return _Gram.apply(f) if f.requires_grad else f @ f.T


def _unselected(df: torch.Tensor, feature: torch.Tensor, net: ValidFeatureNet, layer: int, blk: Block) -> torch.Tensor:
    """A gradient for the whole ``feature`` map: ``df`` (C, N) at the block's own positions, zero elsewhere."""
    grid = net.grids[layer]
    jy0, jy1 = _own_range(grid.offset, grid.stride, net.halo, blk.y1 - blk.y0)
    jx0, jx1 = _own_range(grid.offset, grid.stride, net.halo, blk.x1 - blk.x0)
    out = torch.zeros_like(feature)
    out[0, :, jy0:jy1, jx0:jx1] = df.view(df.shape[0], jy1 - jy0, jx1 - jx0).to(feature.dtype)
    return out


def crop(padded: torch.Tensor, blk: Block, halo: int) -> torch.Tensor:
    return padded[..., blk.y0 : blk.y1 + 2 * halo, blk.x0 : blk.x1 + 2 * halo]


def features_of(net: ValidFeatureNet, grey: torch.Tensor, autocast_dtype: Optional[torch.dtype]) -> List[torch.Tensor]:
    """Run the net on a (1, 1, h, w) grey crop (the net folds grey-to-RGB into its first conv).

    NCHW, not channels-last: on an H100 channels-last slowed PyTorch's own
    elementwise and pooling kernels around the convolutions by more than it
    saved in cuDNN's layout conversions (benchmarks/speed.py).
    """
    if autocast_dtype is not None:
        with torch.autocast(grey.device.type, dtype=autocast_dtype):
            return net(grey)
    return net(grey)


def block_moments(
    net: ValidFeatureNet,
    padded: torch.Tensor,
    blk: Block,
    region_weights: Optional[RegionWeights] = None,
    autocast_dtype: Optional[torch.dtype] = None,
) -> Tuple[List[torch.Tensor], List[torch.Tensor], List[torch.Tensor]]:
    """One block's raw per-region sums (R, C), Grams (R, C, C) and weights (R,), per layer.

    Keeps the autograd graph when ``padded`` requires grad (a map that fits in one block).
    """
    sums, grams, weights = [], [], []
    for l, feat in enumerate(features_of(net, crop(padded, blk, net.halo), autocast_dtype)):
        f, where = _selected(feat, net, l, blk)
        f = f.float()
        w = region_weights(l, blk, where) if region_weights else None
        if w is None:
            sums.append(f.sum(1)[None])
            grams.append(gram(f)[None])
            weights.append(torch.full((1,), float(f.shape[1]), device=f.device))
        else:
            sums.append(w @ f.T)
            grams.append(torch.stack([(f * w[r]) @ f.T for r in range(w.shape[0])]))
            weights.append(w.sum(1))
    return sums, grams, weights


def gather(
    net: ValidFeatureNet,
    padded: torch.Tensor,
    blocks: Sequence[Block],
    regions: int,
    region_weights: Optional[RegionWeights] = None,
    autocast_dtype: Optional[torch.dtype] = None,
    on_block: Optional[Callable[[], None]] = None,
) -> Moments:
    """Pass 1: moments of the whole map, without keeping any graph (float64 accumulation)."""
    moments = Moments(net.channels, regions, padded.device)
    with torch.no_grad():
        for blk in blocks:
            if on_block:
                on_block()
            sums, grams, weights = block_moments(net, padded, blk, region_weights, autocast_dtype)
            for l in range(len(sums)):
                moments.sums[l] += sums[l].double()
                moments.grams[l] += grams[l].double()
                moments.weights[l] += weights[l].double()
    return moments


def scatter(
    net: ValidFeatureNet,
    padded: torch.Tensor,
    blocks: Sequence[Block],
    grad_sums: Sequence[torch.Tensor],
    grad_grams: Sequence[torch.Tensor],
    region_weights: Optional[RegionWeights] = None,
    autocast_dtype: Optional[torch.dtype] = None,
    on_block: Optional[Callable[[], None]] = None,
) -> torch.Tensor:
    """Pass 2: d loss / d padded input, accumulated block by block.

    ``grad_sums[l]`` (R, C) and ``grad_grams[l]`` (R, C, C) are dL/d(raw sum) and
    dL/d(raw Gram) of each layer and region.
    """
    grad = torch.zeros_like(padded)
    for blk in blocks:
        if on_block:
            on_block()
        piece = crop(padded, blk, net.halo).detach().requires_grad_(True)
        feats = features_of(net, piece, autocast_dtype)
        feat_grads = []
        for l, feat in enumerate(feats):
            # d/df of <gs, sum_j w_j f_j> + <gg, sum_j w_j f_j f_j^T> at each own position j:
            # w_j (gs + (gg + gg^T) f_j), written straight into the feature's gradient.
            f, where = _selected(feat, net, l, blk)
            f = f.float()
            w = region_weights(l, blk, where) if region_weights else None
            gs, gg = grad_sums[l].float(), grad_grams[l].float()
            if w is None:
                df = (gg[0] + gg[0].T) @ f + gs[0][:, None]
            else:
                df = sum(((gg[r] + gg[r].T) @ f + gs[r][:, None]) * w[r] for r in range(w.shape[0]))
            feat_grads.append(_unselected(df, feat, net, l, blk))
        torch.autograd.backward(feats, feat_grads)
        grad[..., blk.y0 : blk.y1 + 2 * net.halo, blk.x0 : blk.x1 + 2 * net.halo] += piece.grad
    return grad
