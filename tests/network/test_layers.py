"""The network's own layer forms equal the library ones they replace."""

import pytest
import torch
import torch.nn.functional as F

from nexture_core.network import build_random_net
from nexture_core.network.layers import avg_pool_2x2, grey_conv, pool_2x2_by_reshape


@pytest.mark.parametrize("shape", [(1, 3, 8, 10), (2, 4, 9, 7), (1, 1, 2, 3)])
def test_reshape_pool_equals_avg_pool2d_values_and_gradients(shape):
    g = torch.Generator().manual_seed(1)
    x = torch.rand(*shape, generator=g, dtype=torch.float64)
    a = x.clone().requires_grad_(True)
    b = x.clone().requires_grad_(True)
    ya, yb = pool_2x2_by_reshape(a), F.avg_pool2d(b, 2, 2)
    assert ya.shape == yb.shape
    torch.testing.assert_close(ya, yb)
    w = torch.rand(ya.shape, generator=g, dtype=torch.float64)
    (ya * w).sum().backward()
    (yb * w).sum().backward()
    torch.testing.assert_close(a.grad, b.grad)


@pytest.mark.parametrize("shape", [(1, 1, 9, 12), (1, 1, 3, 3)])
def test_grey_conv_equals_conv2d_values_and_gradients(shape):
    g = torch.Generator().manual_seed(2)
    x = torch.rand(*shape, generator=g, dtype=torch.float64)
    weight = torch.randn(5, 1, 3, 3, generator=g, dtype=torch.float64)
    bias = torch.randn(5, generator=g, dtype=torch.float64)
    a = x.clone().requires_grad_(True)
    b = x.clone().requires_grad_(True)
    ya, yb = grey_conv(a, weight, bias), F.conv2d(b, weight, bias)
    torch.testing.assert_close(ya, yb)
    w = torch.rand(ya.shape, generator=g, dtype=torch.float64)
    (ya * w).sum().backward()
    (yb * w).sum().backward()
    torch.testing.assert_close(a.grad, b.grad)
    ya.relu_()  # the network's in-place ReLU needs an output that is not a view
    assert torch.autograd.gradcheck(lambda t: grey_conv(t, weight, bias), (x.clone().requires_grad_(True),))


def test_grey_conv_runs_in_autocast_type():
    x = torch.rand(1, 1, 8, 8)
    weight, bias = torch.randn(4, 1, 3, 3), torch.randn(4)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        y = grey_conv(x, weight, bias)
    assert y.dtype == torch.bfloat16
    torch.testing.assert_close(y.float(), F.conv2d(x, weight, bias), atol=0.05, rtol=0.02)


def test_cpu_pool_is_the_library_kernel():
    x = torch.rand(1, 2, 6, 6)
    assert torch.equal(avg_pool_2x2(x), F.avg_pool2d(x, 2, 2))


def _reference_forward(net, x):
    """The same ops with out-of-place ReLU and the library pool."""
    out, conv_i = [], 0
    for i, kind in enumerate(net.kinds):
        if kind == "conv":
            x = net.convs[conv_i](x)
            conv_i += 1
        elif kind == "relu":
            x = torch.relu(x)
        elif kind == "pool":
            x = F.avg_pool2d(x, 2, 2)
        if i in net.taps:
            out.append(x)
        if i >= net.taps[-1]:
            break
    return out


def test_in_place_relu_gives_the_reference_features_and_gradients():
    torch.manual_seed(0)
    net = build_random_net(width=8)
    x = torch.rand(1, 3, 40 + 2 * net.halo, 40 + 2 * net.halo, dtype=torch.float64)
    net = net.double()
    a, b = x.clone().requires_grad_(True), x.clone().requires_grad_(True)
    fa, fb = net(a), _reference_forward(net, b)
    assert len(fa) == len(fb) == len(net.taps)
    for u, v in zip(fa, fb):
        torch.testing.assert_close(u, v)
    sum(f.square().mean() for f in fa).backward()
    sum(f.square().mean() for f in fb).backward()
    torch.testing.assert_close(a.grad, b.grad)
    assert a.grad.abs().sum() > 0


@pytest.mark.parametrize("with_colour_conv", [False, True])
def test_grey_input_through_the_folded_first_conv_equals_grey_replicated_to_rgb(with_colour_conv):
    from torch import nn

    from nexture_core.network.layers import ValidFeatureNet

    torch.manual_seed(2)
    ops = [("conv", nn.Conv2d(3, 5, 3)), ("relu", None), ("pool", None), ("conv", nn.Conv2d(5, 6, 3)), ("relu", None)]
    if with_colour_conv:  # VGG's normalisation: a 1x1 colour conv before conv1_1
        ops.insert(0, ("conv", nn.Conv2d(3, 3, 1)))
    taps = [i for i, (kind, _) in enumerate(ops) if kind == "relu"]
    net = ValidFeatureNet(ops, taps, ["a", "b"], halo=8).double()
    assert net.grey_skip == (2 if with_colour_conv else 1)
    grey = torch.rand(1, 1, 30, 34, dtype=torch.float64)
    a, b = grey.clone().requires_grad_(True), grey.clone().requires_grad_(True)
    fa, fb = net(a), net(b.expand(-1, 3, -1, -1))
    for u, v in zip(fa, fb):
        torch.testing.assert_close(u, v, rtol=1e-6, atol=1e-6)
    sum(f.square().mean() for f in fa).backward()
    sum(f.square().mean() for f in fb).backward()
    torch.testing.assert_close(a.grad, b.grad, rtol=1e-6, atol=1e-9)
