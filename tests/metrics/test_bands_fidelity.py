import numpy as np
import pytest

from nexture_core import metrics as M

from .synthetic import smooth_noise


def test_detail_plus_lowpass_is_input():
    x = smooth_noise(64, 1.0, seed=1)
    assert np.allclose(M.lowpass(x, 4) + M.detail_band(x, 4), x, atol=1e-6)


def test_wrap_lowpass_of_tileable_map_has_no_border_effect():
    x = smooth_noise(64, 1.0, seed=2)  # tileable
    rolled = np.roll(x, (17, 23), axis=(0, 1))
    assert np.allclose(
        np.roll(M.lowpass(x, 6, wrap=True), (17, 23), axis=(0, 1)), M.lowpass(rolled, 6, wrap=True), atol=1e-5
    )


def test_upsample_and_resample_pattern_sizes():
    x = smooth_noise(40, 3.0, seed=3, shape=(40, 50))
    assert M.upsample(x, 2).shape == (80, 100)
    assert M.resample_pattern(x, 0.5).shape == (20, 25)
    assert M.resize_to(x, (33, 47)).shape == (33, 47)
    with pytest.raises(ValueError):
        M.resample_pattern(x, 0)


def test_upsample_keeps_a_smooth_ramp():
    y, x = np.mgrid[0:32, 0:32].astype(np.float32)
    big = M.upsample(x + 2 * y, 2)
    # Interior of the upsampled ramp follows the ramp at half the slope per pixel.
    assert np.allclose(np.diff(big[10:50, 10:50], axis=1), 0.5, atol=1e-3)


def test_structure_psnr_identical_and_known_offset():
    x = smooth_noise(64, 4.0, seed=4)
    assert M.structure_psnr(x, x, 4) == M.MAX_PSNR_DB
    lo = M.lowpass(x, 4)
    peak = float(lo.max() - lo.min())
    # A constant shift of 1 % of the peak: MSE = (0.01 peak)^2 -> exactly 40 dB.
    assert M.structure_psnr(x + 0.01 * peak, x, 4) == pytest.approx(40.0, abs=1e-3)


def test_structure_psnr_ignores_fine_detail():
    base = smooth_noise(128, 8.0, seed=5)
    fine = 0.05 * smooth_noise(128, 0.7, seed=6)
    assert M.structure_psnr(base + fine, base, 8) > 40
    with pytest.raises(ValueError):
        M.structure_psnr(base, base[:64], 8)


def test_detail_std_ratio():
    d = smooth_noise(64, 1.0, seed=7)
    assert M.detail_std_ratio(2 * d, d) == pytest.approx(2.0, rel=1e-6)
    assert M.detail_std_ratio(d, float(d.std()) / 0.5) == pytest.approx(0.5, rel=1e-6)
    with pytest.raises(ValueError):
        M.detail_std_ratio(d, 0.0)
