import math

import numpy as np
import pytest

from nexture_core import metrics as M

from .synthetic import furrow_network, smooth_noise, stripes


def test_spectrum_distance_with_itself_is_zero():
    d = M.detail_band(furrow_network(128, 16, seed=0), 8)
    assert M.spectrum_distance_db(d, d, 8) == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("gain", [2.0, 0.5, 3.0])
def test_spectrum_distance_of_scaled_copy_is_the_gain_in_db(gain):
    d = M.detail_band(furrow_network(128, 16, seed=0), 8)
    assert M.spectrum_distance_db(gain * d, d, 8) == pytest.approx(abs(20 * math.log10(gain)), abs=1e-6)


def test_spectrum_distance_small_for_same_process_large_for_other_scale():
    a = smooth_noise(128, 1.5, seed=1)
    b = smooth_noise(160, 1.5, seed=2, shape=(160, 96))  # different size and shape
    coarse = smooth_noise(128, 4.0, seed=3)
    same = M.spectrum_distance_db(a, b, 6)
    other = M.spectrum_distance_db(a, coarse, 6)
    assert same < 3.0
    assert other > 3 * same and other > 9.0


def test_spectrum_of_large_map_uses_tiles_and_agrees():
    big = smooth_noise(1200, 1.5, seed=4, shape=(1100, 1200))
    small = smooth_noise(256, 1.5, seed=5)
    assert M.spectrum_distance_db(big, small, 6) < 1.5


def test_orientation_of_vertical_vs_horizontal_stripes_is_maximal():
    assert M.orientation_l1(stripes(vertical=True), stripes(vertical=False)) == pytest.approx(2.0, abs=1e-6)
    assert M.orientation_l1(stripes(vertical=True), stripes(vertical=True)) == pytest.approx(0.0, abs=1e-9)


def test_orientation_histogram_sums_to_one_and_rotation_is_seen():
    d = M.detail_band(furrow_network(128, 16, seed=0), 8)
    hist = M.orientation_histogram(d)
    assert hist.sum() == pytest.approx(1.0)
    iso = M.orientation_l1(d, M.detail_band(furrow_network(128, 16, seed=1), 8))
    # Stretching along x makes furrows run mostly along x: a different histogram.
    stretched = M.resize_to(d, (128, 384))[:, :128]
    assert iso < 0.15
    assert M.orientation_l1(d, stretched) > 2 * iso + 0.1


def test_orientation_of_flat_map_is_uniform():
    assert np.allclose(M.orientation_histogram(np.zeros((16, 16), np.float32)), 1 / 18)
