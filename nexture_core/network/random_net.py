"""A weight-free backbone: random multi-scale filters with a fixed seed.

For fast tests and machines without the VGG weights. Random conv nets capture
second-order texture statistics surprisingly well (Ustyuzhaninov et al. 2017),
though not the long furrows VGG features reproduce (see shared QUALITY.md).
"""

from __future__ import annotations

from typing import List, Tuple

import torch
from torch import nn

from .layers import ValidFeatureNet

RANDOM_LAYERS = ("rand1", "rand2", "rand3", "rand4")
RANDOM_HALO = 24


def build_random_net(width: int = 32, seed: int = 1234) -> ValidFeatureNet:
    """Four 3x3 conv/relu stages with average pools between them; weights from ``seed``."""
    gen = torch.Generator().manual_seed(seed)
    ops: List[Tuple[str, object]] = []
    taps: List[int] = []
    cin = 3
    chans = (width, width, 2 * width, 2 * width)
    for stage, cout in enumerate(chans):
        conv = nn.Conv2d(cin, cout, 3)
        fan_in = cin * 9
        conv.weight.data.copy_(torch.randn(cout, cin, 3, 3, generator=gen) * (2.0 / fan_in) ** 0.5)
        conv.bias.data.copy_(torch.randn(cout, generator=gen) * 0.05 + 0.05)
        ops.append(("conv", conv))
        ops.append(("relu", None))
        taps.append(len(ops) - 1)
        if stage < len(chans) - 1:
            ops.append(("pool", None))
        cin = cout
    net = ValidFeatureNet(ops, taps, RANDOM_LAYERS, halo=RANDOM_HALO)
    net.source = f"random backbone (seed {seed}, width {width})"
    return net
