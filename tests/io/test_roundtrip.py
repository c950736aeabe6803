"""Every output format and sample type reads back exactly or within its quantisation step."""

from __future__ import annotations

import numpy as np
import OpenImageIO as oiio
import pytest

from nexture_core.errors import OutputError
from nexture_core.io import needs_bigtiff, read_image, read_map, write_image
from nexture_core.io.formats import choose_dtype
from nexture_core.io.writing import quantise

# (extension, dtype, largest allowed abs error on [0, 1] data)
CASES = [
    ("tif", "uint8", 0.5 / 255 + 1e-6),
    ("tif", "uint16", 0.5 / 65535 + 1e-7),
    ("tif", "float", 0.0),
    ("exr", "half", 2.0**-11),
    ("exr", "float", 0.0),
    ("png", "uint8", 0.5 / 255 + 1e-6),
    ("png", "uint16", 0.5 / 65535 + 1e-7),
]


def _stored_type(path) -> str:
    inp = oiio.ImageInput.open(str(path))
    try:
        return str(inp.spec().format)
    finally:
        inp.close()


@pytest.mark.parametrize("ext,dtype,tol", CASES)
@pytest.mark.parametrize("channels", [1, 3])
def test_roundtrip_every_format_and_depth(tmp_path, ext, dtype, tol, channels, img):
    pixels = img.noise(40, 56, channels)
    path = write_image(tmp_path / f"out.{ext}", pixels, dtype=dtype)
    back, info = read_image(path)
    assert back.shape == pixels.shape and back.dtype == np.float32
    assert np.abs(back - pixels).max() <= tol
    assert info.sample_type == dtype
    assert _stored_type(path) == {"uint8": "uint8", "uint16": "uint16", "half": "half", "float": "float"}[dtype]


@pytest.mark.parametrize("compression,tol", [("zip", 0.0), ("piz", 0.0), ("dwaa", 0.02)])
@pytest.mark.parametrize("dtype", ["half", "float"])
def test_exr_compressions(tmp_path, compression, tol, dtype, img):
    pixels = img.ramp(64, 64, 3)
    path = write_image(tmp_path / "c.exr", pixels, dtype=dtype, compression=compression)
    back, info = read_image(path)
    step = 2.0**-11 if dtype == "half" else 0.0
    assert np.abs(back - pixels).max() <= tol + step
    assert info.compression.startswith(compression)


def test_jpg_bounded_error(tmp_path, img):
    pixels = img.ramp(64, 64, 3)
    path = write_image(tmp_path / "c.jpg", pixels)
    back, info = read_image(path)
    assert info.sample_type == "uint8" and info.format == "jpeg"
    assert np.abs(back - pixels).mean() < 0.01
    assert np.abs(back - pixels).max() < 0.08


def test_integer_write_clips_and_rounds_to_nearest(tmp_path):
    values = np.array([[-0.2, 0.0, 0.5, 1.0 / 65535 * 0.49, 1.0 / 65535 * 0.51, 1.0, 1.7, np.nan]], np.float32)
    q = quantise(values[:, :, None], "uint16")[0, :, 0]
    assert q.tolist() == [0, 0, 32768, 0, 1, 65535, 65535, 0]
    grid = np.tile(values[:, :-1], (16, 3))  # NaN is refused by write_image (tested in test_output_checks)
    path = write_image(tmp_path / "q.tif", grid, dtype="uint16")
    back, _ = read_map(path)
    assert back[0, 0] == 0.0 and back[0, 6] == 1.0 and back[0, 5] == 1.0


def test_like_keeps_16bit_tiff(tmp_path, img):
    src = img.write_oiio(tmp_path / "in.tif", img.noise(32, 32, 1), "uint16")
    pixels, info = read_map(src)
    assert info.sample_type == "uint16" and info.bit_depth == 16
    out = write_image(tmp_path / "out.tif", pixels, like=info)
    assert _stored_type(out) == "uint16"
    again, _ = read_map(out)
    assert np.array_equal(again, pixels)  # 16-bit in -> 16-bit out is lossless


def test_like_keeps_half_exr_and_maps_across_formats(tmp_path, img):
    src = img.write_oiio(tmp_path / "in.exr", img.noise(32, 32, 1), "half")
    pixels, info = read_map(src)
    assert _stored_type(write_image(tmp_path / "o.exr", pixels, like=info)) == "half"
    assert _stored_type(write_image(tmp_path / "o.tif", pixels, like=info)) == "float"
    assert _stored_type(write_image(tmp_path / "o.png", pixels, like=info)) == "uint16"
    tif16 = img.write_oiio(tmp_path / "in16.tif", img.noise(32, 32, 1), "uint16")
    _, info16 = read_map(tif16)
    assert _stored_type(write_image(tmp_path / "o16.exr", pixels, like=info16)) == "float"
    assert _stored_type(write_image(tmp_path / "o16.png", pixels, like=info16)) == "uint16"


@pytest.mark.parametrize(
    "ext,source,expected",
    [
        ("exr", "uint8", "half"),
        ("exr", "uint32", "float"),
        ("tif", "half", "float"),
        ("tif", "double", "float"),
        ("png", "float", "uint16"),
        ("jpg", "float", "uint8"),
        ("tif", None, "uint16"),
        ("exr", None, "float"),
    ],
)
def test_closest_depth_table(tmp_path, ext, source, expected):
    from nexture_core.io.formats import format_for

    path = tmp_path / f"x.{ext}"
    assert choose_dtype(path, format_for(path), None, source) == expected


def test_explicit_dtype_the_format_cannot_hold_is_refused(tmp_path, img):
    with pytest.raises(OutputError, match="png cannot store half"):
        write_image(tmp_path / "x.png", img.ramp(), dtype="half")
    with pytest.raises(OutputError, match="unsupported extension"):
        write_image(tmp_path / "x.bmpx", img.ramp())
    with pytest.raises(OutputError, match="cannot hold 5 channels"):
        write_image(tmp_path / "x.png", img.noise(16, 16, 5))
    with pytest.raises(OutputError, match="unknown openexr compression"):
        write_image(tmp_path / "x.exr", img.ramp(), compression="zstd-ultra")
    with pytest.raises(OutputError, match="2 channel names for 3 channels"):
        write_image(tmp_path / "x.exr", img.ramp(c=3), channel_names=("a", "b"))
    assert list(tmp_path.iterdir()) == []


def test_named_channels_and_colorspace(tmp_path, img):
    pixels = img.noise(32, 40, 3)
    names = ("secondary", "tertiary", "micro")
    path = write_image(tmp_path / "bands.exr", pixels, dtype="float", channel_names=names, colorspace="Raw")
    back, info = read_image(path)
    # EXR stores channels sorted by name; they are found again by name, not position.
    assert sorted(info.channels) == sorted(names)
    assert info.colorspace == "data"  # OIIO 3 canonical name of "Raw"
    for k, name in enumerate(names):
        assert np.array_equal(back[:, :, info.channels.index(name)], pixels[:, :, k])
    micro, minfo = read_map(path, channel="micro")
    assert minfo.selected == ("micro",) and np.array_equal(micro, pixels[:, :, 2])
    rgba = write_image(tmp_path / "rgba.exr", img.noise(16, 16, 4), dtype="half")
    assert read_image(rgba)[1].channels == ("R", "G", "B", "A")


def test_colorspace_follows_like_in_same_format(tmp_path, img):
    src = write_image(tmp_path / "in.exr", img.ramp(), colorspace="ACEScg")
    pixels, info = read_map(src)
    assert info.colorspace == "lin_ap1_scene"  # OIIO 3 canonical name of ACEScg
    out = write_image(tmp_path / "out.exr", pixels, like=info)
    assert read_map(out)[1].colorspace == info.colorspace
    png = write_image(tmp_path / "out.png", pixels, like=info)  # other family: not carried over
    assert read_map(png)[1].colorspace != info.colorspace


def test_bigtiff_decision_and_path(tmp_path, monkeypatch, img):
    assert not needs_bigtiff(16384, 16384, 1, "float")  # 1 GiB: classic TIFF
    assert needs_bigtiff(32768, 32768, 1, "float")  # 4 GiB: BigTIFF
    assert needs_bigtiff(64, 64, 1, "uint16", threshold=8192)
    assert not needs_bigtiff(64, 64, 1, "uint8", threshold=8192)
    import nexture_core.io.writing as writing

    monkeypatch.setattr(writing, "needs_bigtiff", lambda w, h, c, d: needs_bigtiff(w, h, c, d, threshold=1024))
    pixels = img.noise(64, 64, 1)
    big = write_image(tmp_path / "big.tif", pixels, dtype="uint16")
    small = write_image(tmp_path / "small.tif", pixels[:16, :16], dtype="uint8")
    assert big.read_bytes()[:4] == b"II+\x00"  # BigTIFF magic 43
    assert small.read_bytes()[:4] == b"II*\x00"  # classic TIFF magic 42
    assert np.abs(read_map(big)[0] - pixels[:, :, 0]).max() <= 0.5 / 65535 + 1e-7


def test_write_accepts_integer_arrays_as_floats(tmp_path):
    path = write_image(tmp_path / "i.exr", np.ones((16, 16), np.uint8))
    assert np.array_equal(read_map(path)[0], np.ones((16, 16), np.float32))


@pytest.mark.parametrize("ext", ["png", "tif", "exr"])
def test_alpha_never_premultiplies_data(tmp_path, img, ext):
    """A map with an alpha (or a zero-alpha area) keeps its stored values both ways."""
    pixels = img.ramp(16, 16, 4)
    pixels[:8, :, 3] = 0.0
    dtype = "float" if ext == "exr" else "uint16"
    back, _ = read_image(write_image(tmp_path / f"a.{ext}", pixels, dtype=dtype))
    assert np.abs(back - pixels).max() <= 0.5 / 65535 + 1e-7
    foreign = img.write_oiio(tmp_path / f"f.{ext}", pixels, dtype, ("R", "G", "B", "A"), oiio__UnassociatedAlpha=1)
    back, _ = read_image(foreign)
    assert np.abs(back - pixels).max() <= 0.5 / 65535 + 1e-7
