"""Pattern import edge cases: a bank that is a file or read-only, an id a built-in has,
widths that are not sizes, validate's message (issue 17). Each fails in one line, writes nothing."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from nexture_core import PatternError
from nexture_core.cli.main import main
from nexture_core.io import write_image
from nexture_core.patterns import load_bank
from nexture_core.patterns.importer import import_scans


@pytest.fixture
def scans(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("NEXTURE_PATTERN_PATH", raising=False)
    monkeypatch.setenv("NEXTURE_USER_BANK", str(tmp_path / "user"))
    folder = tmp_path / "scans"
    folder.mkdir()
    write_image(folder / "disp.exr", np.random.default_rng(5).random((64, 64)).astype(np.float32))
    return folder


def _one_error_line(capfd) -> str:
    err = [line for line in capfd.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and err[0].startswith("nexture: error: "), err
    assert "Traceback" not in err[0]
    return err[0]


def _files(root: Path) -> set:
    return {p for p in root.rglob("*")}


def test_bank_that_is_a_file(scans, tmp_path, capfd):
    bank = tmp_path / "bank.txt"
    bank.write_text("not a folder")
    before = _files(tmp_path)
    assert main(["patterns", "import", str(scans), "--id", "mine", "--width-mm", "5", "--bank", str(bank)]) == 2
    assert "bank.txt: is a file, not a folder; give a folder with --bank" in _one_error_line(capfd)
    assert _files(tmp_path) == before


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_bank(scans, tmp_path, capfd):
    bank = tmp_path / "ro"
    bank.mkdir()
    bank.chmod(0o555)
    try:
        assert main(["patterns", "import", str(scans), "--id", "mine", "--width-mm", "5", "--bank", str(bank)]) == 2
        assert "is not writable" in _one_error_line(capfd)
    finally:
        bank.chmod(0o755)


def test_a_failing_write_into_the_bank_is_one_line(scans, tmp_path, capfd, monkeypatch):
    import nexture_core.patterns.writer as writer

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path / "user"))

    monkeypatch.setattr(writer.tempfile, "mkdtemp", denied)
    assert main(["patterns", "import", str(scans), "--id", "mine", "--width-mm", "5"]) == 2
    assert "cannot write the pattern (Permission denied)" in _one_error_line(capfd)


def test_an_id_a_builtin_pattern_has_is_refused_even_with_force(scans, tmp_path, capfd):
    for extra in ([], ["--force"]):
        assert main(["patterns", "import", str(scans), "--id", "cheek", "--width-mm", "5", *extra]) == 2
        line = _one_error_line(capfd)
        assert "Pattern id 'cheek' is already used by" in line and "would never be used; choose another --id" in line
    assert not (tmp_path / "user").exists()
    assert load_bank().get("cheek").source == "builtin"


def test_an_id_on_the_studio_path_is_refused_for_the_user_bank(scans, tmp_path, monkeypatch):
    import_scans(scans, "shared", 5.0, user_bank=tmp_path / "studio")
    monkeypatch.setenv("NEXTURE_PATTERN_PATH", str(tmp_path / "studio"))
    with pytest.raises(PatternError, match=r"studio/shared, which is found first"):
        import_scans(scans, "shared", 5.0, user_bank=tmp_path / "user", force=True)
    import_scans(scans, "shared", 7.0, user_bank=tmp_path / "studio", force=True)  # replacing it where it lives is fine
    assert load_bank().get("shared").width_mm == 7.0


@pytest.mark.parametrize("width", ["inf", "-inf", "nan", "0", "-3", "1e9"])
def test_widths_that_are_not_a_size_are_refused(scans, tmp_path, capfd, width):
    assert main(["patterns", "import", str(scans), "--id", "mine", f"--width-mm={width}"]) == 2
    assert f"--width-mm {float(width)} must be the scans' physical width, from 0.1 to 1000 mm" in _one_error_line(capfd)
    assert not (tmp_path / "user").exists()


@pytest.mark.parametrize("feature", ["inf", "nan", "0", "99"])
def test_feature_sizes_that_are_not_a_size_are_refused(scans, feature):
    with pytest.raises(PatternError, match="--feature-mm"):
        import_scans(scans, "mine", 5.0, user_bank=scans.parent / "user", feature_mm=float(feature))


def test_a_bank_off_the_search_path_is_named(scans, tmp_path, capfd):
    assert (
        main(
            ["patterns", "import", str(scans), "--id", "mine", "--width-mm", "5", "--bank", str(tmp_path / "elsewhere")]
        )
        == 0
    )
    captured = capfd.readouterr()
    assert "imported mine" in captured.out
    assert "elsewhere is not searched for patterns; add it to NEXTURE_PATTERN_PATH" in captured.err


@pytest.mark.parametrize(
    "target, message", [("nowhere", "no such folder"), ("plain.txt", "is a file"), ("empty", "no pattern folder")]
)
def test_validate_fails_with_a_message(scans, tmp_path, capfd, target, message):
    (tmp_path / "plain.txt").write_text("x")
    (tmp_path / "empty").mkdir()
    assert main(["patterns", "validate", str(tmp_path / target)]) == 1
    captured = capfd.readouterr()
    assert f"problem: {tmp_path / target}: {message}" in captured.out
    assert captured.err.startswith(f"nexture: error: {tmp_path / target}: {message}")
