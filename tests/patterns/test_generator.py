"""The procedural skin generator: deterministic, tileable, and with real structure.

Every region is grown small (256 px over 4 mm, about three times the bank's
density of pixels per cell) so the whole file runs in a few seconds.
"""

import numpy as np
import pytest
from scipy import ndimage

from nexture_core.patterns.skin import generate_skin
from nexture_core.patterns.styles import BUILTIN_PATTERNS, STYLES

SIZE, WIDTH_MM = 256, 4.0


@pytest.fixture(scope="module")
def grown():
    return {pid: generate_skin(style, SIZE, WIDTH_MM, seed=11) for pid, style in STYLES.items()}


def _detail(disp: np.ndarray, sigma: float) -> np.ndarray:
    return disp - ndimage.gaussian_filter(disp, sigma, mode="wrap")


def test_same_seed_same_maps_other_seed_other_maps():
    a = generate_skin(STYLES["forehead"], 128, 2.0, seed=3)
    b = generate_skin(STYLES["forehead"], 128, 2.0, seed=3)
    c = generate_skin(STYLES["forehead"], 128, 2.0, seed=4)
    for name in ("displacement", "albedo", "specular"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert np.abs(a.displacement - c.displacement).mean() > 0.01


def test_maps_have_the_promised_shapes_and_ranges(grown):
    for pid, m in grown.items():
        assert m.displacement.shape == (SIZE, SIZE) and m.displacement.dtype == np.float32, pid
        assert m.albedo.shape == (SIZE, SIZE, 3) and m.specular.shape == (SIZE, SIZE), pid
        for arr in (m.displacement, m.albedo, m.specular):
            assert np.isfinite(arr).all() and arr.min() >= 0.0 and arr.max() <= 1.0, pid
        assert m.displacement.max() - m.displacement.min() > 0.8, pid  # uses the 16-bit range
        # Skin tone: red above green above blue on average.
        r, g, b = m.albedo.reshape(-1, 3).mean(0)
        assert r > g > b, pid


def test_every_pattern_tiles_seamlessly(grown):
    for pid, m in grown.items():
        d = m.displacement
        inside_x = np.abs(np.diff(d, axis=1)).mean()
        inside_y = np.abs(np.diff(d, axis=0)).mean()
        across_x = np.abs(d[:, 0] - d[:, -1]).mean()
        across_y = np.abs(d[0, :] - d[-1, :]).mean()
        assert across_x < 1.5 * inside_x and across_y < 1.5 * inside_y, pid


def test_furrows_form_long_connected_networks_much_larger_than_a_pore(grown):
    px_per_mm = SIZE / WIDTH_MM
    for pid, m in grown.items():
        labels, n = ndimage.label(m.furrows, structure=np.ones((3, 3)))
        assert n > 0, pid
        sizes = np.bincount(labels.ravel())[1:]
        extent_mm = np.array([max(r.stop - r.start, c.stop - c.start) for r, c in ndimage.find_objects(labels)]) / px_per_mm
        # A furrow pixel typically lies in a piece over 1.2 mm long: eight pore diameters.
        assert (extent_mm * sizes).sum() / sizes.sum() > 1.2, pid


def _pore_density(m, px_per_mm: float) -> float:
    """Pits per mm^2 off the furrows, deeper than 5 robust noise sigmas (a contrast test)."""
    detail = _detail(m.displacement.astype(np.float64), 0.25 * px_per_mm)
    free = ~ndimage.binary_dilation(m.furrows, iterations=3)
    values = detail[free]
    centre = np.median(values)
    sigma = 1.4826 * np.median(np.abs(values - centre))
    labels, _ = ndimage.label((detail < centre - 5 * sigma) & free)
    areas = np.bincount(labels.ravel())[1:]
    return float(((areas >= 3) & (areas <= np.pi * (0.3 * px_per_mm) ** 2)).sum()) / WIDTH_MM**2


def test_pores_are_visible_pits_where_the_region_has_pores(grown):
    px_per_mm = SIZE / WIDTH_MM
    density = {pid: _pore_density(m, px_per_mm) for pid, m in grown.items()}
    for pid, m in grown.items():
        placed = m.pore_count / WIDTH_MM**2
        if STYLES[pid].pores is None and STYLES[pid].follicles is None:
            assert m.pore_count == 0 and density[pid] < 0.5, (pid, density[pid])
        else:
            assert 0.3 <= placed <= 20.0, (pid, placed)
            assert 0.4 * placed <= density[pid] <= 1.6 * placed + 0.25, (pid, placed, density[pid])
    # Region character: dense small chin pores, sparse back pores, big nose pores.
    assert density["chin"] > density["cheek"] > density["back"]
    assert grown["nose"].pore_mask.sum() > 3 * grown["forearm"].pore_mask.sum()


def test_cavities_are_darker_in_specular_and_albedo(grown):
    for pid, m in grown.items():
        d = _detail(m.displacement.astype(np.float64), 6).ravel()
        s = _detail(m.specular.astype(np.float64), 6).ravel()
        a = _detail(m.albedo[..., 1].astype(np.float64), 6).ravel()
        assert np.corrcoef(d, s)[0, 1] > 0.4, pid
        assert 0.1 < np.corrcoef(d, a)[0, 1] < 0.95, pid  # related, not a copy


@pytest.mark.parametrize("pid, along", [("forehead", "x"), ("neck", "x"), ("palm", "x"), ("upper_lip", "y")])
def test_region_creases_run_the_region_s_way(grown, pid, along):
    gy, gx = np.gradient(_detail(grown[pid].displacement.astype(np.float64), 8))
    ex, ey = float((gx**2).sum()), float((gy**2).sum())
    # Furrows running along x have their slopes across them, along y.
    ratio = ey / ex if along == "x" else ex / ey
    assert ratio > 1.3, ratio


def test_isotropic_cheek_has_no_strong_direction(grown):
    gy, gx = np.gradient(_detail(grown["cheek"].displacement.astype(np.float64), 8))
    ratio = float((gy**2).sum()) / float((gx**2).sum())
    assert 0.75 < ratio < 1.33


def test_builtin_list_has_every_region_with_unique_ids_and_seeds():
    ids = [b.id for b in BUILTIN_PATTERNS]
    assert len(ids) >= 12 and len(set(ids)) == len(ids)
    assert len({b.seed for b in BUILTIN_PATTERNS}) == len(ids)
    assert all(10.0 <= b.width_mm <= 14.0 and 0.3 <= b.feature_mm <= 3.0 for b in BUILTIN_PATTERNS)
