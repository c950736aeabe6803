"""Importing an artist's scans, bank locations from the environment, CLI details."""

import json
import os
from pathlib import Path

import numpy as np
import pytest

from nexture_core import PatternError
from nexture_core.cli.main import main
from nexture_core.io import read_image, read_map, write_image
from nexture_core.patterns import builtin_bank_dir, load_bank, user_bank_dir
from nexture_core.patterns.importer import import_scans
from nexture_core.patterns.manifest import read_manifest


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    monkeypatch.delenv("NEXTURE_PATTERN_PATH", raising=False)
    monkeypatch.setenv("NEXTURE_USER_BANK", str(tmp_path / "user"))
    return tmp_path


def _scans(folder: Path, **files) -> Path:
    """Write small scans: name -> array (float32)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, arr in files.items():
        dtype = "uint8" if name.endswith((".png", ".jpg")) else None
        write_image(folder / name, arr, dtype=dtype)
    return folder


def _files(root: Path) -> set:
    return {p for p in root.rglob("*") if p.is_file()}


def test_import_records_the_normalisation_and_inverts_roughness(isolated):
    rng = np.random.default_rng(2)
    height = (rng.random((128, 128)) * 0.8 - 0.3).astype(np.float32)  # scan units, not [0, 1]
    rough = rng.random((128, 128)).astype(np.float32)
    scans = _scans(
        isolated / "scans",
        **{
            "skin_height.exr": height,
            "skin_roughness.png": rough,
            "skin_albedo.tif": rng.random((128, 128, 3)).astype(np.float32),
        },
    )
    before = _files(isolated)
    folder = import_scans(scans, "my_skin", 6.0, user_bank=isolated / "user", feature_mm=0.5, region="cheek")
    assert all(p in before or (isolated / "user") in p.parents for p in _files(isolated))
    assert not [p for p in (isolated / "user").iterdir() if p.name.startswith(".")]  # no temp folder left

    manifest = read_manifest(folder)
    lo, hi = manifest.source["displacement_low"], manifest.source["displacement_high"]
    assert lo == pytest.approx(float(height.min())) and hi == pytest.approx(float(height.max()))
    assert "inverted" in manifest.source["specular"]
    disp, info = read_map(folder / manifest.maps["displacement"])
    assert info.sample_type == "uint16"
    assert np.abs(lo + disp * (hi - lo) - height).max() < 2.0 * (hi - lo) / 65535
    spec, info = read_map(folder / manifest.maps["specular"])
    assert info.sample_type == "uint8" and np.abs(spec - (1.0 - rough)).max() <= 0.5 / 255 + 1e-6
    assert manifest.maps["albedo"].endswith(".png")
    thumb, info = read_image(folder / manifest.maps["thumbnail"])
    assert thumb.shape[:2] == (128, 128) and info.sample_type == "uint8"

    pattern = load_bank().get("my_skin")
    assert pattern.source == "user" and pattern.region == "cheek" and pattern.tileable is False
    assert pattern.mm_per_px == pytest.approx(6.0 / 128) and pattern.feature_px == pytest.approx(0.5 / (6.0 / 128))
    albedo = pattern.load_map("albedo")
    assert albedo.shape == (128, 128, 3) and not albedo.flags.writeable


def test_import_with_a_unit_records_the_real_depth(isolated):
    """A scan in mm imported with --unit-um 1000: its depth in micrometres sets the amplitude."""
    from nexture_core import units
    from nexture_core.settings import Settings

    rng = np.random.default_rng(4)
    height_mm = (rng.random((96, 96)) * 0.06).astype(np.float32)  # 60 um of relief, in mm
    scans = _scans(isolated / "scans", **{"scan_height.exr": height_mm})
    import_scans(scans, "measured", 4.0, user_bank=isolated / "user", unit_um=1000.0)
    pattern = load_bank().get("measured")
    span_um = float(height_mm.max() - height_mm.min()) * 1000.0
    assert pattern.height_um == pytest.approx(span_um, rel=1e-4)
    assert pattern.relief["rq_um"] > 0
    # One map unit = 1 mm: strength 1 adds the scan's own micrometres, in mm.
    assert units.height_gain(Settings(height_mm=1.0), pattern) == pytest.approx(span_um / 1000.0, rel=1e-4)
    with pytest.raises(PatternError, match="--unit-um"):
        import_scans(scans, "bad_unit", 4.0, user_bank=isolated / "user", unit_um=float("inf"))


def test_force_replaces_an_existing_pattern_in_place(isolated):
    rng = np.random.default_rng(3)
    scans = _scans(isolated / "scans", **{"disp.exr": rng.random((64, 64)).astype(np.float32)})
    import_scans(scans, "twice", 5.0, user_bank=isolated / "user")
    with pytest.raises(PatternError, match="already exists"):
        import_scans(scans, "twice", 5.0, user_bank=isolated / "user")
    import_scans(scans, "twice", 7.0, user_bank=isolated / "user", force=True)
    assert load_bank().get("twice").width_mm == 7.0
    assert sorted(p.name for p in (isolated / "user").iterdir()) == ["twice"]


@pytest.mark.parametrize(
    "files, pid, message",
    [
        ({"albedo.png": np.zeros((64, 64, 3), np.float32)}, "ok", "no displacement scan"),
        ({"disp.exr": np.full((64, 64), 0.3, np.float32)}, "ok", "flat"),
        (
            {
                "disp.exr": np.eye(64, dtype=np.float32),
                "spec.png": np.eye(64, dtype=np.float32),
                "roughness.png": np.eye(64, dtype=np.float32),
            },
            "ok",
            "several files",
        ),
        ({"disp.exr": np.eye(64, dtype=np.float32)}, "Bad Id", "invalid"),
        ({"disp.exr": np.eye(64, dtype=np.float32)}, "x" * 41, "invalid"),
        ({"disp.exr": np.eye(64, dtype=np.float32)}, "..", "invalid"),
    ],
)
def test_bad_imports_fail_clearly_and_write_nothing(isolated, files, pid, message):
    scans = _scans(isolated / "scans", **files)
    with pytest.raises(PatternError, match=message):
        import_scans(scans, pid, 5.0, user_bank=isolated / "user")
    assert not (isolated / "user").exists() or not any((isolated / "user").iterdir())


def test_cli_import_error_is_one_line(isolated, capsys):
    assert main(["patterns", "import", str(isolated / "nowhere"), "--id", "x", "--width-mm", "5"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("nexture: error:") and "nowhere" in err[0]


def test_bank_locations_follow_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("NEXTURE_USER_BANK", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert user_bank_dir() == tmp_path / "xdg" / "nexture" / "patterns"
    monkeypatch.setenv("NEXTURE_USER_BANK", str(tmp_path / "mine"))
    assert user_bank_dir() == tmp_path / "mine"
    monkeypatch.setenv("NEXTURE_BUILTIN_PATTERNS", str(tmp_path / "empty"))
    assert builtin_bank_dir() == tmp_path / "empty"
    assert len(load_bank()) == 0


def test_pattern_path_folders_are_searched_in_order(isolated, monkeypatch):
    rng = np.random.default_rng(4)
    scans = _scans(isolated / "scans", **{"disp.exr": rng.random((64, 64)).astype(np.float32)})
    first, second = isolated / "share_a", isolated / "share_b"
    import_scans(scans, "shared", 5.0, user_bank=first)
    import_scans(scans, "shared", 9.0, user_bank=second)
    import_scans(scans, "only_b", 9.0, user_bank=second)
    monkeypatch.setenv("NEXTURE_PATTERN_PATH", os.pathsep.join([str(first), str(second)]))
    bank = load_bank()
    assert bank.get("shared").width_mm == 5.0 and bank.get("only_b").source == "path"
    assert any(str(first / "shared") in w and str(second / "shared") in w for w in bank.warnings)


def test_cli_list_json_region_filter_and_suggestions(isolated, capsys):
    assert main(["patterns", "list", "--json", "--region", "forehead"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows] == ["forehead"]
    assert rows[0]["size_px"] == [1024, 1024] and set(rows[0]["maps"]) == {"displacement", "albedo", "specular"}
    assert main(["patterns", "show", "forhead"]) == 2
    assert "Did you mean 'forehead'" in capsys.readouterr().err


def test_validate_a_single_pattern_folder_and_a_bad_path(isolated, capsys):
    assert main(["patterns", "validate", str(builtin_bank_dir() / "palm")]) == 0
    assert "1 pattern(s) valid, 0 problem(s)" in capsys.readouterr().out
    assert main(["patterns", "validate", str(isolated / "missing")]) == 1
    captured = capsys.readouterr()
    assert "no such folder" in captured.out and captured.err.startswith("nexture: error:") and "missing" in captured.err


def test_builtin_maps_are_consistent_and_tile(isolated):
    pattern = load_bank().get("cheek")
    disp = pattern.load_map("displacement")
    assert disp.dtype == np.float32 and disp.shape == (1024, 1024) and 0.0 <= disp.min() < disp.max() <= 1.0
    assert pattern.tileable and pattern.thumbnail_path.name == "thumbnail.png"
    assert np.abs(disp[:, 0] - disp[:, -1]).mean() < 1.5 * np.abs(np.diff(disp, axis=1)).mean()
    assert pattern.load_map("displacement") is disp  # cached, read-only
    with pytest.raises(ValueError):
        disp[0, 0] = 1.0
