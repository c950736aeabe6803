"""Display renderings: downsampling, levels, the blue preview tint, crops."""

from __future__ import annotations

import numpy as np

from nexture_core.ui import imaging


def test_downsample_keeps_means_and_bounds_the_size():
    rng = np.random.default_rng(0)
    big = rng.random((1000, 600), dtype=np.float32)
    small = imaging.downsample(big, max_side=256)
    assert max(small.shape) <= 256
    factor = 1000 // small.shape[0]
    assert np.isclose(small[0, 0], big[:factor, :factor].mean(), atol=1e-5)
    assert imaging.downsample(big[:100, :100], max_side=256).shape == (100, 100)


def test_level_ignores_outliers_and_handles_flat_maps():
    arr = np.linspace(0, 1, 10000, dtype=np.float32).reshape(100, 100)
    arr[0, 0] = 1e6
    out = imaging.level(arr)
    assert out.min() == 0.0 and out.max() == 1.0
    assert 0.4 < out[50, 50] < 0.6  # a single spike does not flatten the rest
    assert np.all(imaging.level(np.ones((8, 8), np.float32)) == 0.5)


def test_blue_tint_is_blue_and_monotonic():
    ramp = np.linspace(0, 1, 32, dtype=np.float32)[None, :]
    rgb = imaging.blue_tint(ramp).astype(int)
    assert rgb.shape == (1, 32, 3) and rgb.dtype == np.int64
    assert np.all(rgb[..., 2] >= rgb[..., 0])  # blue dominates red everywhere
    assert np.all(np.diff(rgb[0, :, 2]) >= 0)


def test_shaded_relief_lights_slopes_differently():
    x = np.linspace(-1, 1, 64, dtype=np.float32)
    dome = np.exp(-(x[None, :] ** 2 + x[:, None] ** 2) * 4)
    relief = imaging.shaded(dome)
    assert relief.shape == dome.shape and 0.0 <= relief.min() and relief.max() <= 1.0
    # Light comes from the upper left: that flank is brighter than the opposite one.
    assert relief[20, 20] > relief[44, 44]


def test_crop_around_clamps_to_the_map():
    arr = np.arange(300 * 200, dtype=np.float32).reshape(300, 200)
    crop, rect = imaging.crop_around(arr, (5.0, 290.0), 128)
    assert rect == (0, 172, 128, 128)
    assert np.array_equal(crop, arr[172:300, 0:128])
    crop, rect = imaging.crop_around(arr, (100.0, 150.0), 256)
    assert rect == (0, 22, 200, 256) and crop.shape == (256, 200)


def test_display_maps_records_the_full_size():
    arr = np.random.default_rng(1).random((300, 500)).astype(np.float32)
    shown = imaging.display_maps(arr, max_side=128)
    assert shown.full_size == (500, 300)
    assert shown.height.dtype == np.uint8 and max(shown.height.shape) <= 128
    assert shown.relief.shape == shown.height.shape
    assert shown.factor > 3.5


def test_outputs_are_labelled_by_pattern():
    from pathlib import Path

    from nexture_core.ui.tasks import label_outputs

    paths = [
        Path("/o/face_cheek_displacement.tif"),
        Path("/o/face_cheek_normal.tif"),
        Path("/o/face_back_of_hand_displacement.tif"),
    ]
    assert label_outputs(paths, ["cheek", "back", "back_of_hand"]) == {"cheek": paths[0], "back_of_hand": paths[2]}
    assert label_outputs([Path("/o/custom.exr")], ["cheek"]) == {"custom.exr": Path("/o/custom.exr")}
