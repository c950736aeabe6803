"""``nexture info``: text and JSON reports, one error line per bad file, exit 2 if any failed."""

from __future__ import annotations

import argparse
import json

import numpy as np
import pytest

from nexture_core.cli import info_cmd
from nexture_core.io import write_image


def _run(argv):
    parser = argparse.ArgumentParser(prog="nexture")
    info_cmd.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["info", *argv])
    return args.func(args)


def test_text_report(tmp_path, img, capsys):
    pixels = img.ramp(32, 48, 1)
    path = write_image(tmp_path / "disp.tif", pixels, dtype="uint16")
    assert _run([str(path)]) == 0
    out = capsys.readouterr().out
    assert str(path) in out and "48 x 32" in out and "uint16 (16-bit)" in out and "tiff" in out
    assert f"min {pixels.min():.6g}" in out and "NaN / Inf:    0 / 0" in out


def test_json_report_with_channel_and_part(tmp_path, img, capsys):
    pixels = img.noise(16, 20, 1)
    path = img.write_multipart(
        tmp_path / "mp.exr", [("beauty", img.noise(16, 20, 3), "RGB"), ("height", pixels, ["Y"])]
    )
    assert _run([str(path), "--part", "height", "--channel", "Y", "--json"]) == 0
    (report,) = json.loads(capsys.readouterr().out)
    assert report["part_name"] == "height" and report["selected"] == ["Y"]
    assert [p["name"] for p in report["parts"]] == ["beauty", "height"]
    half = pixels.astype(np.float16).astype(np.float32)
    assert report["stats"]["max"] == pytest.approx(float(half.max()))
    assert report["stats"]["mean"] == pytest.approx(float(half.mean()), rel=1e-5)


def test_nan_counts_are_reported_not_refused(tmp_path, img, capsys):
    pixels = img.ramp(16, 16, 1)
    pixels[0, :3] = np.nan
    pixels[1, 0] = np.inf
    path = img.write_oiio(tmp_path / "nan.exr", pixels)
    assert _run([str(path), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)[0]["stats"]
    assert stats["nan"] == 3 and stats["inf"] == 1 and np.isfinite(stats["max"])


def test_bad_files_one_line_each_and_exit_2(tmp_path, img, capsys):
    good = write_image(tmp_path / "good.png", img.noise(16, 16, 1))
    junk = tmp_path / "junk.exr"
    junk.write_text("not an image")
    code = _run([str(tmp_path / "missing.tif"), str(good), str(junk)])
    captured = capsys.readouterr()
    assert code == 2
    errors = captured.err.strip().splitlines()
    assert len(errors) == 2
    assert errors[0].startswith(f"nexture: error: {tmp_path / 'missing.tif'}: ")
    assert errors[1].startswith(f"nexture: error: {junk}: ")
    assert str(good) in captured.out


def test_bad_channel_lists_channels(tmp_path, img, capsys):
    path = write_image(tmp_path / "rgb.exr", img.noise(16, 16, 3))
    assert _run([str(path), "--channel", "Z"]) == 2
    assert "its channels are R, G, B" in capsys.readouterr().err


def test_shared_data_report(shared_data, capsys):
    files = [shared_data / "exr" / "Beachball_multipart.0001.exr", shared_data / "exr" / "v2_LowResLeftView_Balls.exr"]
    assert _run([str(f) for f in files]) == 2
    captured = capsys.readouterr()
    assert "data window:" in captured.out and '9 "whitebarmask_right"' in captured.out
    assert "deep image" in captured.err and len(captured.err.strip().splitlines()) == 1
