"""The engine: structure kept, detail from the pattern, determinism, cancel, settings errors."""

import threading
import warnings

import numpy as np
import pytest
from scipy import ndimage

from nexture_core import Cancelled, InputError, MemoryBudgetError, Settings, SettingsError
from nexture_core.api import synthesize
from nexture_core.metrics.bands import resize_to
from nexture_core.metrics.spectrum import power_spectrum
from tests.synthesis.oriented import ORIENTED_ITERATIONS, anisotropy, detail, oriented_patterns

FAST = Settings(backbone="random", iterations=6)


def _lowpass(x, sigma):
    return ndimage.gaussian_filter(x, sigma, mode="reflect")


def test_structure_is_kept_and_detail_is_added(face, pattern):
    result = synthesize(face, [pattern], FAST)
    out = result.outputs[pattern.id]["displacement"]
    assert out.shape == face.shape and out.dtype == np.float32
    sigma = result.stats["patterns"][pattern.id]["sigma"]
    lo_out, lo_in = _lowpass(out, sigma), _lowpass(face, sigma)
    peak = lo_in.max() - lo_in.min()
    psnr = 10 * np.log10(peak**2 / np.mean((lo_out - lo_in) ** 2))
    assert psnr >= 40.0
    # The detail added on top of the input's own forms has the target amplitude.
    added = out - face
    detail = added - _lowpass(added, sigma)
    target = result.stats["patterns"][pattern.id]["target_std"]
    assert 0.85 * target <= detail.std() <= 1.15 * target


def test_same_seed_same_output_and_new_seed_differs(face, pattern):
    a = synthesize(face, [pattern], FAST).outputs[pattern.id]["displacement"]
    b = synthesize(face, [pattern], FAST).outputs[pattern.id]["displacement"]
    c = synthesize(face, [pattern], FAST.replace(seed=7)).outputs[pattern.id]["displacement"]
    assert np.array_equal(a, b)
    assert not np.allclose(a, c)


def test_several_patterns_give_outputs_that_differ_and_each_follow_their_pattern(face):
    horizontal, vertical = oriented_patterns()
    result = synthesize(face, [horizontal, vertical], FAST.replace(iterations=ORIENTED_ITERATIONS))
    assert set(result.outputs) == {"horizontal", "vertical"}
    h, v = (detail(result.outputs[k]["displacement"] - face) for k in ("horizontal", "vertical"))
    assert anisotropy(detail(horizontal.disp)) > 1.5  # the patterns themselves
    assert anisotropy(h) > 0.2 and anisotropy(v) < -0.2  # each output runs its own pattern's way
    assert np.corrcoef(h.ravel(), v.ravel())[0, 1] < 0.9  # not one texture under two names


def _band_power(x, low, high):
    """Mean power per pixel of ``x`` between ``low`` and ``high`` cycles per pixel."""
    power, radius = power_spectrum(x)
    return float(power[(radius >= low) & (radius < high)].mean())


def test_upscale_is_sharp_up_to_the_new_nyquist(face, pattern):
    out = synthesize(face, [pattern], FAST.replace(upscale=2, iterations=2)).outputs[pattern.id]["displacement"]
    assert out.shape == (192, 192)
    # Above the input's own Nyquist (0.25 cycles per output pixel) plain resampling has
    # nothing; a sharp upscale has detail there, shaped like the pattern's spectrum.
    bicubic = resize_to(face, out.shape)
    fine, mid = (0.3, 0.5), (0.05, 0.15)
    assert _band_power(out, *fine) > 1000 * _band_power(bicubic, *fine)
    slope_out = _band_power(out, *fine) / _band_power(out, *mid)
    slope_pattern = _band_power(pattern.disp, *fine) / _band_power(pattern.disp, *mid)
    assert 1 / 3 < slope_out / slope_pattern < 3


def test_blocks_under_a_small_budget_agree_with_one_block(face, pattern):
    exact = FAST.replace(iterations=4, precision="float32")  # bfloat16 rounds each block's convolutions its own way
    whole = synthesize(face, [pattern], exact)
    blocked = synthesize(face, [pattern], exact.replace(max_memory_gb=0.072))
    assert blocked.stats["blocks"] > 1 and whole.stats["blocks"] == 1
    a = whole.outputs[pattern.id]["displacement"]
    b = blocked.outputs[pattern.id]["displacement"]
    assert np.abs(a - b).max() < 1e-3 * (a.max() - a.min())


def test_budget_too_small_names_the_smallest_that_works(face, pattern):
    with pytest.raises(MemoryBudgetError, match="--max-memory"):
        synthesize(face, [pattern], FAST.replace(max_memory_gb=0.001))


def test_cancel_stops_within_the_iteration(face, pattern):
    cancel = threading.Event()
    seen = []

    def progress(fraction, stage, preview=None):
        seen.append(fraction)
        if len(seen) == 3:
            cancel.set()

    with pytest.raises(Cancelled):
        synthesize(face, [pattern], FAST.replace(iterations=50), progress, cancel)
    assert len(seen) < 10


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(scale=50.0), "--scale"),
        (dict(upscale=3), "--upscale"),
        (dict(strength=-1.0), "--strength"),
        (dict(preset="ultra"), "--preset"),
        (dict(device="cuda"), "cuda"),
    ],
)
def test_bad_settings_fail_before_work(face, pattern, changes, message):
    import torch

    if changes.get("device") == "cuda" and torch.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(SettingsError, match=message):
        synthesize(face, [pattern], FAST.replace(**changes))


def test_too_small_or_non_finite_input_is_refused(pattern):
    with pytest.raises(InputError, match="at least"):
        synthesize(np.zeros((8, 8), np.float32), [pattern], FAST)
    bad = np.zeros((64, 64), np.float32)
    bad[3, 3] = np.nan
    with pytest.raises(InputError, match="NaN"):
        synthesize(bad, [pattern], FAST)


def test_tileable_output_tiles(pattern):
    rng = np.random.default_rng(0)
    base = ndimage.gaussian_filter(rng.standard_normal((96, 96)), 12, mode="wrap").astype(np.float32)
    out = synthesize(base, [pattern], FAST.replace(tileable=True)).outputs[pattern.id]["displacement"]
    inner = np.abs(np.diff(out, axis=1)).mean()
    across = np.abs(out[:, 0] - out[:, -1]).mean()
    assert across < 1.5 * inner
    inner_y = np.abs(np.diff(out, axis=0)).mean()
    assert np.abs(out[0] - out[-1]).mean() < 1.5 * inner_y


@pytest.mark.parametrize(
    ("precision", "device", "native", "expected"),
    [
        ("auto", "cpu", True, "bfloat16"),
        ("auto", "cpu", False, None),  # an AVX2 laptop: emulated bfloat16 would be slower
        ("float32", "cpu", True, None),
        ("float16", "cpu", True, None),  # half precision is for GPUs
        ("bfloat16", "cuda", True, "bfloat16"),
        ("float16", "cuda", True, "float16"),
        ("auto", "mps", True, None),
    ],
)
def test_network_precision_follows_the_hardware(monkeypatch, precision, device, native, expected):
    import torch

    from nexture_core.synthesis import engine

    monkeypatch.setattr(engine, "native_bfloat16", lambda dev: native)
    got = engine.autocast_dtype(Settings(precision=precision), torch.device(device))
    assert got == (None if expected is None else getattr(torch, expected))


def test_levels_take_the_shallower_network_except_the_coarsest(face, pattern):
    """The coarsest level lays out the network with relu4_1; finer ones refine with relu3_1."""
    from nexture_core.api import _region_for
    from nexture_core.synthesis import engine
    from nexture_core.units import structure_sigma_px

    settings = Settings(backbone="random", iterations=1, texel_mm=0.02).validated()
    region, mult = _region_for(pattern, face.shape[1], settings)
    run = engine.Synthesis(face, [region], structure_sigma_px(pattern.feature_px, mult), settings)
    run._levels = 3
    full = len(run.net.taps)
    assert [run._level_taps(k, step) for step, k in enumerate((2, 1, 0))] == [
        full,
        engine.MIDDLE_LEVEL_TAPS,
        engine.FINE_LEVEL_TAPS,
    ]
    run._levels = 1
    assert run._level_taps(0, 0) == full
    run._levels, run.settings = 3, settings.replace(preset="preview")
    assert run._level_taps(2, 0) == engine.MIDDLE_LEVEL_TAPS  # the quick preview lays out with relu3_1


def test_the_finer_levels_take_the_larger_step_only_where_the_cells_are_small(face, pattern):
    """Cells of a few texels at the finest level (oversampled or upscaled coarse maps): the levels
    above the coarsest join its furrow layout with a larger step; the coarsest, which lays it out,
    and maps with large cells keep the common one."""
    from dataclasses import replace

    from nexture_core.api import _region_for
    from nexture_core.synthesis import engine
    from nexture_core.units import structure_sigma_px

    settings = Settings(backbone="random", iterations=1, texel_mm=0.02).validated()
    region, mult = _region_for(pattern, face.shape[1], settings)
    sigma = structure_sigma_px(pattern.feature_px, mult)
    small = replace(region, cell_px=engine.FINE_STEP_BELOW_CELL_PX / 2)
    large = replace(region, cell_px=engine.FINE_STEP_BELOW_CELL_PX * 1.5)
    run = engine.Synthesis(face, [small], sigma, settings)
    run._levels = 3
    assert [run._learning_rate(k) for k in (2, 1, 0)] == [engine.LEARNING_RATE] + [engine.FINE_LEARNING_RATE] * 2
    assert engine.FINE_LEARNING_RATE > engine.LEARNING_RATE
    run._levels = 1  # a single level lays out and refines at once: the common step
    assert run._learning_rate(0) == engine.LEARNING_RATE
    run = engine.Synthesis(face, [small, large], sigma, settings)
    run._levels = 3
    assert run._learning_rate(0) == engine.LEARNING_RATE  # one large-celled pattern keeps the common step


def test_pores_the_map_cannot_draw_keep_the_pattern_histogram_out():
    """Under 3 texels per pore the histogram's deep tail is not imposed (it would carve pits of furrows)."""
    import types

    import torch

    from nexture_core.api import _region_for
    from nexture_core.patterns import load_bank
    from nexture_core.synthesis import engine

    cheek = load_bank().get("cheek")
    coarse, _ = _region_for(cheek, 1024, Settings(texel_mm=0.09).validated())  # pores up to 2.5 px
    fine, _ = _region_for(cheek, 1024, Settings(texel_mm=0.02).validated())  # pores up to 11 px
    assert not coarse.pores_drawn and fine.pores_drawn

    band = torch.randn(1, 1, 64, 64, generator=torch.Generator().manual_seed(0))
    skewed = types.SimpleNamespace(quantiles=torch.linspace(0, 1, 65) ** 3 * -4 + 1)  # a deep tail
    for region, imposed in ((coarse, False), (fine, True)):
        run = types.SimpleNamespace(regions=[region])
        out = engine.Synthesis._match_histograms(run, band, [skewed], [1.0], None)
        assert torch.equal(out, band) != imposed
        if imposed:
            assert float(out.min()) == pytest.approx(-3.0, abs=1e-4)
    weights = torch.stack([torch.ones(64, 64), torch.zeros(64, 64)])[:, None, None]
    run = types.SimpleNamespace(regions=[coarse, fine])
    mixed = engine.Synthesis._match_histograms(run, band, [skewed, skewed], [1.0, 1.0], weights)
    assert torch.allclose(mixed, band)  # the masked-in region's rule holds under masks too


def test_cells_under_16_texels_are_synthesized_at_twice_the_resolution_and_shrunk(face, pattern):
    """A 12-texel cell is drawn at 24 and shrunk: the output keeps the map's size, scale and amplitude."""
    coarse = FAST.replace(texel_mm=0.024, height_mm=1.0)  # the pattern's 0.29 mm cells span 12 texels
    result = synthesize(face, [pattern], coarse)
    out = result.outputs[pattern.id]["displacement"]
    figures = result.stats["patterns"][pattern.id]
    assert result.stats["oversampling"] == 2 and out.shape == face.shape
    assert figures["multiplier"] == pytest.approx(0.5)  # the output's pixel scale, not the engine's
    assert result.settings.upscale == 1
    assert any("twice the resolution" in n for n in result.notes)
    lo_out, lo_in = _lowpass(out, figures["sigma"]), _lowpass(face, figures["sigma"])
    peak = lo_in.max() - lo_in.min()
    assert 10 * np.log10(peak**2 / np.mean((lo_out - lo_in) ** 2)) >= 40.0
    added = out - face
    assert (
        0.7 * figures["target_std"] <= (added - _lowpass(added, figures["sigma"])).std() <= 1.3 * figures["target_std"]
    )

    plain = synthesize(face, [pattern], coarse.replace(oversample=False))
    assert plain.stats["oversampling"] == 1 and not any("twice the resolution" in n for n in plain.notes)
    fine = synthesize(face, [pattern], FAST.replace(texel_mm=0.012, height_mm=1.0))  # 24-texel cells
    assert fine.stats["oversampling"] == 1


def test_oversampling_only_where_cells_are_small_and_the_texel_is_known(pattern):
    from nexture_core import units

    assert units.oversampling(Settings(texel_mm=0.024), 96, [pattern]) == 2
    assert units.oversampling(Settings(texel_mm=0.024, upscale=2), 96, [pattern]) == 1  # 24 texels at x2
    assert units.oversampling(Settings(texel_mm=0.05, upscale=2), 96, [pattern]) == 2  # 11.5 texels at x2
    assert units.oversampling(Settings(texel_mm=0.1, upscale=4), 96, [pattern]) == 1  # x8 is not offered
    assert units.oversampling(Settings(), 96, [pattern]) == 1  # assumed texel: the pattern's own
    assert units.oversampling(Settings(map_width_mm=96 * 0.024), 96, [pattern]) == 2


def test_an_oversampled_draft_run_tells_the_artist_to_deliver_with_the_final_preset(face, pattern):
    """Oversampled cells keep their furrows whole only with the final preset's iterations: the note says so."""
    from nexture_core.api import unit_notes

    coarse = Settings(texel_mm=0.024, height_mm=1.0, backbone="random").validated()  # 12-texel cells

    def oversample_note(settings):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            notes = unit_notes(settings, face.shape, [pattern])
        return next(n for n in notes if "twice the resolution" in n)

    assert "--preset final" in oversample_note(coarse.replace(preset="draft"))
    assert "--preset final" in oversample_note(coarse.replace(preset="preview"))
    assert "--preset final" not in oversample_note(coarse.replace(preset="final"))
    assert "--preset final" not in oversample_note(coarse.replace(iterations=5))  # the artist chose the schedule


def test_an_oversampled_run_judges_pores_at_the_output_texel(monkeypatch, face):
    """At 0.09 mm the cheek's pores span under 3 output texels: drawn at 2x they reach 5, but are shrunk
    again, so the pattern's deep histogram tail stays out (it would skew the fine band)."""
    from nexture_core.patterns import load_bank
    from nexture_core.synthesis import engine

    runs = []
    original = engine.Synthesis.__init__

    def recording_init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        runs.append(self)

    monkeypatch.setattr(engine.Synthesis, "__init__", recording_init)
    cheek = load_bank().get("cheek")
    result = synthesize(face, [cheek], FAST.replace(iterations=2, texel_mm=0.09, height_mm=2.0))
    assert result.stats["oversampling"] == 2
    assert (runs[0].height, runs[0].width) == (2 * face.shape[0], 2 * face.shape[1])
    assert not runs[0].regions[0].pores_drawn
    assert result.outputs["cheek"]["displacement"].shape == face.shape
