"""Runs that go on but must say what happened (issue 17): flat maps, replaced fine structure,
ignored options, repaired outliers, lossy output on request. Each runs a real (tiny) synthesis."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from cli_helpers import FAST, smooth, write_exr

from nexture_core.io import read_map


def _warnings(err):
    return [line for line in err if line.startswith("nexture: warning: ")]


def test_constant_map_gets_detail_at_its_real_depth(tmp_path, cli, with_tiny):
    """The amplitude is physical (pattern micrometres over --height-mm): a flat map gets detail too."""
    src = write_exr(tmp_path / "const.exr", np.full((64, 64), 0.3, np.float32))
    code, err, out = cli("synth", src, "-p", with_tiny, "-o", tmp_path / "out.exr", "--height-mm", "1", *FAST)
    assert code == 0 and (tmp_path / "out.exr").exists()
    result, _ = read_map(tmp_path / "out.exr")
    assert 1e-4 < float(result.std()) < 0.05  # micrometres of relief in a map whose unit is 1 mm
    assert not _warnings(err)
    assert any(line.startswith("nexture: note: no texel size given") for line in err), err


def test_relief_finer_than_an_8_bit_level_is_named(tmp_path, cli, with_tiny):
    src = write_exr(tmp_path / "in.exr", smooth())
    out = tmp_path / "out.png"
    code, err, _ = cli(
        "synth", src, "-p", with_tiny, "-o", out, "--dtype", "uint8", "--allow-lossy", "--height-mm", "1000", *FAST
    )
    said = " | ".join(_warnings(err))
    assert code == 0
    assert "finer than one level of the 8-bit file" in said and "--height-mm" in said, said


def test_nearly_flat_map_with_a_bump_gets_detail_and_the_bump_change_reported(tmp_path, cli, with_tiny):
    yy, xx = np.mgrid[0:128, 0:128]
    bump = np.where(
        np.hypot(yy - 64, xx - 64) < 4, 0.8 * np.cos(np.hypot(yy - 64, xx - 64) / 4 * np.pi / 2) ** 2, 0
    ).astype(np.float32)
    assert 0.99 < np.mean(bump == 0) < 0.999
    src = write_exr(tmp_path / "bump.exr", bump)
    code, err, _ = cli("synth", src, "-p", with_tiny, "-o", tmp_path / "out.exr", "--height-mm", "1", *FAST)
    said = " | ".join(_warnings(err))
    assert code == 0
    result, _ = read_map(tmp_path / "out.exr")
    assert float(result[bump == 0].std()) > 1e-4  # the flat part has relief now
    assert re.search(
        r"sculpted features finer than about \d+ px are rebuilt from the pattern.*x 64, y 64 the map goes from 0\.8 to about 0\.\d+",
        said,
    ), said


def test_weights_with_the_random_backbone_are_named_as_ignored(tmp_path, cli, with_tiny):
    src = write_exr(tmp_path / "in.exr", smooth())
    code, err, _ = cli(
        "synth", src, "-p", with_tiny, "-o", tmp_path / "out.exr", "--weights", tmp_path / "vgg.pth", *FAST
    )
    assert code == 0
    assert any("--weights" in w and "ignored with --backbone random" in w for w in _warnings(err)), err


@pytest.mark.parametrize("mode", ["clip", "fill"])
def test_outliers_repaired_on_request_give_a_finite_output_in_range(tmp_path, cli, with_tiny, mode):
    m = smooth()
    m[20, 30] = 3.4e38
    src = write_exr(tmp_path / "spike.exr", m)
    code, err, _ = cli("synth", src, "-p", with_tiny, "-o", tmp_path / "out.exr", "--outliers", mode, *FAST)
    assert code == 0, err
    out, _ = read_map(tmp_path / "out.exr")
    assert np.isfinite(out).all() and -0.5 < out.min() and out.max() < 1.5


def test_jpeg_written_only_when_asked(tmp_path, cli, with_tiny):
    src = write_exr(tmp_path / "in.exr", smooth())
    code, err, _ = cli("synth", src, "-p", with_tiny, "-o", tmp_path / "out.jpg", "--allow-lossy", *FAST)
    assert code == 0 and (tmp_path / "out.jpg").exists()


def test_partial_data_window_and_coloured_rgb_are_said(tmp_path, cli, with_tiny):
    rgb = np.stack([smooth(), smooth() * 0.5, smooth() * 0.2], axis=2)
    src = write_exr(
        tmp_path / "rgb.exr", rgb, "half", names=("R", "G", "B"), data_origin=(0, 16), display=(0, 0, 64, 80)
    )
    code, err, _ = cli("synth", src, "-p", with_tiny, "-o", tmp_path / "out.exr", *FAST)
    said = " | ".join(_warnings(err))
    assert code == 0
    assert "coloured RGB image read as its R channel" in said and "--channel" in said
    assert "the data window covers 80% of the display window" in said


def test_stats_record_the_warnings_and_nothing_is_written_when_the_result_is_not_finite(
    tmp_path, cli, with_tiny, monkeypatch
):
    src = write_exr(tmp_path / "const.exr", np.full((64, 64), 0.3, np.float32))
    stats = tmp_path / "stats.json"
    code, _, _ = cli(
        "synth",
        src,
        "-p",
        with_tiny,
        "-o",
        tmp_path / "out.exr",
        "--stats",
        stats,
        "--preview",
        tmp_path / "ba.png",
        *FAST,
    )
    record = json.loads(stats.read_text())
    assert code == 0 and (tmp_path / "ba.png").exists()
    assert record["outputs"] == [str(tmp_path / "out.exr")] and "no texel size given" in record["warnings"][0]

    import nexture_core.api as api

    real = api.synthesize

    def broken(*args, **kwargs):
        result = real(*args, **kwargs)
        for maps in result.outputs.values():
            maps["displacement"][3, 3] = np.nan
        return result

    monkeypatch.setattr(api, "synthesize", broken)
    before = cli.files()
    code, err, _ = cli(
        "synth", src, "-p", with_tiny, "-o", tmp_path / "again.exr", "--stats", tmp_path / "again.json", *FAST
    )
    assert (
        code == 2
        and "again.exr: the synthesis went wrong and nothing was written: 1 of 4096 samples are NaN or Inf" in err[-1]
    )
    assert cli.files() == before


def test_detail_clipped_in_an_integer_file_is_counted(tmp_path, cli, with_tiny):
    from cli_helpers import write_tiff16

    full_range = (smooth() - 0.2) / 0.6  # touches 0 and 1: the added detail goes past both
    src = write_tiff16(tmp_path / "full.tif", full_range)
    # A height unit of 10 um per map unit makes the pattern's tens of micrometres a large share of 0-1.
    code, err, _ = cli("synth", src, "-p", with_tiny, "-o", tmp_path / "out.tif", "--height-mm", "0.01", *FAST)
    assert code == 0
    said = [w for w in _warnings(err) if "out.tif: the added detail goes outside 0-1" in w]
    assert len(said) == 1 and re.search(r"at \d+ pixel\(s\) \(\d+\.\d\d%\), clipped in the 16-bit file", said[0]), err
