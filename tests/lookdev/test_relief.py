from pathlib import Path

import numpy as np
import pytest

from nexture_core import lookdev, relief


def _bumps(size=96, seed=0):
    from scipy import ndimage

    rng = np.random.default_rng(seed)
    return ndimage.gaussian_filter(rng.standard_normal((size, size)), 2.0).astype(np.float32)


def test_flat_map_shades_to_the_light_altitude():
    s = lookdev.shaded_relief(np.zeros((16, 16), np.float32), exaggeration=1.0)
    assert s.shape == (16, 16) and s.dtype == np.float32
    assert np.allclose(s, np.sin(np.radians(45)))


def test_slope_facing_the_northwest_light_is_brighter():
    y, x = np.mgrid[0:32, 0:32].astype(np.float32)
    facing = lookdev.shaded_relief(x + y, exaggeration=0.5)  # height rises to the SE: faces NW
    away = lookdev.shaded_relief(-(x + y), exaggeration=0.5)
    assert facing.mean() > 0.9 and away.mean() < 0.4


def test_auto_exaggeration_is_unit_free():
    h = _bumps()
    a = lookdev.shaded_relief(h)
    b = lookdev.shaded_relief(h * 1e-4)  # same map in other units
    assert a.min() >= 0 and a.max() <= 1
    assert np.allclose(a, b, atol=1e-4)
    assert a.std() > 0.05


def test_height_view_range():
    v = relief.height_view(_bumps() * 50 + 7)
    assert v.min() == 0 and v.max() == 1 and v.dtype == np.float32


def test_label_bar_draws_the_text_in_white_on_the_sheet_background():
    bar = relief.label_bar("before", 160, scale=2)
    assert bar.shape == (16 + 8, 160, 3) and bar.dtype == np.float32
    ink = bar[..., 0] > 0.9
    rows, cols = np.nonzero(ink)
    assert 30 < ink.sum() < 0.5 * ink.size  # glyphs, not a filled box
    assert rows.min() >= 4 and cols.min() >= 4 and cols.max() < 80  # inside the padding, six letters wide
    assert np.allclose(bar[:, 100:], relief.SHEET_BACKGROUND)  # nothing after the text
    assert not np.array_equal(bar, relief.label_bar("after", 160, scale=2))
    long = relief.label_bar("a label much longer than the panel it sits above", 60, scale=2)
    assert long.shape == (24, 60, 3) and (long[..., 0] > 0.9).any()  # cut at the edge


def test_before_after_layout_and_shared_lighting():
    before = _bumps(96, 1) * 0.1
    after = before + _bumps(96, 2) * 0.05
    sheet = relief.before_after(before, after, crop=None, labels=False)
    assert sheet.shape == (96, 96 * 2 + 4, 3)
    k = lookdev.auto_exaggeration(after)
    left = lookdev.shaded_relief(before, exaggeration=k)
    assert np.allclose(sheet[:, :96, 0], left, atol=1e-6)  # same lighting as the output's
    assert np.allclose(sheet[:, 100:, 0], lookdev.shaded_relief(after, exaggeration=k), atol=1e-6)


def test_before_after_upscaled_output_with_crop_and_labels():
    before = _bumps(64, 3)
    after = _bumps(128, 4)
    sheet = relief.before_after(before, after, crop=(10, 20, 40, 30), labels=True, pattern="cheek", max_side=64)
    assert sheet.ndim == 3 and sheet.shape[2] == 3
    assert sheet.shape[1] == 64 * 2 + 4
    # Two rows, each with a label bar above the panels: taller than the panels alone.
    assert sheet.shape[0] > 64 + 30 + 4
    assert (sheet == 1.0).any()  # white label text


def test_before_after_auto_crop_is_1_to_1_below_the_whole_map():
    """A map larger than the whole-map panel gets a second row: its centre at 1:1, panel-sized, with a scale bar."""
    before = _bumps(160, 7) * 0.1
    after = before + _bumps(160, 8) * 0.05
    sheet = relief.before_after(before, after, labels=False, max_side=64, texel_mm=0.02)
    assert sheet.shape[1] == 64 * 2 + 4  # the crop row lines up with the whole-map row
    assert sheet.shape[0] == 64 + 4 + 64
    x0 = (160 - 64) // 2
    k = lookdev.auto_exaggeration(after[x0 : x0 + 64, x0 : x0 + 64], wrap=False)
    crop = lookdev.shaded_relief(after[x0 : x0 + 64, x0 : x0 + 64], exaggeration=k)
    top = sheet[68:84, 68:, 0]  # above the scale bar in the lower left corner
    assert np.allclose(top, crop[:16], atol=1e-6)  # pixel for pixel: 1:1, not resampled
    small = relief.before_after(_bumps(48, 9), _bumps(48, 10), labels=False, max_side=64)
    assert small.shape[0] == 48  # the whole map is already 1:1: one row


def test_write_before_after_png_readable(tmp_path: Path):
    from nexture_core.io import read_image

    before, after = _bumps(64, 5), _bumps(64, 6)
    path = relief.write_before_after(tmp_path / "ba.png", before, after, crop=None)
    assert path.exists()
    pixels, info = read_image(path)
    assert pixels.shape[:2] == relief.before_after(before, after, crop=None).shape[:2]
    assert pixels.shape[2] >= 3 and info.bit_depth == 8
    expected = relief.before_after(before, after, crop=None)
    assert np.abs(pixels[..., :3] - expected).max() <= 1 / 255 + 1e-6
    assert [p.name for p in tmp_path.iterdir()] == ["ba.png"]  # no temp file left behind


def test_save_png_refuses_protected_path(tmp_path: Path):
    from nexture_core.errors import NextureError

    target = tmp_path / "keep.png"
    relief.save_png(target, np.zeros((8, 8), np.float32))
    before = target.read_bytes()
    with pytest.raises(NextureError):
        relief.save_png(target, np.ones((8, 8), np.float32), protect=[target])
    assert target.read_bytes() == before


def test_contact_sheet_grid():
    tiles = [("pattern", np.zeros((20, 30))), ("output", np.ones((20, 30, 3))), ("baseline", np.full((10, 10), 0.5))]
    sheet = relief.contact_sheet(tiles, columns=2, gap=2, labels=False)
    assert sheet.shape == (20 + 2 + 10, 30 + 2 + 30, 3)
    assert np.allclose(sheet[:20, 32:], 1.0) and np.allclose(sheet[22:, :10], 0.5)
    with pytest.raises(ValueError):
        relief.contact_sheet([], 2)


def test_a_sheet_of_extra_maps_shows_grey_relief_and_rgb_side_by_side():
    disp = _bumps(32, 7)
    albedo = np.full((32, 32, 3), 0.6, np.float32)
    tiles = [("displacement", lookdev.shaded_relief(disp)), ("albedo", albedo), ("normal", np.full((32, 32, 3), 0.5))]
    sheet = relief.contact_sheet(tiles, columns=3, labels=False)
    assert sheet.shape == (32, 3 * 32 + 2 * 4, 3)
    assert np.allclose(sheet[:, :32], lookdev.shaded_relief(disp)[..., None])  # grey relief repeated in RGB
    assert np.allclose(sheet[:, 36:68], 0.6) and np.allclose(sheet[:, 72:], 0.5)
    assert np.allclose(sheet[:, 32:36], relief.SHEET_BACKGROUND)  # the gap between panels
