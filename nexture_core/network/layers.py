"""A feature network as a flat list of valid (unpadded) operations.

Why valid convolutions: the image is padded once, by the network's receptive
radius, before the first layer. Then every feature depends only on the pixels
under its receptive field, so a block of the image plus a halo gives *exactly*
the features the whole image would: the statistics the loss sees stay global
and exact however the image is cut into blocks (see :mod:`..synthesis.blocks`).
Each tapped layer carries its grid (offset and stride in input pixels) so a
block knows which feature positions are its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import nn


def avg_pool_2x2(x: torch.Tensor) -> torch.Tensor:
    """2x2 average pooling, stride 2 (odd edges dropped, as ``avg_pool2d`` does).

    On CUDA as a reshape and mean: PyTorch's ``avg_pool2d`` backward kernel there
    ran ~10x below memory speed and took a fifth of an iteration (H100 profile).
    On the CPU the library kernel is the faster one.
    """
    if not x.is_cuda:
        return F.avg_pool2d(x, 2, 2)
    return pool_2x2_by_reshape(x)


def pool_2x2_by_reshape(x: torch.Tensor) -> torch.Tensor:
    """The reshape-and-mean form of :func:`avg_pool_2x2` (same values on any device)."""
    b, c, h, w = x.shape
    h2, w2 = h // 2, w // 2
    if (2 * h2, 2 * w2) != (h, w):
        x = x[..., : 2 * h2, : 2 * w2]
    return x.reshape(b, c, h2, 2, w2, 2).mean((3, 5))


class _GreyConv(torch.autograd.Function):
    """A valid k x k convolution of a one-channel map as one matrix product (im2col).

    mkldnn runs a one-channel-in convolution far below its speed on wide ones
    (at 1k: 0.15 s forward and 0.12 s backward for 1.3 GFLOP, a tenth of an
    iteration's convolution time); as a (C, k*k) x (k*k, H*W) product on the
    map's k*k shifted views (unfold; fold sums them back for the gradient) it
    is a few times faster both ways.
    """

    @staticmethod
    def forward(ctx, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        k = weight.shape[-1]
        h, w = x.shape[-2] - k + 1, x.shape[-1] - k + 1
        cols = F.unfold(x, k)[0]  # (k*k, h*w): the map's k*k shifted views
        ctx.save_for_backward(weight)
        ctx.in_shape, ctx.in_dtype = x.shape, x.dtype
        out = x.new_empty((1, weight.shape[0], h, w))  # not a view: the ReLU after it runs in place
        torch.addmm(bias[:, None], weight.reshape(weight.shape[0], -1), cols, out=out.view(weight.shape[0], -1))
        return out

    @staticmethod
    def backward(ctx, g: torch.Tensor):  # type: ignore[override]
        (weight,) = ctx.saved_tensors
        acc = torch.promote_types(g.dtype, torch.float32)  # sum the k*k shifted strips in at least float32
        gcols = (weight.reshape(weight.shape[0], -1).T.to(g.dtype) @ g.reshape(g.shape[1], -1)).to(acc)
        grad = F.fold(gcols[None], tuple(ctx.in_shape[-2:]), weight.shape[-1])  # col2im: the strips summed back
        return grad.to(ctx.in_dtype), None, None


def grey_conv(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """``conv2d(x, weight, bias)`` for a (1, 1, H, W) map; on the CPU as :class:`_GreyConv`, in autocast's type."""
    if x.device.type != "cpu" or x.shape[0] != 1 or weight.shape[1] != 1:
        return F.conv2d(x, weight, bias)
    dtype = torch.get_autocast_dtype("cpu") if torch.is_autocast_enabled("cpu") else x.dtype
    with torch.autocast("cpu", enabled=False):
        return _GreyConv.apply(x.to(dtype), weight.to(dtype), bias.to(dtype))


@dataclass(frozen=True)
class Grid:
    """Feature position j of a layer sits at input coordinate ``offset + stride * j``."""

    offset: float
    stride: int


class ValidFeatureNet(nn.Module):
    """Runs conv/relu/pool ops without padding and returns the tapped activations.

    Input: (B, 3, H, W) in [0, 1], already padded by :attr:`halo` on every side.
    Output: one (B, C_l, H_l, W_l) tensor per tapped layer.
    """

    def __init__(self, ops: Sequence[Tuple[str, object]], taps: Sequence[int], names: Sequence[str], halo: int) -> None:
        super().__init__()
        self.kinds = [kind for kind, _ in ops]
        self.convs = nn.ModuleList([m for kind, m in ops if kind == "conv"])
        self.taps = list(taps)
        self.names = list(names)
        self.halo = int(halo)
        self.grids = self._grids()
        self.channels = self._channels()
        for p in self.parameters():
            p.requires_grad_(False)
        self._fold_grey_input()

    def _fold_grey_input(self) -> None:
        """One-channel weights for the leading convolutions, for grey input.

        The synthesis feeds grey replicated to RGB. Replication, VGG's 1x1 colour
        conv and conv1_1 are all linear before the first ReLU, so they fold into
        one 1-channel 3x3 conv (valid convolutions: the 1x1 bias is the same under
        the whole window). It saves the 3-channel copies, the 1x1 conv and two
        thirds of conv1_1, forward and backward.
        """
        lead = 0
        while lead < len(self.kinds) and self.kinds[lead] == "conv":
            lead += 1
        convs = list(self.convs[:lead])
        if not convs or any(c.kernel_size != (1, 1) for c in convs[:-1]) or any(t < lead for t in self.taps):
            self.grey_skip = 0
            return
        dev = convs[0].weight.device
        mix = torch.ones(convs[0].in_channels, 1, dtype=torch.float64, device=dev)  # rgb = mix @ grey + shift
        shift = torch.zeros(convs[0].in_channels, dtype=torch.float64, device=dev)
        for c in convs[:-1]:
            w = c.weight.detach().double()[:, :, 0, 0]
            mix, shift = w @ mix, w @ shift + c.bias.detach().double()
        last = convs[-1]
        w = last.weight.detach().double()
        weight = torch.einsum("oikl,ij->ojkl", w, mix)
        bias = last.bias.detach().double() + (w.sum((2, 3)) @ shift)
        dtype = last.weight.dtype
        self.register_buffer("grey_weight", weight.to(dtype), persistent=False)
        self.register_buffer("grey_bias", bias.to(dtype), persistent=False)
        self.grey_skip = lead

    # An avg-pooled VGG gives smoother gradients than max pooling for synthesis
    # (Gatys et al. 2015); the weights are the same.
    def forward(self, x: torch.Tensor) -> List[torch.Tensor]:
        """Features of ``x``: (B, 3, H, W) RGB, or (B, 1, H, W) grey through the folded first convs."""
        out: List[torch.Tensor] = []
        conv_i = 0
        start = 0
        if x.shape[1] == 1 and self.grey_skip:
            x = grey_conv(x, self.grey_weight, self.grey_bias)
            start, conv_i = self.grey_skip, self.grey_skip
        for i in range(start, len(self.kinds)):
            kind = self.kinds[i]
            if kind == "conv":
                x = self.convs[conv_i](x)
                conv_i += 1
            elif kind == "relu":
                # In place (a convolution's backward never needs its own output),
                # unless that output is itself a tapped feature.
                x = F.relu(x, inplace=i > 0 and (i - 1) not in self.taps)
            elif kind == "pool":
                x = avg_pool_2x2(x)
            if i in self.taps:
                out.append(x)
            if i >= self.taps[-1]:
                break
        return out

    def _grids(self) -> List[Grid]:
        offset, stride, grids, conv_i = 0.0, 1, [], 0
        for i, kind in enumerate(self.kinds):
            if kind == "conv":
                k = self.convs[conv_i].kernel_size[0]
                offset += stride * (k - 1) / 2.0
                conv_i += 1
            elif kind == "pool":
                offset += stride * 0.5
                stride *= 2
            if i in self.taps:
                grids.append(Grid(offset, stride))
            if i >= self.taps[-1]:
                break
        return grids

    def _channels(self) -> List[int]:
        chans, conv_i, last = [], 0, 3
        for i, kind in enumerate(self.kinds):
            if kind == "conv":
                last = self.convs[conv_i].out_channels
                conv_i += 1
            if i in self.taps:
                chans.append(last)
            if i >= self.taps[-1]:
                break
        return chans

    def truncated(self, taps: int) -> ValidFeatureNet:
        """The same weights, stopping at the first ``taps`` tapped layers (cheaper fine levels)."""
        if taps >= len(self.taps):
            return self
        ops: List[Tuple[str, object]] = []
        conv_i = 0
        for i, kind in enumerate(self.kinds):
            if i > self.taps[taps - 1]:
                break
            if kind == "conv":
                ops.append(("conv", self.convs[conv_i]))
                conv_i += 1
            else:
                ops.append((kind, None))
        last = self.grids[taps - 1]
        halo = int(((last.offset + 1 + 7) // 8) * 8)
        net = ValidFeatureNet(ops, self.taps[:taps], self.names[:taps], halo=halo)
        net.source = getattr(self, "source", "") + f" to {self.names[taps - 1]}"
        return net

    @property
    def alignment(self) -> int:
        """Blocks must start on multiples of this many pixels so pooling windows line up."""
        return max(g.stride for g in self.grids)

    def macs_per_pixel(self) -> float:
        """Multiply-adds per input pixel for one forward pass (for the speed limit)."""
        total, scale, conv_i = 0.0, 1.0, 0
        for i, kind in enumerate(self.kinds):
            if kind == "conv":
                c = self.convs[conv_i]
                total += scale * c.in_channels * c.out_channels * c.kernel_size[0] * c.kernel_size[1]
                conv_i += 1
            elif kind == "pool":
                scale /= 4.0
            if i >= self.taps[-1]:
                break
        return total
