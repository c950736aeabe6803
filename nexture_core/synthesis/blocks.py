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


def _own_slices(net: ValidFeatureNet, layer: int, blk: Block, feature: torch.Tensor) -> Tuple[int, int, int, int]:
    """Index ranges (jy0, jy1, jx0, jx1) of the block's own positions in a layer's feature map."""
    grid = net.grids[layer]
    jy0, jy1 = _own_range(grid.offset, grid.stride, net.halo, blk.y1 - blk.y0)
    jx0, jx1 = _own_range(grid.offset, grid.stride, net.halo, blk.x1 - blk.x0)
    if jy1 > feature.shape[-2] or jx1 > feature.shape[-1] or jy0 < 0 or jx0 < 0:
        raise RuntimeError("block halo too small for the network's receptive field")
    return jy0, jy1, jx0, jx1


def _where(net: ValidFeatureNet, layer: int, blk: Block, own: Tuple[int, int, int, int]) -> Tuple[int, int, int, int]:
    """Global feature-grid index of the block's first own position and its extent, for looking up masks."""
    stride = net.grids[layer].stride
    gy = (blk.y0 // stride) if stride > 1 else blk.y0
    gx = (blk.x0 // stride) if stride > 1 else blk.x0
    return gy, gx, own[1] - own[0], own[3] - own[2]


def _own_values(feature: torch.Tensor, own: Tuple[int, int, int, int]) -> torch.Tensor:
    jy0, jy1, jx0, jx1 = own
    return feature[0, :, jy0:jy1, jx0:jx1].reshape(feature.shape[1], -1)


def _halo_strips(feature: torch.Tensor, own: Tuple[int, int, int, int]) -> List[torch.Tensor]:
    """Views (C, h, w) of the four halo strips around the own positions: above, below, left, right."""
    jy0, jy1, jx0, jx1 = own
    f = feature[0]
    return [f[:, :jy0], f[:, jy1:], f[:, jy0:jy1, :jx0], f[:, jy0:jy1, jx1:]]


def _border(feature: torch.Tensor, own: Tuple[int, int, int, int]) -> List[torch.Tensor]:
    """The halo strips as (C, n) features (the wide ones without a copy)."""
    return [x.reshape(feature.shape[1], -1) for x in _halo_strips(feature, own) if x.numel()]


def own_to_full(df: torch.Tensor, feature: torch.Tensor, own: Tuple[int, int, int, int]) -> torch.Tensor:
    """A gradient for the whole ``feature`` map: ``df`` (C, N) at the own positions, zero in the halo."""
    jy0, jy1, jx0, jx1 = own
    full = torch.zeros_like(feature)
    full[0, :, jy0:jy1, jx0:jx1] = df.view(df.shape[0], jy1 - jy0, jx1 - jx0).to(feature.dtype)
    return full


def _sum_and_gram(f: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """Float32 sum (C,) and Gram (C, C) of features (C, N), computed in their own precision.

    In bfloat16 the product runs natively (2-3x a float32 one on CPUs with
    AVX-512 BF16, and no float32 copy of the features); its sums of
    non-negative products round to 2^-9 relative, a hundredth of the Gram
    distances the loss ever reaches, and the targets are gathered the same way.
    (A float32 ``sum`` of bfloat16 values is 20x slower than a bfloat16 one
    that accumulates in float32 and rounds once.)
    """
    return f.sum(1).float(), (f @ f.T).float()


def own_moments(feature: torch.Tensor, own: Tuple[int, int, int, int]) -> Tuple[torch.Tensor, torch.Tensor]:
    """Sum and Gram of the own positions: the whole map's less its halo strips.

    The whole map is one product over memory as the network left it; cropping
    the own positions first would copy the largest layer (64 x 1M values at 1k).
    """
    c = feature.shape[1]
    total_sum, total_gram = _sum_and_gram(feature[0].reshape(c, -1))
    for strip in _border(feature, own):
        strip_sum, strip_gram = _sum_and_gram(strip)
        total_sum -= strip_sum
        total_gram -= strip_gram
    return total_sum, total_gram


def own_gradient(
    feature: torch.Tensor, own: Tuple[int, int, int, int], gs: Optional[torch.Tensor], gg: Optional[torch.Tensor]
) -> torch.Tensor:
    """Gradient of ``<gs, sum_j f_j> + <gg, sum_j f_j f_j^T>`` over the own positions j, for the whole map.

    ``gs + (gg + gg^T) f_j`` at own positions and zero in the halo: one product
    over the whole map written straight into the result, then its halo strips
    zeroed (no zeroed full-size map and no copy into it).
    """
    c = feature.shape[1]
    flat = feature[0].reshape(c, -1)
    g2 = torch.zeros(c, c, device=feature.device) if gg is None else gg + gg.T
    bias = torch.zeros(c, 1, device=feature.device) if gs is None else gs[:, None]
    out = torch.addmm(bias.to(flat.dtype), g2.to(flat.dtype), flat).view(feature.shape)
    for strip in _halo_strips(out, own):
        strip.zero_()
    return out


class _OwnMoments(torch.autograd.Function):
    """:func:`own_moments` with its backward written out (:func:`own_gradient`).

    Autograd would take the crop in three steps (a select and two slices, each
    back-propagated through a zeroed full-size copy) and the Gram in two
    products; here the gradient is one product over the map.
    """

    @staticmethod
    def forward(ctx, feature: torch.Tensor, own: Tuple[int, int, int, int]):  # type: ignore[override]
        ctx.save_for_backward(feature)
        ctx.own = own
        return own_moments(feature, own)

    @staticmethod
    def backward(ctx, gs: Optional[torch.Tensor], gg: Optional[torch.Tensor]):  # type: ignore[override]
        (feature,) = ctx.saved_tensors
        return own_gradient(feature, ctx.own, gs, gg), None


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
        own = _own_slices(net, l, blk, feat)
        w = region_weights(l, blk, _where(net, l, blk, own)) if region_weights else None
        if w is None:
            s, g = _OwnMoments.apply(feat, own) if feat.requires_grad else own_moments(feat, own)
            sums.append(s[None])
            grams.append(g[None])
            weights.append(torch.full((1,), float((own[1] - own[0]) * (own[3] - own[2])), device=feat.device))
        else:
            f = _own_values(feat, own).float()
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
            own = _own_slices(net, l, blk, feat)
            w = region_weights(l, blk, _where(net, l, blk, own)) if region_weights else None
            gs, gg = grad_sums[l].float(), grad_grams[l].float()
            if w is None:
                feat_grads.append(own_gradient(feat.detach(), own, gs[0], gg[0]))
                continue
            f = _own_values(feat.detach(), own).float()
            df = sum(((gg[r] + gg[r].T) @ f + gs[r][:, None]) * w[r] for r in range(w.shape[0]))
            feat_grads.append(own_to_full(df, feat, own))
        torch.autograd.backward(feats, feat_grads)
        grad[..., blk.y0 : blk.y1 + 2 * net.halo, blk.x0 : blk.x1 + 2 * net.halo] += piece.grad
    return grad
