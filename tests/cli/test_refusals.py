"""A corpus of bad inputs and bad requests, made on the spot: each is refused in one line,
before any synthesis, and leaves no file behind (issue 17)."""

from __future__ import annotations

import os
import re
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from cli_helpers import smooth, write_exr, write_tiff16


def _outlier(value: float):
    def build(tmp: Path):
        m = smooth()
        m[20, 30] = value
        return write_exr(tmp / "spike.exr", m), []

    return build


def _flood(tmp: Path):
    m = smooth()
    rng = np.random.default_rng(1)
    flood = rng.random(m.shape) < 0.3
    m[flood] = np.where(rng.random(m.shape) < 0.5, 1.7e38, -1.7e38)[flood]
    return write_exr(tmp / "flood.exr", m), []


def _alpha_only(tmp: Path):
    rgba = np.zeros((64, 64, 4), np.float32)
    rgba[..., 3] = smooth()
    return write_exr(tmp / "alpha.exr", rgba, "half", names=("R", "G", "B", "A")), []


def _window_outside(tmp: Path):
    return write_exr(tmp / "window.exr", smooth(), "half", data_origin=(200, 0), display=(0, 0, 64, 64)), []


def _signed_to_png(tmp: Path):
    return write_exr(tmp / "signed.exr", (smooth() - 0.5) * 2.0), ["-o", tmp / "out.png"]


def _tiff16_to_8bit(tmp: Path):
    return write_tiff16(tmp / "sixteen.tif", smooth()), ["-o", tmp / "out.tif", "--dtype", "uint8"]


def _jpeg_output(tmp: Path):
    return write_tiff16(tmp / "sixteen.tif", smooth()), ["-o", tmp / "out.jpg"]


def _jpeg_input_default_output(tmp: Path):
    from nexture_core.io import write_image

    return write_image(tmp / "scan.jpg", smooth(), dtype="uint8"), []


def _uint8_exr(tmp: Path):
    return write_exr(tmp / "in.exr", smooth()), ["-o", tmp / "out.exr", "--dtype", "uint8"]


def _hard_link(tmp: Path):
    src = write_exr(tmp / "in.exr", smooth())
    os.link(src, tmp / "linked.exr")
    return src, ["-o", tmp / "linked.exr"]


def _symlink(tmp: Path):
    src = write_exr(tmp / "in.exr", smooth())
    (tmp / "alias.exr").symlink_to(src)
    return src, ["-o", tmp / "alias.exr"]


def _stats_under_a_file(tmp: Path):
    (tmp / "plain.txt").write_text("not a folder")
    return write_exr(tmp / "in.exr", smooth()), ["-o", tmp / "out.exr", "--stats", tmp / "plain.txt" / "stats.json"]


def _stats_is_the_output(tmp: Path):
    return write_exr(tmp / "in.exr", smooth()), ["-o", tmp / "out.exr", "--stats", tmp / "out.exr"]


def _preview_exr(tmp: Path):
    return write_exr(tmp / "in.exr", smooth()), ["-o", tmp / "out.exr", "--preview", tmp / "before_after.exr"]


def _output_is_a_folder(tmp: Path):
    (tmp / "outdir").mkdir()
    return write_exr(tmp / "in.exr", smooth()), ["-o", tmp / "outdir"]


def _output_under_a_file(tmp: Path):
    (tmp / "plain.txt").write_text("not a folder")
    return write_exr(tmp / "in.exr", smooth()), ["-o", tmp / "plain.txt" / "out.exr"]


def _empty_stats(tmp: Path):
    return write_exr(tmp / "in.exr", smooth()), ["-o", tmp / "out.exr", "--stats", ""]


def _empty_output(tmp: Path):
    return write_exr(tmp / "in.exr", smooth()), ["-o", ""]


def _format_conflict(tmp: Path):
    return write_exr(tmp / "in.exr", smooth()), ["--format", "png", "-o", tmp / "x.exr"]


def _mask_aspect(tmp: Path):
    src = write_exr(tmp / "in.exr", smooth(64, 64))
    write_exr(tmp / "left.exr", np.ones((32, 64), np.float32))
    write_exr(tmp / "right.exr", np.zeros((32, 64), np.float32))
    return src, [
        "-p",
        "cheek",
        "--mask",
        tmp / "left.exr",
        "-p",
        "forehead",
        "--mask",
        tmp / "right.exr",
        "-o",
        tmp / "mix.exr",
    ]


def _not_utf8_name(tmp: Path):
    good = write_exr(tmp / "in.exr", smooth())
    odd = Path(os.fsdecode(bytes(tmp) + b"/caf\xe9.exr"))
    good.rename(odd)
    return odd, ["-o", tmp / "out.exr"]


def _damaged_exr_header(tmp: Path):
    data = bytearray(write_exr(tmp / "good.exr", smooth(), "half").read_bytes())
    at = data.index(b"compression\x00compression\x00") + len(b"compression\x00")
    data[at] = 0x80  # the attribute's type name is no longer UTF-8 (OIIO's error quotes it) ...
    at = data.index(b"screenWindowWidth\x00float\x00") + len(b"screenWindowWidth\x00float\x00") + 4
    data[at : at + 4] = struct.pack("<f", -8.5e37)  # ... and an invalid value makes the open fail
    (tmp / "good.exr").unlink()
    bad = tmp / "damaged.exr"
    bad.write_bytes(bytes(data))
    return bad, []


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _damaged_png(tmp: Path):
    rows = b"".join(b"\x00" + bytes(range(64)) for _ in range(64))
    stream = bytearray(zlib.compress(rows))
    stream[0] = 0xF8  # zlib window size 2**23: libpng reports "invalid window size (libpng)"
    level = stream[1] & 0xC0
    stream[1] = level | (31 - (0xF8 * 256 + level) % 31) % 31  # a valid header checksum, so the window is judged
    header = struct.pack(">IIBBBBB", 64, 64, 8, 0, 0, 0, 0)
    png = (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", bytes(stream))
        + _png_chunk(b"IEND", b"")
    )
    path = tmp / "damaged.png"
    path.write_bytes(png)
    return path, []


CASES = [
    pytest.param(
        _outlier(3.4e38),
        r"1 sample\(s\) of channel Y lie far outside the rest of the map, e\.g\. 3\.4e\+38.*--outliers clip\|fill",
        id="pixel-3.4e38",
    ),
    pytest.param(_outlier(1e20), r"1 sample\(s\) .* e\.g\. 1e\+20", id="pixel-1e20"),
    pytest.param(_outlier(-5e4), r"1 sample\(s\) .* e\.g\. -5e\+04", id="pixel-minus-5e4"),
    pytest.param(_flood, r"\d{3,4} sample\(s\) .* e\.g\. [-]?1\.7e\+38", id="flood-1.7e38"),
    pytest.param(
        _alpha_only,
        r"channel R is empty \(every pixel is 0\); the data is in channel A: pass --channel A",
        id="rgba-data-in-alpha",
    ),
    pytest.param(
        _window_outside,
        r"display window \(64x64 at \(0, 0\)\) and the data window \(64x64 at \(200, 0\)\) do not overlap.*--fullpixels",
        id="display-window-outside-data",
    ),
    pytest.param(
        _signed_to_png,
        r"out\.png: \d+\.\d% of the pixels .* outside 0-1 .* clipped in a 16-bit PNG.*--allow-lossy",
        id="signed-to-png",
    ),
    pytest.param(
        _tiff16_to_8bit,
        r"16-bit with \d+ distinct levels; an 8-bit output keeps \d+ of them.*--allow-lossy",
        id="16bit-to-8bit",
    ),
    pytest.param(_jpeg_output, r"out\.jpg: JPEG is lossy .*--allow-lossy", id="jpg-output"),
    pytest.param(_jpeg_input_default_output, r"\.jpg: JPEG is lossy .*--format", id="jpg-input-default-output"),
    pytest.param(_uint8_exr, r"out\.exr: openexr cannot store uint8 samples", id="uint8-exr"),
    pytest.param(_hard_link, r"linked\.exr would overwrite the input .*in\.exr", id="output-hard-link-to-input"),
    pytest.param(_symlink, r"alias\.exr would overwrite the input", id="output-symlink-to-input"),
    pytest.param(_stats_under_a_file, r"--stats .*plain\.txt is a file", id="stats-unwritable"),
    pytest.param(_stats_is_the_output, r"--stats .*out\.exr is also an output", id="stats-is-output"),
    pytest.param(_preview_exr, r"--preview .*8-bit image", id="preview-exr"),
    pytest.param(_output_is_a_folder, r"outdir is a folder; give a file name", id="output-is-a-folder"),
    pytest.param(
        _output_under_a_file,
        r"out\.exr: .*plain\.txt is a file, so the folder cannot be created",
        id="output-under-a-file",
    ),
    pytest.param(_empty_output, r"-o/--output is empty", id="empty-output"),
    pytest.param(_empty_stats, r"--stats is empty", id="empty-stats"),
    pytest.param(
        _format_conflict, r"--format png conflicts with the output .*x\.exr \(a \.exr file\)", id="format-conflict"
    ),
    pytest.param(
        _mask_aspect, r"left\.exr: the mask is 64x32 px \(2:1\) but the input is 64x64 px \(1:1\)", id="mask-aspect"
    ),
    pytest.param(_not_utf8_name, r"caf\ufffd\.exr: the file name is not valid UTF-8", id="non-utf8-name"),
    pytest.param(
        _damaged_exr_header,
        r"damaged\.exr: not an image OpenImageIO can read \(Required attribute 'compression': Invalid type",
        id="exr-header-not-utf8",
    ),
    pytest.param(
        _damaged_png,
        r"damaged\.png: pixel data is truncated or corrupt \(PNG read error: IDAT: invalid window size\)",
        id="png-libpng-error",
    ),
]


@pytest.mark.parametrize("build, message", CASES)
def test_refused_in_one_line_before_work_and_nothing_written(tmp_path, cli, no_synthesis, build, message):
    src, args = build(tmp_path)
    before = cli.files()
    patterns = [] if "-p" in args else ["-p", "cheek"]
    code, err, _ = cli("synth", src, *args, *patterns, "--backbone", "random", "-q")
    assert code == 2 and len(err) == 1, err
    assert err[0].startswith("nexture: error: ")
    assert re.search(message, err[0]), err[0]
    for leak in ("Traceback", "libpng", "UnicodeDecodeError", "codec can't", "TypeError"):
        assert leak not in err[0]
    assert cli.files() == before and not no_synthesis
