"""The network's own layer forms equal the library ones they replace."""

import pytest
import torch
import torch.nn.functional as F

from nexture_core.network import build_random_net
from nexture_core.network.layers import avg_pool_2x2, pool_2x2_by_reshape


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
