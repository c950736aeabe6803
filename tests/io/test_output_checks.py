"""Never a silent bad value: extreme finite samples found on reading, nothing non-finite written,
library error text made readable (issue 17)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nexture_core.errors import InputError, OutputError
from nexture_core.io import read_map, write_image
from nexture_core.io.errors_text import decoded, oiio_reason
from nexture_core.io.outliers import ABSOLUTE_LIMIT, find_outliers


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("ext, dtype", [("exr", "float"), ("exr", "half"), ("tif", "uint16"), ("png", "uint8")])
def test_non_finite_values_are_never_written(tmp_path, img, value, ext, dtype):
    pixels = img.ramp(32, 32, 1)
    pixels[4, 5] = value
    with pytest.raises(OutputError, match=r"not written, 1 of 1024 samples are NaN or Inf"):
        write_image(tmp_path / f"out.{ext}", pixels, dtype=dtype)
    assert list(tmp_path.iterdir()) == []


def test_values_a_half_float_cannot_hold_are_refused(tmp_path, img):
    pixels = img.ramp(32, 32, 1)
    pixels[0, 0] = 1e5
    with pytest.raises(OutputError, match=r"1e\+05 exceeds what a half float holds \(65504\); write float samples"):
        write_image(tmp_path / "out.exr", pixels, dtype="half")
    assert write_image(tmp_path / "out.exr", pixels, dtype="float").exists()
    with pytest.raises(OutputError, match=r"beyond the plausible ±10"):
        write_image(tmp_path / "again.exr", pixels, dtype="float", value_limit=10.0)


def _spiked(img, value, count=1):
    pixels = img.ramp(48, 64, 1)
    pixels.reshape(-1)[: count * 7 : 7] = value
    return pixels


@pytest.mark.parametrize("value", [3.4e38, -3.4e38, 1e20, 65504.0, -9999.0])
def test_extreme_samples_are_refused_naming_count_and_value(tmp_path, img, value):
    path = img.write_oiio(tmp_path / "spike.exr", _spiked(img, value, 3))
    with pytest.raises(InputError) as e:
        read_map(path)
    text = str(e.value)
    assert "\n" not in text and str(path) in text
    assert f"3 sample(s) of channel Y lie far outside the rest of the map, e.g. {value:.4g}" in text
    assert "(CLI: --outliers clip|fill)" in text


def test_a_flood_beyond_the_absolute_limit_is_refused(tmp_path, img):
    pixels = img.ramp(48, 64, 1)
    pixels[::2] = np.where(np.arange(64) % 2, 1.7e38, -1.7e38)[None, :, None]
    path = img.write_oiio(tmp_path / "flood.exr", pixels)
    with pytest.raises(InputError, match=r"1536 sample\(s\)"):
        read_map(path)


def test_clip_fill_and_keep(tmp_path, img):
    pixels = _spiked(img, 3.4e38)
    path = img.write_oiio(tmp_path / "spike.exr", pixels)
    clipped, info = read_map(path, outliers="clip")
    rest = np.delete(pixels.reshape(-1), 0)
    assert info.outlier_count == 1 and clipped[0, 0] == pytest.approx(rest.max())  # the nearest in-range value
    filled, _ = read_map(path, outliers="fill")
    assert filled[0, 0] == pytest.approx(pixels[0, 1, 0], abs=0.02)  # from the nearest normal pixel
    kept, info = read_map(path, outliers="keep")
    assert kept[0, 0] == pytest.approx(3.4e38, rel=1e-6) and info.outlier_count == 1


@pytest.mark.parametrize("case", ["bump-on-zero", "noisy-floor-and-ridge", "half-ramp", "signed-scan"])
def test_sculpted_content_is_not_an_outlier(case):
    yy, xx = np.mgrid[0:256, 0:256].astype(np.float32)
    if case == "bump-on-zero":  # 0.05% of the map, the rest exactly 0
        m = np.where(np.hypot(yy - 100, xx - 80) < 3, 0.8, 0.0)
    elif case == "noisy-floor-and-ridge":
        m = np.random.default_rng(0).normal(0, 1e-3, (256, 256)) + np.exp(-(((xx - 128) / 3.0) ** 2)) * 2.0
    elif case == "half-ramp":
        m = xx * 200.0
    else:
        m = np.sin(xx / 9) * np.cos(yy / 13) * 5e-4 - 2e-4
    assert find_outliers(m.astype(np.float32)).count == 0


def test_integer_files_are_not_searched(tmp_path, img):
    pixels = img.ramp(48, 64, 1)
    pixels[0, 0] = 1.0
    pixels[1:] = 0.0
    path = write_image(tmp_path / "int.tif", pixels, dtype="uint16")
    assert read_map(path)[1].outlier_count == 0
    assert ABSOLUTE_LIMIT == 1e15


def test_info_reports_outliers_and_an_empty_display_window(tmp_path, img, capsys):
    from nexture_core.cli.main import main

    path = img.write_oiio(tmp_path / "spike.exr", _spiked(img, 1e20, 2))
    assert main(["info", str(path)]) == 0
    assert "2 sample(s) far outside the rest of the map  (synth needs --outliers clip|fill)" in capsys.readouterr().out
    assert main(["info", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["outlier_count"] == 2


def test_oiio_text_loses_library_prefixes_and_warnings():
    text = "libpng warning: iCCP: known incorrect sRGB profile\nPNG read error: IDAT: invalid window size (libpng)"
    assert oiio_reason(text) == "PNG read error: IDAT: invalid window size"
    exr = "EXR Error (/a/b.exr): EXR_ERR_ATTR_TYPE_MISMATCH Required attribute 'compression': Invalid type '\ufffdompression'"
    assert oiio_reason(exr) == "Required attribute 'compression': Invalid type '?ompression'"


def test_undecodable_error_text_is_decoded_not_raised():
    def geterror():
        b"caf\xe9 broken".decode("utf-8")

    assert decoded(geterror) == "caf\ufffd broken"


def test_libpng_prints_nothing_of_its_own(tmp_path, img, capfd):
    good = write_image(tmp_path / "good.png", img.noise(40, 40, 1), dtype="uint8")
    data = bytearray(good.read_bytes())
    data[29] ^= 0xFF  # inside IHDR: its CRC no longer matches
    bad = tmp_path / "bad.png"
    bad.write_bytes(bytes(data))
    capfd.readouterr()
    with pytest.raises(
        InputError, match=r"bad\.png: not an image OpenImageIO can read \(PNG read error: IHDR: CRC error\)"
    ):
        read_map(bad)
    assert "libpng" not in capfd.readouterr().err
