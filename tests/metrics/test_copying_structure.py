import time

import numpy as np
import pytest

from nexture_core import metrics as M

from .synthetic import furrow_network, plant_pits, smooth_noise


@pytest.fixture(scope="module")
def pattern():
    return M.detail_band(furrow_network(256, 16, seed=0), 16)


@pytest.fixture(scope="module")
def other():
    return M.detail_band(furrow_network(256, 16, seed=1), 16)


def test_ncc_of_a_crop_of_the_pattern_is_one(pattern):
    assert M.max_ncc(pattern[40:168, 30:158], pattern) == pytest.approx(1.0, abs=1e-4)


def test_ncc_of_noise_and_of_an_independent_realisation_is_low(pattern, other):
    assert M.max_ncc(smooth_noise(128, 2.0, seed=9), pattern) < 0.6
    assert M.max_ncc(other, pattern) < M.COPY_NCC


def test_ncc_is_deterministic_and_fast_at_1k():
    a = smooth_noise(1024, 2.0, seed=1)
    b = smooth_noise(1024, 2.0, seed=2)
    started = time.monotonic()
    first = M.max_ncc(a, b)
    assert time.monotonic() - started < 30  # ~3 s on 2 idle cores; generous for a busy CI
    # Many positions in a 1k pattern: unrelated noise still peaks well under a copy's ~1.
    assert first < M.COPY_NCC
    assert M.max_ncc(a[:512, :512], b[:512, :512]) == M.max_ncc(a[:512, :512], b[:512, :512])


def test_connectivity_high_for_network_low_for_dots(pattern):
    dots, _ = plant_pits(256, 60, sigma=2.0, seed=3)
    assert M.crease_connectivity(pattern, 16) > 0.8
    assert M.crease_connectivity(dots, 16) < 0.2
    assert M.crease_connectivity(smooth_noise(256, 2.0, seed=4), 16) < 0.3


def test_connectivity_ratio_near_one_for_same_process(pattern, other):
    assert M.connectivity_ratio(other, pattern, 16) == pytest.approx(1.0, abs=0.15)


def test_patch_realism_separates_same_process_from_noise(pattern, other):
    same = M.patch_realism(other, pattern, patch=8)
    noise = M.patch_realism(smooth_noise(256, 2.0, seed=5), pattern, patch=8)
    copy = M.patch_realism(pattern[:128], pattern, patch=8)  # the reference half itself
    assert 0.8 < same < 1.2
    assert noise > 1.5
    assert copy < 0.1


def test_patch_realism_is_fast_at_1k():
    a = smooth_noise(1024, 2.0, seed=6)
    b = smooth_noise(1024, 2.0, seed=7)
    started = time.monotonic()
    value = M.patch_realism(a, b)
    assert time.monotonic() - started < 20
    assert 0.8 < value < 1.2


@pytest.mark.parametrize("count", [5, 12, 30])
def test_pore_count_equals_planted_pits(count):
    height, centres = plant_pits(128, count, sigma=2.0, seed=count)
    pores = M.find_pores(height)
    assert len(pores) == count
    # Every planted pit found within 2 px.
    for cy, cx in centres:
        assert np.min(np.hypot(pores[:, 0] - cy, pores[:, 1] - cx)) < 2.0
    stats = M.pore_stats(height)
    assert stats.density_per_kpx2 == pytest.approx(1000 * count / 128**2)
    assert 2.0 <= stats.median_radius_px <= 4.0  # sigma 2 pits: radius ~ 2 sqrt(2)


def test_pore_radius_follows_pit_size():
    small = M.pore_stats(plant_pits(160, 8, sigma=1.5, seed=1)[0]).median_radius_px
    large = M.pore_stats(plant_pits(160, 8, sigma=3.5, seed=1)[0]).median_radius_px
    assert large > 1.8 * small


def test_pores_found_in_cells_not_in_furrows():
    with_pores = M.pore_stats(M.detail_band(furrow_network(256, 16, seed=0, pores=True), 16), max_sigma=4)
    without = M.pore_stats(M.detail_band(furrow_network(256, 16, seed=0, pores=False), 16), max_sigma=4)
    assert with_pores.count > 3 * max(1, without.count)


def test_copy_check_reference_is_the_patterns_own_halves(pattern, other):
    """Independent detail of the same kind scores near the halves' NCC; a copy far above it."""
    reference = M.independent_ncc(pattern)
    assert 0.3 < reference < 0.97
    assert M.max_ncc(other, pattern) <= reference + M.COPY_MARGIN
    assert M.max_ncc(pattern[40:168, 30:158], pattern) > reference + M.COPY_MARGIN


def test_copy_patch_follows_the_cell_within_bounds():
    assert M.ncc_patch_for_cell(10) == 32
    assert M.ncc_patch_for_cell(80) == 64
    assert M.ncc_patch_for_cell(400) == 96
