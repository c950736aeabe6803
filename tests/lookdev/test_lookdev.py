import numpy as np
import pytest

from nexture_core import lookdev


def test_normal_of_a_plane_points_straight_up():
    n = lookdev.normal_map(np.full((16, 16), 3.0, np.float32))
    assert n.shape == (16, 16, 3) and n.dtype == np.float32
    assert np.allclose(n, [0.5, 0.5, 1.0])


@pytest.mark.parametrize("wrap", [False, True])
def test_normal_of_a_ramp_along_x_is_exact(wrap):
    a, k = 0.25, 2.0  # slope per pixel, height_scale / texel_size
    x = np.tile(np.arange(32, dtype=np.float32) * a, (32, 1))
    n = lookdev.normal_map(x, height_scale=4.0, texel_size=2.0, wrap=wrap)
    expected = np.array([-a * k, 0.0, 1.0]) / np.sqrt((a * k) ** 2 + 1)
    inner = n[:, 1:-1] if wrap else n  # a ramp does not tile: the wrap edge differs
    assert np.allclose(inner, 0.5 * (expected + 1), atol=1e-6)


def test_ramp_rising_downwards_tilts_green_up_in_opengl_and_down_in_directx():
    a = 0.5
    y = np.tile((np.arange(16, dtype=np.float32) * a)[:, None], (1, 16))
    gl = lookdev.normal_map(y)
    dx = lookdev.normal_map(y, flip_green=True)
    expected_g = a / np.sqrt(a * a + 1)
    assert np.allclose(gl[..., 1], 0.5 * (expected_g + 1), atol=1e-6)
    assert np.allclose(dx[..., 1], 0.5 * (1 - expected_g), atol=1e-6)
    assert np.allclose(gl[..., 0], 0.5)


def test_normals_are_unit_length():
    rng = np.random.default_rng(0)
    n = lookdev.normal_map(rng.standard_normal((32, 32)).astype(np.float32), height_scale=3.0) * 2 - 1
    assert np.allclose(np.linalg.norm(n, axis=-1), 1.0, atol=1e-5)
    with pytest.raises(ValueError):
        lookdev.normal_map(np.zeros((8, 8), np.float32), texel_size=0)


def _pit_map(size=64):
    y, x = np.mgrid[0:size, 0:size].astype(np.float32)
    pit = -np.exp(-((y - 20) ** 2 + (x - 20) ** 2) / (2 * 2.0**2))
    ridge = np.exp(-((x - 45) ** 2) / (2 * 1.5**2))
    return (pit + ridge).astype(np.float32)


def test_cavity_is_dark_in_pits_and_white_on_flats_and_ridges():
    cav = lookdev.cavity_map(_pit_map(), radius_px=6)
    assert cav.shape == (64, 64) and cav.dtype == np.float32
    assert cav.min() >= 0 and cav.max() <= 1
    assert cav[20, 20] < 0.2  # pit floor
    assert cav[45, 45] == pytest.approx(1.0)  # ridge crest
    assert cav[55, 5] == pytest.approx(1.0, abs=0.02)  # far flat
    assert np.allclose(lookdev.cavity_map(np.zeros((16, 16), np.float32), radius_px=3), 1.0)


def test_cavity_fixed_depth_is_linear():
    cav = lookdev.cavity_map(_pit_map(), radius_px=6, depth=10.0)
    assert 0.9 < cav[20, 20] < 1.0


@pytest.mark.parametrize("wrap", [False, True])
def test_bands_sum_back_to_the_input(wrap):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((64, 48)).astype(np.float32) * 3 + 10
    bands = lookdev.frequency_bands(x, sigmas=lookdev.bands_for_sigma(8.0), wrap=wrap)
    assert list(bands) == ["micro", "tertiary", "secondary", "residual"]
    assert np.allclose(sum(bands.values()), x, atol=1e-4)
    assert all(b.dtype == np.float32 and b.shape == x.shape for b in bands.values())


def test_bands_micro_plus_tertiary_is_the_detail_band():
    from nexture_core.metrics import detail_band

    rng = np.random.default_rng(2)
    x = rng.standard_normal((64, 64)).astype(np.float32)
    bands = lookdev.frequency_bands(x, sigmas=lookdev.bands_for_sigma(6.0))
    assert np.allclose(bands["micro"] + bands["tertiary"], detail_band(x, 6.0), atol=1e-5)
    # Fine noise lives mostly in the micro band.
    assert bands["micro"].std() > bands["tertiary"].std() > bands["secondary"].std()


def test_band_sigmas_validated():
    assert lookdev.bands_for_sigma(1.0)[0] == 0.5
    with pytest.raises(ValueError):
        lookdev.frequency_bands(np.zeros((8, 8), np.float32), sigmas=(4.0, 2.0, 8.0))


def test_shaded_relief_is_the_normal_map_lit_by_its_light():
    """One set of central differences serves both: relief = normal . light (same exaggeration)."""
    rng = np.random.default_rng(3)
    h = rng.standard_normal((24, 24)).astype(np.float32)
    for wrap in (False, True):
        n = lookdev.normal_map(h, height_scale=0.7, wrap=wrap) * 2 - 1
        az, alt = np.radians(lookdev.DEFAULT_LIGHT)
        light = np.array([np.sin(az) * np.cos(alt), np.cos(az) * np.cos(alt), np.sin(alt)])
        lit = np.clip(n @ light, 0, 1)
        assert np.allclose(lookdev.shaded_relief(h, exaggeration=0.7, wrap=wrap), lit, atol=1e-5)
