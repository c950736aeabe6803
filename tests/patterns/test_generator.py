"""The procedural skin generator: deterministic, tileable, physical, and with skin's anatomy.

Most regions are grown small (256 px over 4 mm, 64 px per mm) so the file
runs in seconds; the anatomy checks that need the bank's resolution grow one
pattern at 1024 px over 12 mm once.
"""

import math

import numpy as np
import pytest
from scipy import ndimage

from nexture_core.patterns.skin import crease_network, generate_skin, junction_points, place_openings, stamp_openings
from nexture_core.patterns.styles import BUILTIN_PATTERNS, STYLES, Openings

SIZE, WIDTH_MM = 256, 4.0
FACE = ("forehead", "cheek", "nose", "chin", "upper_lip", "lips", "eyelid", "under_eye")


@pytest.fixture(scope="module")
def grown():
    return {pid: generate_skin(style, SIZE, WIDTH_MM, seed=11) for pid, style in STYLES.items()}


@pytest.fixture(scope="module")
def cheek_bank_size():
    return generate_skin(STYLES["cheek"], 1024, 12.0, seed=1017)


def _detail(disp: np.ndarray, sigma: float) -> np.ndarray:
    return disp - ndimage.gaussian_filter(disp, sigma, mode="wrap")


def test_same_seed_same_maps_other_seed_other_maps():
    a = generate_skin(STYLES["forehead"], 128, 2.0, seed=3)
    b = generate_skin(STYLES["forehead"], 128, 2.0, seed=3)
    c = generate_skin(STYLES["forehead"], 128, 2.0, seed=4)
    for name in ("displacement", "albedo", "specular"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.height_um == b.height_um
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
    """The wrap-around seam is an ordinary column/row: no larger step than the map's own 99th percentile."""
    for pid, m in grown.items():
        d = m.displacement.astype(np.float64)
        for axis in (0, 1):
            steps = np.abs(np.diff(d, axis=axis)).mean(axis=1 - axis)
            seam = np.abs(np.take(d, 0, axis=axis) - np.take(d, -1, axis=axis)).mean()
            assert seam <= np.percentile(steps, 99), (pid, axis, seam)


def test_heights_are_physical_and_skewed_like_skin(grown, cheek_bank_size):
    """Micrometres of relief, and negative skewness: broad plateaus, narrow deep furrows and pits."""
    for pid, m in grown.items():
        assert 10.0 <= m.height_um <= 1000.0, (pid, m.height_um)
        assert m.relief["skewness"] < 0, (pid, m.relief)
    face = cheek_bank_size.relief
    # Facial skin's fine band: RMS of several micrometres, furrows and pores some tens deep.
    assert 4.0 <= face["rq_um"] <= 25.0 and 20.0 <= face["depth_um"] <= 150.0, face


def test_furrows_form_long_connected_networks_much_larger_than_a_pore(grown):
    px_per_mm = SIZE / WIDTH_MM
    for pid, m in grown.items():
        labels, n = ndimage.label(m.furrows, structure=np.ones((3, 3)))
        assert n > 0, pid
        sizes = np.bincount(labels.ravel())[1:]
        extent_mm = (
            np.array([max(r.stop - r.start, c.stop - c.start) for r, c in ndimage.find_objects(labels)]) / px_per_mm
        )
        # A furrow pixel typically lies in a piece over 1 mm long: four of the largest pores,
        # and longer than one crease cell.
        assert (extent_mm * sizes).sum() / sizes.sum() > max(1.0, STYLES[pid].primary.cell_mm), pid


def test_pores_are_funnels_without_a_raised_rim():
    """Depth grows toward the centre; the ring just outside the mouth sits at the plateau's level."""
    size, px_per_mm = 256, 64.0
    spec = Openings(100.0, 0.2, 50.0, diameter_spread=0.0, elongation=1.0)
    centres = np.array([[64.0, 64.0], [192.0, 64.0], [64.0, 192.0], [192.0, 192.0]])
    depth, mask = stamp_openings(np.random.default_rng(0), size, px_per_mm, spec, centres, None)
    radius = 0.5 * spec.diameter_mm * px_per_mm
    y, x = np.mgrid[0:size, 0:size]
    r = np.hypot(x - 64.0, y - 64.0)
    profile = [depth[(r >= a) & (r < a + 1)].mean() for a in range(0, int(radius) + 3)]
    assert all(b <= a + 1e-9 for a, b in zip(profile, profile[1:])), profile  # deepest in the centre
    assert profile[0] > 0.6 * 50.0 and depth[(r > radius) & (r < 2 * radius)].max() == 0.0  # no rim
    assert mask.sum() > 0


def test_openings_follow_the_density_and_sit_at_furrow_junctions():
    size, px_per_mm = 512, 512 / 8.0
    rng = np.random.default_rng(5)
    net = crease_network(rng, size, px_per_mm, STYLES["cheek"].primary)
    junctions = junction_points(net, STYLES["cheek"].primary.cell_mm * px_per_mm)
    assert len(junctions) > 20
    spec = Openings(150.0, 0.1, 40.0, at_junctions=0.5)
    centres = place_openings(rng, size, px_per_mm, spec, junctions, net.distance_px)
    expected = 150.0 * (8.0 / 10.0) ** 2
    assert 0.8 * expected <= len(centres) <= 1.05 * expected
    near = np.array([np.hypot(*(junctions - c).T).min() < 2.0 for c in centres])
    assert 0.3 <= near.mean() <= 0.7  # about half where furrows meet, the rest on plateaus


def test_region_pore_character(grown):
    """Dense small chin pores, sparse back pores, big nose pores, none on the vermilion."""
    per_mm2 = {pid: m.pore_count / WIDTH_MM**2 for pid, m in grown.items()}
    assert per_mm2["nose"] > per_mm2["cheek"] > per_mm2["back"]
    assert per_mm2["lips"] == 0 and grown["lips"].pore_mask.sum() == 0
    assert STYLES["nose"].pore_mm[1] > STYLES["cheek"].pore_mm[1] > STYLES["eyelid"].pore_mm[1]
    for pid in FACE:
        lo, hi = STYLES[pid].cell_mm
        assert 0.1 <= lo < hi <= 1.2, pid  # crease cells 0.2-1 mm, the secondary mesh finer


def test_cavities_are_darker_in_specular_and_albedo(grown):
    for pid, m in grown.items():
        d = _detail(m.displacement.astype(np.float64), 6).ravel()
        s = _detail(m.specular.astype(np.float64), 6).ravel()
        a = _detail(m.albedo[..., 1].astype(np.float64), 6).ravel()
        assert np.corrcoef(d, s)[0, 1] > 0.4, pid
        assert 0.1 < np.corrcoef(d, a)[0, 1] < 0.95, pid  # related, not a copy


@pytest.mark.parametrize(
    "pid, along", [("forehead", "x"), ("neck", "x"), ("palm", "x"), ("upper_lip", "y"), ("lips", "y"), ("eyelid", "x")]
)
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
    assert {"forehead", "cheek", "nose", "chin", "lips", "eyelid", "under_eye"} <= set(ids)
    assert len(set(ids)) == len(ids) and len({b.seed for b in BUILTIN_PATTERNS}) == len(ids)
    assert all(8.0 <= b.width_mm <= 14.0 and 0.3 <= b.feature_mm <= 3.0 for b in BUILTIN_PATTERNS)
    assert all(math.isfinite(b.width_mm) for b in BUILTIN_PATTERNS)
