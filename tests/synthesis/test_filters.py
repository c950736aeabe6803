"""The blur's fast paths give the values of the plain ones."""

import math

import pytest
import torch

from nexture_core import filters


def test_fft_blur_pads_to_lengths_with_small_prime_factors(monkeypatch):
    """A map plus its blur margin with a large prime factor is padded further."""

    def smooth(m):
        for p in (2, 3, 5, 7):
            while m % p == 0:
                m //= p
        return m == 1

    shapes = []
    rfft2 = torch.fft.rfft2
    monkeypatch.setattr(torch.fft, "rfft2", lambda x, *a, **k: shapes.append(tuple(x.shape[-2:])) or rfft2(x, *a, **k))
    sigma = 4.0
    radius = math.ceil(3 * sigma)
    h, w = 2063 - 2 * radius, 1031 - 2 * radius  # 2063 and 1031 are prime
    out = filters.lowpass(torch.rand(1, 1, h, w), sigma)
    assert out.shape[-2:] == (h, w)
    assert len(shapes) == 1
    ph, pw = shapes[0]
    assert ph >= h + 2 * radius and pw >= w + 2 * radius
    assert smooth(ph) and smooth(pw)


@pytest.mark.parametrize("wrap", [False, True])
@pytest.mark.parametrize("sigma", [0.7, 2.5])
def test_shifted_adds_equal_the_convolution(wrap, sigma):
    g = torch.Generator().manual_seed(3)
    x = torch.rand(1, 2, 37, 53, generator=g, dtype=torch.float64)
    a = filters.separable_blur(x, sigma, wrap, by_shifts=True)
    b = filters.separable_blur(x, sigma, wrap, by_shifts=False)
    torch.testing.assert_close(a, b)


def test_shifted_adds_carry_the_gradient_of_the_convolution():
    g = torch.Generator().manual_seed(4)
    x = torch.rand(1, 1, 30, 41, generator=g, dtype=torch.float64)
    w = torch.rand(1, 1, 30, 41, generator=g, dtype=torch.float64)
    grads = []
    for by_shifts in (True, False):
        v = x.clone().requires_grad_(True)
        (filters.separable_blur(v, 1.5, False, by_shifts) * w).sum().backward()
        grads.append(v.grad)
    torch.testing.assert_close(grads[0], grads[1])


def test_fft_blur_on_padded_fast_lengths_matches_the_convolution():
    """The FFT path, with margins grown to 7-smooth lengths, equals direct blurring."""
    g = torch.Generator().manual_seed(5)
    x = torch.rand(1, 1, 101, 67, generator=g, dtype=torch.float64)
    sigma = 4.0
    fft = filters.lowpass(x, sigma)  # sigma >= FFT_SIGMA: the FFT path
    assert sigma >= filters.FFT_SIGMA
    direct = filters.separable_blur(x, sigma, False, by_shifts=False)
    assert torch.allclose(fft, direct, atol=2e-3 * float(x.std()))  # sampled vs continuous Gaussian
    assert not math.isnan(float(fft.sum()))


@pytest.mark.parametrize("wrap", [False, True])
def test_enlarging_keeps_a_ramp_a_ramp(wrap):
    """An upscaled slope has no two-pixel ripple (the a = -0.75 bicubic has one)."""
    y, x = torch.meshgrid(torch.arange(48.0), torch.arange(48.0), indexing="ij")
    big = filters.resize((x + 2 * y)[None, None], (96, 96), wrap=wrap)[0, 0]
    steps = big[20:70, 20:70].diff(dim=1)
    assert torch.allclose(steps, torch.full_like(steps, 0.5), atol=1e-4)
