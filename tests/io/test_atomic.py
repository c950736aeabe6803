"""Writes are atomic, never overwrite an input, and create missing folders."""

from __future__ import annotations

import os

import numpy as np
import pytest

import nexture_core.io.writing as writing
from nexture_core.errors import OutputError
from nexture_core.io import read_map, write_image
from nexture_core.io.atomic import temp_path_for


def _failing_writer(exc):
    def write(tmp, dest, data, spec):
        tmp.write_bytes(b"half a file")  # a partial temp file exists when it fails
        raise exc

    return write


# Factories, not exception instances: a module-level instance keeps the traceback of
# its raise (frames holding OIIO ImageSpecs) alive until exit, where nanobind then
# reports "leaked instances".
@pytest.mark.parametrize(
    "make_exc", [lambda: RuntimeError("disk full"), KeyboardInterrupt, lambda: OSError(28, "No space left on device")]
)
def test_failure_mid_write_leaves_nothing_and_keeps_destination(tmp_path, img, monkeypatch, make_exc):
    exc = make_exc()
    dest = write_image(tmp_path / "map.exr", img.noise(16, 16, 1), dtype="float")
    before = dest.read_bytes()
    monkeypatch.setattr(writing, "_write_oiio", _failing_writer(exc))
    expected = KeyboardInterrupt if isinstance(exc, KeyboardInterrupt) else OutputError
    with pytest.raises(expected):
        write_image(dest, img.noise(16, 16, 1, seed=9))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.exr"]
    assert dest.read_bytes() == before


def test_failure_on_new_file_leaves_no_file(tmp_path, img, monkeypatch):
    monkeypatch.setattr(writing, "_write_oiio", _failing_writer(RuntimeError("boom")))
    with pytest.raises(OutputError, match=r"new\.tif.*boom"):
        write_image(tmp_path / "new.tif", img.noise(16, 16, 1))
    assert list(tmp_path.iterdir()) == []


def test_temp_name_is_hidden_beside_destination_with_extension(tmp_path, img, monkeypatch):
    seen = []
    real = writing._write_oiio

    def spy(tmp, dest, data, spec):
        seen.append(tmp)
        real(tmp, dest, data, spec)

    monkeypatch.setattr(writing, "_write_oiio", spy)
    dest = write_image(tmp_path / "face.exr", img.noise(16, 16, 1))
    (tmp,) = seen
    assert tmp.parent == dest.parent and tmp.name.startswith(".face.tmp-") and tmp.suffix == ".exr"
    assert not tmp.exists() and dest.exists()
    assert temp_path_for(dest) != temp_path_for(dest)


def test_refuses_to_overwrite_an_input(tmp_path, img):
    src = write_image(tmp_path / "in.tif", img.noise(16, 16, 1))
    before = src.read_bytes()
    with pytest.raises(OutputError, match=r"would overwrite the input") as e:
        write_image(tmp_path / "sub" / ".." / "in.tif", img.noise(16, 16, 1, seed=2), protect=[src])
    assert str(src) in str(e.value)
    link = tmp_path / "link.tif"
    os.symlink(src, link)
    with pytest.raises(OutputError, match="would overwrite the input"):
        write_image(link, img.noise(16, 16, 1), protect=[src])
    hard = tmp_path / "hard.tif"
    os.link(src, hard)
    with pytest.raises(OutputError, match="would overwrite the input"):
        write_image(hard, img.noise(16, 16, 1), protect=[str(src)])
    assert src.read_bytes() == before


def test_creates_missing_folders_and_rejects_folder_targets(tmp_path, img):
    dest = write_image(tmp_path / "a" / "b" / "out.png", img.noise(16, 16, 1))
    assert dest.exists() and read_map(dest)[0].shape == (16, 16)
    (tmp_path / "dir.exr").mkdir()
    with pytest.raises(OutputError, match="is a folder"):
        write_image(tmp_path / "dir.exr", img.noise(16, 16, 1))


def test_unwritable_folder(tmp_path, img):
    if os.geteuid() == 0:
        blocker = tmp_path / "file"
        blocker.write_text("x")
        with pytest.raises(OutputError, match="cannot be created"):
            write_image(blocker / "out.exr", img.noise(16, 16, 1))
        return
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="not writable"):
            write_image(locked / "out.exr", img.noise(16, 16, 1))
    finally:
        locked.chmod(0o700)


def test_same_seed_same_bytes(tmp_path, img):
    a = write_image(tmp_path / "a.exr", img.noise(32, 32, 1), dtype="half")
    b = write_image(tmp_path / "b.exr", img.noise(32, 32, 1), dtype="half")
    assert np.array_equal(read_map(a)[0], read_map(b)[0])


@pytest.mark.parametrize("ext", ["exr", "tif", "png"])
def test_source_date_epoch_gives_byte_identical_files(tmp_path, img, monkeypatch, ext):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "946684800")
    a = write_image(tmp_path / f"a.{ext}", img.noise(32, 32, 1)).read_bytes()
    b = write_image(tmp_path / f"b.{ext}", img.noise(32, 32, 1)).read_bytes()
    assert a == b
    if ext != "png":
        assert b"2000:01:01 00:00:00" in a
