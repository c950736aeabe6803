"""Golden quality bounds of the real path: VGG-19 weights, the built-in cheek, the bundled example.

A small crop of the bundled eye-corner example (0.02 mm per texel, 1 unit =
10 mm) is synthesized with the default pattern on the draft preset and a fixed
seed, and judged by ``nexture evaluate``'s measures against bounds measured on
this path (README, "Guarded in CI"). A change that degrades the look (loses the
crease network, copies the pattern, drowns the structure, drifts in amplitude
or spectrum) fails here. The bounds carry a margin for torch versions and
CPUs; the same measures on detail that is merely noise of the same spectrum
fail them, so the test has teeth.
"""

from __future__ import annotations

import numpy as np
import pytest

from nexture_core.api import synthesize
from nexture_core.example import EXAMPLE_HEIGHT_MM, EXAMPLE_PATH, EXAMPLE_TEXEL_MM
from nexture_core.io import read_map
from nexture_core.metrics import evaluate
from nexture_core.patterns import load_bank
from nexture_core.settings import Settings

pytestmark = pytest.mark.weights

CROP = (slice(560, 816), slice(300, 556))  # 256 px of cheek below the crow's feet, 5.1 mm
SEED = 3
# name -> (low, high): what the VGG-19 path must keep (measured values in the README).
BOUNDS = {
    "structure_psnr_db": (40.0, None),
    "spectrum_distance_db": (None, 3.0),
    "detail_std_ratio": (0.8, 1.2),
    "orientation_l1": (None, 0.2),
    "ncc_excess": (None, 0.05),
    "connectivity_ratio": (0.5, 2.0),
    "patch_realism": (None, 1.2),
}


def _failures(report) -> list:
    bad = []
    for name, (lo, hi) in BOUNDS.items():
        value = getattr(report, name)
        if value is None or (lo is not None and value < lo) or (hi is not None and value > hi):
            bad.append(f"{name} = {value}")
    return bad


@pytest.fixture(scope="module")
def golden():
    image, _ = read_map(EXAMPLE_PATH)
    crop = np.ascontiguousarray(image[CROP])
    pattern = load_bank().get("cheek")
    settings = Settings(texel_mm=EXAMPLE_TEXEL_MM, height_mm=EXAMPLE_HEIGHT_MM, preset="draft", seed=SEED, device="cpu")
    result = synthesize(crop, [pattern], settings)
    figures = result.stats["patterns"]["cheek"]
    out = result.outputs["cheek"]["displacement"]
    disp = np.asarray(pattern.load_map("displacement"), np.float32)
    multiplier, sigma = figures["multiplier"], figures["sigma"]

    def judge(output):
        return evaluate(
            output,
            crop,
            disp,
            multiplier,
            sigma,
            strength_target_std=figures["target_std"],
            cell_px=pattern.feature_px * multiplier,
        )

    return crop, out, judge, figures


def test_the_real_path_keeps_its_golden_quality(golden):
    crop, out, judge, figures = golden
    report = judge(out)
    assert not _failures(report), f"{_failures(report)}; full report: {report.to_dict()}"
    assert report.pore_density_ratio is None or 0.4 <= report.pore_density_ratio <= 2.5
    # Physical amplitude: the cheek's real relief over 10 mm per unit, not a share of the map's range.
    assert 2e-4 < figures["target_std"] < 2e-3


def test_noise_of_the_same_spectrum_fails_the_bounds(golden):
    """The bounds discriminate: the output's own detail, phase-scrambled, keeps spectrum and amplitude
    but loses the furrows and pores, and fails."""
    crop, out, judge, figures = golden
    detail = out - crop
    spectrum = np.fft.rfft2(detail)
    phases = np.exp(1j * np.random.default_rng(0).uniform(0, 2 * np.pi, spectrum.shape))
    scrambled = np.fft.irfft2(np.abs(spectrum) * phases, s=detail.shape).astype(np.float32)
    report = judge(crop + scrambled)
    assert _failures(report), f"scrambled detail passed every bound: {report.to_dict()}"
