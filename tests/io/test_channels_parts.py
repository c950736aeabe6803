"""Channel choice, multi-part EXRs, data windows, tiling and source types."""

from __future__ import annotations

import numpy as np
import OpenImageIO as oiio
import pytest

from nexture_core.io import inspect_image, read_image, read_map, write_image


def test_grey_as_rgb_is_read_silently(tmp_path, img):
    grey = img.noise(32, 32, 1)
    path = write_image(tmp_path / "grey.png", np.repeat(grey, 3, axis=2), dtype="uint16")
    pixels, info = read_map(path)
    assert pixels.shape == (32, 32) and info.selected == ("R",) and info.notes == []
    assert np.abs(pixels - grey[:, :, 0]).max() <= 0.5 / 65535 + 1e-7


def test_coloured_rgb_gives_r_and_a_note(tmp_path, img):
    rgb = img.noise(32, 32, 3)
    path = write_image(tmp_path / "rgb.tif", rgb, dtype="float")
    pixels, info = read_map(path)
    assert np.array_equal(pixels, rgb[:, :, 0])
    assert any("coloured RGB" in n for n in info.notes)
    g, ginfo = read_map(path, channel="G")
    assert np.array_equal(g, rgb[:, :, 1]) and ginfo.selected == ("G",)


def test_grey_test_spans_strips(tmp_path, img, monkeypatch):
    """A colour difference in the last strip only must still be found."""
    import nexture_core.io.pixels as pixels_mod

    monkeypatch.setattr(pixels_mod, "_STRIP_BYTES", 64 * 3 * 4 * 4)  # 4 rows per strip
    rgb = np.repeat(img.noise(64, 64, 1), 3, axis=2)
    rgb[63, 10, 2] += 0.25
    pixels, info = read_map(write_image(tmp_path / "late.exr", rgb, dtype="float"))
    assert any("coloured RGB" in n for n in info.notes)
    assert np.array_equal(pixels, rgb[:, :, 0])


def test_y_channel_and_layers(tmp_path, img):
    planes = img.noise(24, 24, 4)
    names = ("displacement.R", "displacement.G", "displacement.B", "mask.Y")
    path = write_image(tmp_path / "layers.exr", planes, dtype="float", channel_names=names)
    d, info = read_map(path, channel="displacement")  # layer: R of a coloured RGB layer
    assert info.selected == ("displacement.R",) and np.array_equal(d, planes[:, :, 0])
    m, minfo = read_map(path, channel="mask.Y")
    assert np.array_equal(m, planes[:, :, 3]) and minfo.selected == ("mask.Y",)
    layer, linfo = read_image(path, channel="displacement")
    assert layer.shape == (24, 24, 3) and linfo.selected == ("displacement.R", "displacement.G", "displacement.B")
    first, finfo = read_map(path)  # no grey channel, several layers -> first channel + note
    assert finfo.selected == (info.channels[0],) and finfo.notes


def test_multipart_by_name_and_index(tmp_path, img):
    beauty, height = img.noise(16, 20, 3), img.noise(16, 20, 1, seed=3)
    path = img.write_multipart(tmp_path / "mp.exr", [("beauty", beauty, "RGB"), ("height", height, ["Y"])])
    by_name, info = read_map(path, part="height")
    assert info.part_name == "height" and info.part_index == 1
    assert np.array_equal(by_name, height[:, :, 0].astype(np.float16).astype(np.float32))
    by_index, _ = read_map(path, part="1")
    assert np.array_equal(by_index, by_name)
    default, dinfo = read_image(path)
    assert dinfo.part_index == 0 and default.shape == (16, 20, 3)
    assert [p.name for p in inspect_image(path)] == ["beauty", "height"]


def _write_windowed(path, pixels, data_origin, display_size):
    h, w, c = pixels.shape
    spec = oiio.ImageSpec(w, h, c, "float")
    spec.x, spec.y = data_origin
    spec.full_x, spec.full_y = 0, 0
    spec.full_width, spec.full_height = display_size
    out = oiio.ImageOutput.create(str(path))
    assert out.open(str(path), spec)
    assert out.write_image(pixels)
    out.close()
    return path


def test_data_window_placed_in_display_window(tmp_path, img):
    data = img.noise(20, 30, 1) + 1.0  # > 0 everywhere so the zero fill is visible
    path = _write_windowed(tmp_path / "win.exr", data, (5, 7), (48, 40))
    pixels, info = read_map(path)
    assert pixels.shape == (40, 48)
    assert info.data_window == (5, 7, 30, 20) and info.display_window == (0, 0, 48, 40)
    assert np.array_equal(pixels[7:27, 5:35], data[:, :, 0])
    outside = np.ones_like(pixels, bool)
    outside[7:27, 5:35] = False
    assert np.all(pixels[outside] == 0)


def test_data_window_larger_than_display_is_cropped(tmp_path, img):
    data = img.noise(40, 40, 1)
    path = _write_windowed(tmp_path / "over.exr", data, (-4, -6), (32, 30))
    pixels, _ = read_map(path)
    assert pixels.shape == (30, 32) and np.array_equal(pixels, data[6:36, 4:36, 0])


def test_tiled_mipmapped_reads_top_level(tmp_path, img):
    base = img.noise(64, 96, 1)
    src = img.write_oiio(tmp_path / "flat.exr", base, "float")
    tex = tmp_path / "tex.exr"
    assert oiio.ImageBufAlgo.make_texture(
        oiio.MakeTxTexture, oiio.ImageBuf(str(src)), str(tex), oiio.ImageSpec(0, 0, 0, "float")
    )
    pixels, info = read_map(tex)
    assert info.tiled is not None and info.mip_levels > 1
    assert pixels.shape == (64, 96) and np.array_equal(pixels, base[:, :, 0])


@pytest.mark.parametrize("dtype,scale", [("uint8", 255), ("uint16", 65535), ("uint32", 4294967295)])
def test_integer_sources_normalised(tmp_path, img, dtype, scale):
    raw = (img.noise(20, 20, 1) * scale).astype(np.uint64)
    values = raw.astype(np.float64) / scale
    import tifffile  # OIIO cannot write uint32 TIFFs; tifffile makes the artist-style file

    path = tmp_path / f"i_{dtype}.tif"
    tifffile.imwrite(path, raw[:, :, 0].astype(dtype), photometric="minisblack")
    pixels, info = read_map(path)
    assert info.sample_type == dtype and info.bit_depth == int(dtype[4:])
    assert np.abs(pixels - values[:, :, 0]).max() < 1e-6 + 1.0 / scale


def test_float_values_outside_0_1_are_kept(tmp_path, img):
    pixels = img.noise(16, 16, 1) * 40 - 20
    back, info = read_map(write_image(tmp_path / "hdr.exr", pixels, dtype="float"))
    assert np.array_equal(back, pixels[:, :, 0]) and info.sample_type == "float"
