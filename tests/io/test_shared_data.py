"""Every real file in ../shared/data reads with sensible info or fails with one clear line."""

from __future__ import annotations

import numpy as np
import pytest

from nexture_core.errors import InputError, NextureError
from nexture_core.io import read_image, read_map, write_image

IMAGE_EXTS = (".exr", ".tif", ".tiff", ".png", ".jpg", ".jpeg")


def test_every_shared_file_reads_or_fails_clearly(shared_data):
    files = sorted(p for p in shared_data.rglob("*") if p.suffix.lower() in IMAGE_EXTS)
    assert len(files) >= 15
    read, refused = [], []
    for path in files:
        try:
            pixels, info = read_map(path)
        except NextureError as exc:
            text = str(exc)
            assert "\n" not in text and str(path) in text
            refused.append(path.name)
            continue
        assert pixels.ndim == 2 and pixels.dtype == np.float32
        assert (info.height, info.width) == pixels.shape and min(pixels.shape) >= 16
        assert np.isfinite(pixels).all() and len(info.selected) == 1 and info.format
        if info.is_integer:
            assert 0.0 <= pixels.min() and pixels.max() <= 1.0
        read.append(path.name)
    assert sorted(refused) == ["TestImages_AllHalfValues.exr", "v2_LowResLeftView_Balls.exr"]


def test_all_half_values(shared_data):
    path = shared_data / "exr" / "TestImages_AllHalfValues.exr"
    with pytest.raises(InputError, match="NaN"):
        read_map(path)
    pixels, info = read_map(path, nan="zero")
    assert np.isfinite(pixels).all() and info.nan_count > 0 and info.inf_count > 0


def test_specific_layouts(shared_data):
    caspian, info = read_image(shared_data / "tiff" / "caspian.tif")
    assert info.sample_type == "double" and caspian.shape == (220, 279, 3) and caspian.max() > 1  # floats kept
    u32, info = read_map(shared_data / "tiff" / "flower-minisblack-32.tif")
    assert info.sample_type == "uint32" and u32.max() == pytest.approx(1.0)
    u16, info16 = read_map(shared_data / "tiff" / "flower-minisblack-16.tif")
    assert info16.bit_depth == 16 and np.abs(u16 - u32).max() < 1e-4
    _, luv = read_map(shared_data / "tiff" / "off_luv32.tif")
    assert any("LogLuv" in n for n in luv.notes)
    tiles, tinfo = read_map(shared_data / "tiff" / "cramps-tile.tif")
    assert tinfo.tiled == (256, 256) and tiles.shape == (607, 800)
    window, winfo = read_map(shared_data / "exr" / "DisplayWindow_t08.exr")
    assert winfo.data_window != winfo.display_window and window.shape == (401, 501)
    assert np.all(window[:40] == 0) and np.all(window[:, :30] == 0)
    depth, dinfo = read_map(shared_data / "exr" / "Beachball_multipart.0001.exr", part="depth_left")
    assert dinfo.selected == ("Z",) and len(dinfo.parts) == 10
    spec, sinfo = read_map(shared_data / "skin" / "head_specular.jpg")
    assert sinfo.notes == [] or all("coloured" not in n for n in sinfo.notes)  # grey saved as RGB
    ramps, rinfo = read_map(shared_data / "exr" / "TestImages_GrayRampsHorizontal.exr")
    assert rinfo.selected == ("Y",) and rinfo.compression == "pxr24"


def test_real_displacement_roundtrip_keeps_depth(shared_data, tmp_path):
    src = shared_data / "skin" / "face_displacement_1k.png"
    pixels, info = read_map(src)
    out = write_image(tmp_path / "face.png", pixels, like=info, protect=[src])
    again, ainfo = read_map(out)
    assert ainfo.sample_type == "uint8" and np.array_equal(again, pixels)
