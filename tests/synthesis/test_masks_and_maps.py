"""Several patterns placed by masks in one synthesis, and albedo/specular that follow the displacement."""

import numpy as np
import pytest
from scipy import ndimage

from nexture_core import Settings, SettingsError
from nexture_core.api import MIX_KEY, synthesize
from nexture_core.crossmaps import derive_surface_maps
from tests.synthesis.oriented import ORIENTED_ITERATIONS, anisotropy, detail, oriented_patterns

FAST = Settings(backbone="random", iterations=6)


def _detail(x, sigma=4.0):
    return x - ndimage.gaussian_filter(x, sigma, mode="reflect")


def _corr(a, b):
    a, b = a.ravel() - a.mean(), b.ravel() - b.mean()
    return float(a @ b / np.sqrt((a @ a) * (b @ b)))


def test_masks_give_one_map_where_each_region_follows_its_own_pattern(face):
    horizontal, vertical = oriented_patterns()
    left = np.zeros(face.shape, np.float32)
    left[:, :48] = 1.0
    left = ndimage.gaussian_filter(left, 2)
    result = synthesize(
        face, [horizontal, vertical], FAST.replace(iterations=ORIENTED_ITERATIONS), masks=[left, 1 - left]
    )
    assert list(result.outputs) == [MIX_KEY]
    out = result.outputs[MIX_KEY]["displacement"]
    assert out.shape == face.shape
    added = detail(out - face)
    assert anisotropy(added[:, 6:36]) > 0.3  # left: the horizontal pattern's furrows
    assert anisotropy(added[:, 60:90]) < -0.1  # right: the vertical pattern's


def test_mask_count_must_match_patterns(face, pattern, other_pattern):
    with pytest.raises(SettingsError, match="mask"):
        synthesize(face, [pattern, other_pattern], FAST, masks=[np.ones((8, 8), np.float32)])


def test_uncovered_input_keeps_the_input_there(face, pattern, other_pattern):
    mask = np.zeros((96, 96), np.float32)
    mask[:, :40] = 1.0
    result = synthesize(
        face, [pattern, other_pattern], FAST.replace(uncovered="input"), masks=[mask, np.zeros_like(mask)]
    )
    out = result.outputs[MIX_KEY]["displacement"]
    assert np.allclose(out[:, 70:], face[:, 70:], atol=1e-5)
    assert not np.allclose(out[:, :30], face[:, :30], atol=1e-3)


def test_synthesis_writes_aligned_albedo_and_specular(face, pattern):
    result = synthesize(face, [pattern], FAST.replace(maps=("displacement", "albedo", "specular")))
    maps = result.outputs[pattern.id]
    assert maps["albedo"].shape == face.shape + (3,) and maps["specular"].shape == face.shape
    sigma = result.stats["patterns"][pattern.id]["sigma"] / 3
    # Same sign of relation as the pattern: furrows darker in specular here.
    want = _corr(_detail(pattern.disp, sigma), _detail(pattern.maps["specular"], sigma))
    got = _corr(_detail(maps["displacement"], sigma), _detail(maps["specular"], sigma))
    assert np.sign(got) == np.sign(want) and abs(got) > 0.3


def test_base_albedo_keeps_its_low_frequencies(face, pattern):
    base = np.zeros((96, 96, 3), np.float32)
    base[..., 0] = np.linspace(0.3, 0.8, 96)[None, :]
    base[..., 1:] = 0.4
    out = derive_surface_maps(face, [pattern], ["albedo"], sigma=6.0, multipliers=[1.0], base_maps={"albedo": base})[
        "albedo"
    ]
    low = ndimage.gaussian_filter(out[..., 0], 8)
    assert np.abs(low[8:-8, 8:-8] - base[8:-8, 8:-8, 0]).mean() < 0.05


def test_missing_map_is_refused_before_work(face):
    from tests.synthesis.conftest import TinyPattern, cell_texture

    bare = TinyPattern("bare", cell_texture(96, 20, 1))
    from nexture_core import PatternError

    with pytest.raises(PatternError, match="no albedo"):
        synthesize(face, [bare], FAST.replace(maps=("displacement", "albedo")))


def test_translation_keeps_the_patterns_correlation(pattern, sample_like_pattern):
    """On a displacement with the pattern's spectrum (a new sample of the same
    process), derived maps relate to it as the pattern's maps do (within 20 %)."""
    disp = sample_like_pattern
    maps = derive_surface_maps(disp, [pattern], ["albedo", "specular"], sigma=12.0, multipliers=[1.0], wrap=True)
    lum = lambda rgb: rgb @ np.array([0.2126, 0.7152, 0.0722], np.float32)  # noqa: E731
    for name, pat_map, out_map in (
        ("specular", pattern.maps["specular"], maps["specular"]),
        ("albedo", lum(pattern.maps["albedo"]), lum(maps["albedo"])),
    ):
        want = _corr(_detail(pattern.disp, 6.0), _detail(pat_map, 6.0))
        got = _corr(_detail(disp, 6.0), _detail(out_map, 6.0))
        assert abs(got - want) <= 0.2 * abs(want), name
