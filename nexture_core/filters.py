"""Gaussian low-pass, detail band and resampling on torch tensors, (B, C, H, W).

The structure/detail split of the whole method lives here: ``lowpass`` is what
must stay equal to the input's, ``detail = x - lowpass(x)`` is what follows the
pattern. ``wrap=True`` treats the map as tileable (wrap-around everywhere).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from scipy.fft import next_fast_len


def gaussian_kernel(sigma: float, device: torch.device, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    radius = max(1, int(math.ceil(3.0 * sigma)))
    t = torch.arange(-radius, radius + 1, device=device, dtype=torch.float64)
    k = torch.exp(-0.5 * (t / sigma) ** 2)
    return (k / k.sum()).to(dtype)


def _pad_1d(x: torch.Tensor, radius: int, dim: int, wrap: bool, after: int = -1) -> torch.Tensor:
    """Pad ``radius`` before and ``after`` (default: ``radius``) along ``dim`` (2 or 3)."""
    after = radius if after < 0 else after
    pads = [0, 0, 0, 0]
    if dim == 3:
        pads[0], pads[1] = radius, after
    else:
        pads[2], pads[3] = radius, after
    if wrap:
        return F.pad(x, pads, mode="circular")
    size = x.shape[dim]
    if max(radius, after) < size:
        return F.pad(x, pads, mode="reflect")
    # A kernel wider than the image: reflect as far as possible, then repeat edges.
    r = size - 1
    inner = [min(p, r) for p in pads]
    x = F.pad(x, inner, mode="reflect") if r > 0 else x
    rest = [p - q for p, q in zip(pads, inner)]
    return F.pad(x, rest, mode="replicate")


def lowpass(x: torch.Tensor, sigma: float, wrap: bool = False) -> torch.Tensor:
    """Gaussian blur of every channel; ``sigma`` in pixels.

    Small kernels run as separable convolutions; wide ones (the structure split
    uses sigmas of tens of pixels) through the FFT, whose cost does not grow
    with sigma. Borders are reflected, or wrapped for tileable maps.
    """
    if sigma <= 0:
        return x
    if sigma >= FFT_SIGMA:
        return _lowpass_fft(x, sigma, wrap)
    return separable_blur(x, sigma, wrap, by_shifts=x.is_cuda)


def separable_blur(x: torch.Tensor, sigma: float, wrap: bool, by_shifts: bool) -> torch.Tensor:
    """The Gaussian as two 1-D passes, by convolution or by shifted adds.

    On CUDA, shifted adds: a one-channel convolution gains nothing from cuDNN,
    whose algorithms may take work buffers of many times a full-size map; the
    adds need one output buffer per pass and give the same values.
    """
    b, c, h, w = x.shape
    k = gaussian_kernel(sigma, x.device, x.dtype)
    radius = (k.numel() - 1) // 2
    flat = x.reshape(b * c, 1, h, w)
    if by_shifts:
        taps = k.tolist()
        flat = _shift_sum(_pad_1d(flat, radius, 3, wrap), taps, 3, w)
        flat = _shift_sum(_pad_1d(flat, radius, 2, wrap), taps, 2, h)
    else:
        flat = F.conv2d(_pad_1d(flat, radius, 3, wrap), k.view(1, 1, 1, -1))
        flat = F.conv2d(_pad_1d(flat, radius, 2, wrap), k.view(1, 1, -1, 1))
    return flat.reshape(b, c, h, w)


def _shift_sum(padded: torch.Tensor, taps: list, dim: int, n: int) -> torch.Tensor:
    out = padded.narrow(dim, 0, n) * taps[0]
    for i in range(1, len(taps)):
        out.add_(padded.narrow(dim, i, n), alpha=taps[i])
    return out


FFT_SIGMA = 3.0


def _gaussian_transfer(n: int, sigma: float, device: torch.device, real: bool) -> torch.Tensor:
    f = torch.fft.rfftfreq(n, device=device) if real else torch.fft.fftfreq(n, device=device)
    return torch.exp(-2.0 * (math.pi * sigma * f) ** 2)


def _lowpass_fft(x: torch.Tensor, sigma: float, wrap: bool) -> torch.Tensor:
    h, w = x.shape[-2:]
    radius = 0 if wrap else int(math.ceil(3.0 * sigma))
    if radius:
        # Reflected margins of at least the kernel radius, out to lengths with only
        # small prime factors: others fall back to Bluestein's algorithm, several
        # times slower and, on CUDA, with work buffers of several times the image
        # (a suspect in a 35 GiB peak measured at 16k).
        x = _pad_1d(x, radius, 3, False, next_fast_len(w + 2 * radius, real=True) - w - radius)
        x = _pad_1d(x, radius, 2, False, next_fast_len(h + 2 * radius, real=True) - h - radius)
    ph, pw = x.shape[-2:]
    spectrum = torch.fft.rfft2(x.float())
    gy = _gaussian_transfer(ph, sigma, x.device, real=False)
    gx = _gaussian_transfer(pw, sigma, x.device, real=True)
    out = torch.fft.irfft2(spectrum * (gy[:, None] * gx[None, :]), s=(ph, pw)).to(x.dtype)
    if radius:
        out = out[..., radius : radius + h, radius : radius + w]
    return out


def detail(x: torch.Tensor, sigma: float, wrap: bool = False) -> torch.Tensor:
    """The detail band: what the Gaussian of ``sigma`` pixels removes."""
    return x - lowpass(x, sigma, wrap)


def resize(x: torch.Tensor, size: tuple, wrap: bool = False) -> torch.Tensor:
    """Resample to ``(H, W)``: bicubic, antialiased when shrinking.

    Always through torch's antialiased path: its bicubic is Catmull-Rom
    (a = -0.5), which keeps a ramp a ramp when enlarging; the plain path's
    a = -0.75 puts a two-pixel ripple on every slope of an upscaled sculpt.
    """
    h, w = x.shape[-2:]
    if (h, w) == tuple(size):
        return x
    if wrap:
        # Resample a wrapped copy so the result still tiles, then crop the margin.
        m = 4
        sy, sx = size[0] / h, size[1] / w
        padded = F.pad(x, (m, m, m, m), mode="circular")
        big = (int(round((h + 2 * m) * sy)), int(round((w + 2 * m) * sx)))
        out = F.interpolate(padded, size=big, mode="bicubic", align_corners=False, antialias=True)
        oy, ox = int(round(m * sy)), int(round(m * sx))
        return out[..., oy : oy + size[0], ox : ox + size[1]].contiguous()
    return F.interpolate(x, size=tuple(size), mode="bicubic", align_corners=False, antialias=True)


def pad_image(x: torch.Tensor, halo: int, wrap: bool) -> torch.Tensor:
    """Pad by ``halo`` on every side for the valid-convolution network."""
    if wrap:
        return F.pad(x, (halo,) * 4, mode="circular")
    h, w = x.shape[-2:]
    if halo < h and halo < w:
        return F.pad(x, (halo,) * 4, mode="reflect")
    return _pad_1d(_pad_1d(x, halo, 3, False), halo, 2, False)
