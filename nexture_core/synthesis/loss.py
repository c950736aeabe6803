"""The texture loss as a function of feature moments only.

Per layer and region: a Gram term (second moments) and a mean term, each
normalised by the target's own magnitude so no layer or pattern dominates.
Because it depends on moments only, :mod:`.blocks` can evaluate it exactly on
maps of any size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Sequence, Tuple

import torch

from .blocks import Moments

MEAN_WEIGHT = 1.0
GRAM_WEIGHT = 1.0


@dataclass
class TargetStats:
    """One pattern's feature statistics at one pyramid level: per layer mean (C,) and Gram (C, C)."""

    means: List[torch.Tensor]
    grams: List[torch.Tensor]


def texture_loss(
    sums: Sequence[torch.Tensor],
    grams: Sequence[torch.Tensor],
    weights: Sequence[torch.Tensor],
    targets: Sequence[TargetStats],
    region_gain: Sequence[float],
) -> torch.Tensor:
    """Sum over layers and regions of normalised Gram and mean distances (differentiable)."""
    loss = sums[0].new_zeros((), dtype=torch.float32)
    for l in range(len(sums)):
        n = weights[l].float()
        for r, target in enumerate(targets):
            if float(n[r]) <= 1e-3 or region_gain[r] == 0:
                continue
            mean = sums[l][r].float() / n[r]
            gram = grams[l][r].float() / n[r]
            tm, tg = target.means[l], target.grams[l]
            gram_term = ((gram - tg) ** 2).sum() / (tg**2).sum().clamp_min(1e-12)
            mean_term = ((mean - tm) ** 2).sum() / (tm**2).sum().clamp_min(1e-12)
            loss = loss + region_gain[r] * (GRAM_WEIGHT * gram_term + MEAN_WEIGHT * mean_term)
    return loss


def moment_loss(
    moments: Moments, targets: Sequence[TargetStats], region_gain: Sequence[float]
) -> Tuple[float, List[torch.Tensor], List[torch.Tensor]]:
    """Loss value and its gradient w.r.t. the *raw* sums and Grams of ``moments``."""
    sums = [s.float().clone().requires_grad_(True) for s in moments.sums]
    grams = [g.float().clone().requires_grad_(True) for g in moments.grams]
    loss = texture_loss(sums, grams, moments.weights, targets, region_gain)
    if loss.requires_grad:
        loss.backward()
    grad_sums = [s.grad if s.grad is not None else torch.zeros_like(s) for s in sums]
    grad_grams = [g.grad if g.grad is not None else torch.zeros_like(g) for g in grams]
    return float(loss.detach()), grad_sums, grad_grams


def target_from_moments(moments: Moments) -> TargetStats:
    means, grams = moments.means_and_grams()
    return TargetStats(means=[m[0] for m in means], grams=[g[0] for g in grams])
