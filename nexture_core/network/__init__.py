"""Feature networks: the normalised VGG-19 (default) and a weight-free backbone."""

from __future__ import annotations

from typing import Dict, Optional, Tuple

import torch

from .layers import Grid, ValidFeatureNet  # noqa: F401
from .random_net import build_random_net
from .vgg import default_weights_path, load_vgg19, save_trimmed_weights  # noqa: F401

_CACHE: Dict[Tuple[str, Optional[str], str], ValidFeatureNet] = {}


def load_backbone(name: str, weights: Optional[str] = None, device: Optional[torch.device] = None) -> ValidFeatureNet:
    """The network for ``Settings.backbone``, cached per process and device."""
    device = device or torch.device("cpu")
    key = (name, weights, str(device))
    if key not in _CACHE:
        net = build_random_net() if name == "random" else load_vgg19(weights)
        _CACHE[key] = net.to(device).eval()
    return _CACHE[key]
