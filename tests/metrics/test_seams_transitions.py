import numpy as np
import pytest

from nexture_core import metrics as M

from .synthetic import smooth_noise


def test_clean_map_boundaries_lie_in_interior_spread():
    d = smooth_noise(256, 1.5, seed=1)
    score = M.seam_score(d, [64, 128, 192], [96, 160])
    lo, hi = score.energy_spread
    assert lo < 1 < hi
    # Single columns are noisy: within the 5-95 % spread widened by 25 %.
    assert all(lo / 1.25 <= r <= hi * 1.25 for r in score.energy_ratios)
    assert score.passed()


def test_injected_step_seam_is_flagged():
    d = smooth_noise(256, 1.5, seed=1)
    d[:, 128:] += 1.0  # a jump between two blocks
    score = M.seam_score(d, [64, 128, 192], [])
    assert score.energy_ratios[1] > 3 * score.energy_spread[1]
    assert not score.passed()


def test_flat_cross_fade_seam_is_flagged_by_std():
    a, b = smooth_noise(256, 1.5, seed=2), smooth_noise(256, 1.5, seed=3)
    w = np.clip((np.arange(256) - 120) / 16.0, 0, 1)[None, :]
    blend = (1 - w) * a + w * b  # averaging unrelated detail flattens it mid-blend
    score = M.seam_score(blend, [128], [])
    assert score.std_ratios[0] < score.std_spread[0]
    assert not score.passed()


def test_tile_seam_score_tileable_vs_not():
    tileable = smooth_noise(128, 2.0, seed=4)  # wrap-blurred: tiles
    assert M.tile_seam_score(tileable).passed()
    rng = np.random.default_rng(5)
    from scipy import ndimage

    not_tileable = (
        ndimage.gaussian_filter(rng.standard_normal((128, 128)), 2.0, mode="reflect") + np.linspace(0, 1, 128)[None, :]
    )
    assert not M.tile_seam_score(not_tileable, sigma=8).passed()


def _disc_mask(size=128, radius=40):
    y, x = np.mgrid[0:size, 0:size]
    return (np.hypot(y - size / 2, x - size / 2) < radius).astype(np.float32)


def test_transition_peak_flags_a_hard_seam_line():
    d = smooth_noise(128, 1.5, seed=6)
    mask = _disc_mask()
    clean = M.transition_peak(d, mask)
    assert clean == pytest.approx(1.0, abs=0.4)
    seamed = d + 2.0 * mask  # a step along the contour
    assert M.transition_peak(seamed, mask) > 3.0


def test_transition_profile_axes_and_errors():
    d = smooth_noise(64, 1.5, seed=7)
    dist, prof = M.transition_profile(d, _disc_mask(64, 20), width=10)
    assert dist.shape == prof.shape == (21,)
    assert dist[0] == -10 and dist[-1] == 10
    with pytest.raises(ValueError):
        M.transition_profile(d, np.ones((64, 64), np.float32))
    with pytest.raises(ValueError):
        M.transition_profile(d, np.ones((32, 32), np.float32))
