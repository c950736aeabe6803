import json
import math

import numpy as np
import pytest

from nexture_core import metrics as M

from .synthetic import furrow_network, smooth_noise

CELL = 16
SIGMA = 8.0  # scales.structure_sigma_px(16, 1.0)


def make_input(size=128, seed=0):
    """A sculpt-like input: broad forms only (no detail band at SIGMA), range ~1."""
    y, x = (np.mgrid[0:size, 0:size].astype(np.float32) + 0.5) / size
    # Cosines with zero slope at the borders: no kink under reflection either.
    return (0.5 + 0.25 * np.cos(np.pi * x) * np.cos(np.pi * y) + 0.1 * np.cos(np.pi * y)).astype(np.float32)


@pytest.fixture(scope="module")
def case():
    inp = make_input()
    pattern = furrow_network(128, CELL, seed=0)
    target = 0.05
    good_detail = M.detail_band(furrow_network(128, CELL, seed=5), SIGMA)
    noise_detail = M.detail_band(smooth_noise(128, 1.0, seed=6), SIGMA)
    good = inp + good_detail * (target / good_detail.std())
    noisy = inp + noise_detail * (target / noise_detail.std())
    copied = inp + M.detail_band(pattern, SIGMA) * (target / M.detail_band(pattern, SIGMA).std())
    return inp, pattern, target, good, noisy, copied


def test_good_output_passes_the_targets(case):
    inp, pattern, target, good, _, _ = case
    r = M.evaluate(good, inp, pattern, 1.0, SIGMA, strength_target_std=target)
    assert r.structure_psnr_db >= 40
    assert r.detail_std_ratio == pytest.approx(1.0, abs=0.15)
    assert r.spectrum_distance_db <= 3
    assert r.orientation_l1 <= 0.15
    assert r.max_ncc < 0.97
    # As close to the pattern as the pattern's own halves are to each other, no closer.
    assert r.ncc_excess is not None and r.ncc_excess <= M.COPY_MARGIN
    assert 0.5 <= r.connectivity_ratio <= 2
    assert r.patch_realism <= 1.5
    assert r.passed, r.as_rows()


def test_noise_detail_fails_the_structure_measures(case):
    inp, pattern, target, _, noisy, _ = case
    r = M.evaluate(noisy, inp, pattern, 1.0, SIGMA, strength_target_std=target)
    assert r.patch_realism > 1.5
    assert r.connectivity_ratio < 0.5
    assert not r.passed


def test_copied_pattern_is_caught(case):
    inp, pattern, target, _, _, copied = case
    r = M.evaluate(copied, inp, pattern, 1.0, SIGMA, strength_target_std=target)
    assert r.max_ncc > 0.97
    assert M.report.meets("max_ncc", r.max_ncc) is False
    assert r.ncc_excess > M.COPY_MARGIN and M.report.meets("ncc_excess", r.ncc_excess) is False


def test_upscaled_output_and_pattern_multiplier():
    inp = make_input(64)
    pattern = furrow_network(64, 8, seed=0)  # cells of 8 px, shown at x2 -> 16 px
    detail = M.detail_band(M.resample_pattern(furrow_network(64, 8, seed=3), 2.0), SIGMA)
    out = M.upsample(inp, 2) + 0.02 * detail / detail.std()
    r = M.evaluate(out, inp, pattern, 2.0, SIGMA, strength_target_std=0.02)
    assert r.structure_psnr_db > 35
    assert r.spectrum_distance_db < 4
    assert r.patch_realism < 1.5
    assert r.cell_px == 2 * SIGMA


def test_mask_restricts_and_scores_edge(case):
    inp, pattern, target, good, noisy, _ = case
    mask = np.zeros((64, 64), np.float32)  # any size: resampled to the output's
    mask[:, :32] = 1.0
    half = good.copy()
    half[:, 64:] = noisy[:, 64:]
    r = M.evaluate(half, inp, pattern, 1.0, SIGMA, strength_target_std=target, mask=mask)
    assert r.transition_peak is not None and r.transition_peak < 2.0
    assert r.patch_realism < 1.5  # only the good half is judged
    with pytest.raises(ValueError):
        M.evaluate(half, inp, pattern, 1.0, SIGMA, mask=np.zeros((8, 8), np.float32))


def test_report_rows_dict_and_json(case):
    inp, pattern, target, good, _, _ = case
    r = M.evaluate(good, inp, pattern, 1.0, SIGMA, strength_target_std=target, wrap=True)
    rows = r.as_rows()
    labels = [row[0] for row in rows]
    assert "structure PSNR (dB)" in labels and "tile seam energy ratio" in labels
    assert all(len(row) == 4 for row in rows)
    d = r.to_dict()
    assert d["checks"]["structure_psnr_db"] is True
    assert isinstance(d["passed"], bool)
    json.dumps(d)


def test_target_detail_std_mirrors_the_engine():
    """The metrics' target and the engine's finest-level target agree: one amplitude rule."""
    import torch

    from nexture_core.network import load_backbone
    from nexture_core.synthesis.targets import level_target

    pattern = furrow_network(128, CELL, seed=0)
    net = load_backbone("random", None, torch.device("cpu"))
    for multiplier in (1.0, 0.5):
        sigma = max(2.0, 0.5 * CELL * multiplier)
        engine = level_target(net, torch.from_numpy(pattern)[None, None], multiplier, sigma, 256, True, None)
        expected = 3.0 * engine.detail_std
        assert M.target_detail_std(pattern, multiplier, sigma, 3.0) == pytest.approx(expected, rel=0.05)
        assert math.isfinite(expected)


def test_tiling_pattern_connectivity_is_judged_on_the_outputs_window():
    """A 64 px tile loses its seam-crossing furrows to its border; the output's 256 px window does not."""
    from nexture_core.metrics.report import same_window

    tile = M.detail_band(furrow_network(64, CELL, seed=2, pores=False), SIGMA, wrap=True)
    window = same_window(tile, (256, 192))
    assert window.shape == (256, 192)
    np.testing.assert_array_equal(window[64:128, 64:128], tile)  # a repeat, nothing invented
    assert M.crease_connectivity(window, CELL) > M.crease_connectivity(tile, CELL) + 0.03
    # The output as the tiling itself: the ratio reads 1, not the border's bias.
    out = make_input(256)[:, :192] + window * (0.05 / window.std())
    r = M.evaluate(out, make_input(256)[:, :192], tile, 1.0, SIGMA, strength_target_std=0.05)
    assert r.connectivity_ratio == pytest.approx(1.0, abs=0.05)
    big = np.zeros((2048, 2048), np.float32)
    assert same_window(big, (300, 300)) is big  # a larger pattern keeps its own window
    assert same_window(tile, (4096, 4096)).shape == (M.report.SAME_WINDOW_MAX,) * 2
