"""Block-wise feature statistics and gradients equal the whole image's exactly."""

import pytest
import torch

from nexture_core import filters
from nexture_core.network import build_random_net
from nexture_core.synthesis.blocks import block_moments, gather, plan_blocks, scatter
from nexture_core.synthesis.loss import TargetStats, moment_loss, texture_loss


def _target(net, seed=5):
    g = torch.Generator().manual_seed(seed)
    z = torch.rand(1, 1, 96, 96, generator=g)
    padded = filters.pad_image(z, net.halo, wrap=True)
    m = gather(net, padded, plan_blocks(96, 96, 96, net.alignment), 1)
    means, grams = m.means_and_grams()
    return TargetStats([x[0] for x in means], [x[0] for x in grams])


@pytest.mark.parametrize("wrap", [False, True])
@pytest.mark.parametrize("size", [(80, 120), (77, 93)])
def test_blockwise_moments_and_gradient_match_whole_image(wrap, size):
    torch.manual_seed(0)
    net = build_random_net(width=8)
    h, w = size
    x = torch.rand(1, 1, h, w, dtype=torch.float32)
    padded = filters.pad_image(x, net.halo, wrap)
    target = _target(net)

    whole = plan_blocks(h, w, 4096, net.alignment)
    assert len(whole) == 1
    p1 = padded.clone().requires_grad_(True)
    sums, grams, weights = block_moments(net, p1, whole[0])
    loss = texture_loss(sums, grams, weights, [target], [1.0])
    loss.backward()

    blocks = plan_blocks(h, w, 24, net.alignment)
    assert len(blocks) > 4
    moments = gather(net, padded, blocks, 1)
    for l in range(len(sums)):
        assert torch.allclose(moments.sums[l].float(), sums[l].detach(), rtol=1e-4, atol=1e-3)
        assert torch.allclose(moments.grams[l].float(), grams[l].detach(), rtol=1e-4, atol=1e-3)
        assert float(moments.weights[l][0]) == float(weights[l][0])
    value, gs, gg = moment_loss(moments, [target], [1.0])
    assert value == pytest.approx(float(loss.detach()), rel=1e-4)
    grad = scatter(net, padded, blocks, gs, gg)
    assert torch.allclose(grad, p1.grad, rtol=1e-3, atol=1e-6 + 1e-3 * float(p1.grad.abs().max()))


def test_feature_positions_cover_each_pixel_once():
    net = build_random_net(width=4)
    h, w = 64, 72
    padded = filters.pad_image(torch.rand(1, 1, h, w), net.halo, False)
    moments = gather(net, padded, plan_blocks(h, w, 16, net.alignment), 1)
    # The first layer has stride 1: exactly one own position per image pixel.
    assert float(moments.weights[0][0]) == h * w


@pytest.mark.weights
def test_vgg_blockwise_moments_match_whole_image():
    from nexture_core.network import load_vgg19

    net = load_vgg19()
    x = torch.rand(1, 1, 72, 88)
    padded = filters.pad_image(x, net.halo, False)
    whole = gather(net, padded, plan_blocks(72, 88, 4096, net.alignment), 1)
    parts = gather(net, padded, plan_blocks(72, 88, 32, net.alignment), 1)
    for a, b in zip(whole.grams, parts.grams):
        assert torch.allclose(a, b, rtol=1e-4, atol=1e-4 * float(a.abs().max()))


@pytest.mark.parametrize("dtype", [torch.float64, torch.bfloat16])
def test_own_moments_backward_equals_autograd(dtype):
    """The written-out crop, sum and Gram backward gives autograd's gradient (bfloat16: to its rounding)."""
    from nexture_core.synthesis.blocks import _OwnMoments

    g = torch.Generator().manual_seed(4)
    feature = torch.rand(1, 5, 9, 11, generator=g, dtype=torch.float64).to(dtype)
    ws, wg = torch.rand(5, generator=g), torch.rand(5, 5, generator=g)
    own = (2, 7, 1, 10)
    a, b = feature.clone().requires_grad_(True), feature.clone().requires_grad_(True)
    s_a, g_a = _OwnMoments.apply(a, own)
    f = b[0, :, 2:7, 1:10].reshape(5, -1).double()
    s_b, g_b = f.sum(1), f @ f.T
    tol = dict(rtol=1e-2, atol=1e-2) if dtype == torch.bfloat16 else dict(rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(s_a.double(), s_b, **tol)
    torch.testing.assert_close(g_a.double(), g_b, **tol)
    assert s_a.dtype == g_a.dtype == torch.float32  # moments accumulate in float32 whatever the network ran in
    ((s_a * ws).sum() + (g_a * wg).sum()).backward()
    ((s_b * ws.double()).sum() + (g_b * wg.double()).sum()).backward()
    torch.testing.assert_close(a.grad.double(), b.grad.double(), **tol)
    assert float(a.grad[0, :, :2].abs().sum()) == 0.0  # halo positions get no gradient of their own
