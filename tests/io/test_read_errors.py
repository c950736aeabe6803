"""Bad input gets one clear InputError naming the file and the problem."""

from __future__ import annotations

import os

import numpy as np
import pytest

from nexture_core.errors import InputError, NextureError, SettingsError
from nexture_core.io import read_image, read_map, write_image


def _one_line(exc: BaseException, path) -> str:
    text = str(exc)
    assert "\n" not in text and str(path) in text
    return text


def test_missing_folder_empty_and_not_an_image(tmp_path):
    with pytest.raises(InputError, match="file not found") as e:
        read_map(tmp_path / "nope.exr")
    _one_line(e.value, tmp_path / "nope.exr")
    with pytest.raises(InputError, match="is a folder"):
        read_map(tmp_path)
    empty = tmp_path / "empty.tif"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        read_map(empty)
    text = tmp_path / "notes.exr"
    text.write_text("this is not an EXR\n" * 20)
    with pytest.raises(InputError, match="not an image OpenImageIO can read") as e:
        read_image(text)
    _one_line(e.value, text)


@pytest.mark.parametrize(
    "ext,dtype", [("exr", "half"), ("tif", "uint16"), ("png", "uint16"), ("jpg", "uint8"), ("exr", "float")]
)
@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_truncated_files(tmp_path, img, ext, dtype, keep):
    good = write_image(tmp_path / f"good.{ext}", img.noise(96, 96, 3), dtype=dtype)
    data = good.read_bytes()
    cut = tmp_path / f"cut.{ext}"
    cut.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(InputError) as e:
        read_map(cut)
    text = _one_line(e.value, cut)
    assert "truncated or corrupt" in text or "not an image" in text


def test_corrupt_bytes_in_the_middle(tmp_path, img):
    good = write_image(tmp_path / "good.exr", img.noise(96, 96, 1), dtype="half", compression="zip")
    data = bytearray(good.read_bytes())
    mid = len(data) // 2
    data[mid : mid + 200] = os.urandom(200)
    bad = tmp_path / "bad.exr"
    bad.write_bytes(bytes(data))
    with pytest.raises(InputError, match="truncated or corrupt"):
        read_map(bad)


def test_too_small(tmp_path, img):
    path = write_image(tmp_path / "tiny.png", img.noise(8, 40, 1))
    with pytest.raises(InputError, match=r"8 px.*|40x8 px, smaller than the minimum 16"):
        read_map(path)
    assert read_map(path, min_size=4)[0].shape == (8, 40)
    with pytest.raises(InputError, match="minimum 64 px"):
        read_map(write_image(tmp_path / "m.png", img.noise(48, 64, 1)), min_size=64)


def test_nan_and_inf_error_zero_fill(tmp_path, img):
    pixels = img.ramp(32, 32, 1)
    pixels[5, 7] = np.nan
    pixels[20, 20] = np.inf
    pixels[21, 20] = -np.inf
    path = img.write_oiio(tmp_path / "holes.exr", pixels)  # the writer refuses NaN: write it plainly
    with pytest.raises(InputError, match=r"1 NaN and 2 Inf sample\(s\) of 1024") as e:
        read_map(path)
    _one_line(e.value, path)
    zero, info = read_map(path, nan="zero")
    assert zero[5, 7] == 0 and zero[20, 20] == 0 and info.nan_count == 1 and info.inf_count == 2
    filled, _ = read_map(path, nan="fill")
    assert np.isfinite(filled).all()
    # nearest finite neighbour: a smooth ramp stays within one step of its neighbours
    assert abs(filled[5, 7] - pixels[5, 6, 0]) < 0.05 and abs(filled[20, 20] - pixels[19, 20, 0]) < 0.05
    kept, _ = read_map(path, nan="keep")
    assert np.isnan(kept[5, 7])
    with pytest.raises(SettingsError, match="nan='median'"):
        read_map(path, nan="median")


def test_all_nan_is_refused_even_when_repairing(tmp_path, img):
    path = img.write_oiio(tmp_path / "allnan.exr", np.full((16, 16, 1), np.nan, np.float32))
    for mode in ("zero", "fill"):
        with pytest.raises(InputError, match="every sample"):
            read_map(path, nan=mode)


def test_unknown_channel_lists_the_existing_ones(tmp_path, img):
    path = write_image(tmp_path / "b.exr", img.noise(16, 16, 3), channel_names=("secondary", "tertiary", "micro"))
    with pytest.raises(
        InputError, match=r"has no channel 'displacement.R'; its channels are micro, secondary, tertiary"
    ) as e:
        read_map(path, channel="displacement.R")
    _one_line(e.value, path)


def test_unknown_part_lists_the_parts(tmp_path, img):
    path = img.write_multipart(
        tmp_path / "mp.exr", [("beauty", img.noise(16, 16, 3), "RGB"), ("height", img.noise(16, 16, 1), ["Y"])]
    )
    with pytest.raises(InputError, match=r'has no part named \'disp\'; its parts are 0 "beauty", 1 "height"'):
        read_map(path, part="disp")
    with pytest.raises(InputError, match="has no part 5"):
        read_map(path, part=5)


def test_deep_exr_is_refused(shared_data):
    path = shared_data / "exr" / "v2_LowResLeftView_Balls.exr"
    with pytest.raises(InputError, match="deep image") as e:
        read_map(path)
    _one_line(e.value, path)


def test_library_exceptions_never_leak(tmp_path, img, monkeypatch):
    import nexture_core.io.reading as reading

    path = write_image(tmp_path / "ok.tif", img.noise(16, 16, 1))

    def boom(*args, **kwargs):
        raise RuntimeError("deep inside the decoder\nwith a second line")

    monkeypatch.setattr(reading, "read_part", boom)
    with pytest.raises(NextureError) as e:
        read_map(path)
    assert "deep inside the decoder" in _one_line(e.value, path)
