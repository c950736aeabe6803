"""The pattern bank: discovery, shadowing, manifests, import, validation, regeneration."""

import shutil
from pathlib import Path

import numpy as np
import pytest

from nexture_core import PatternError
from nexture_core.cli.main import main
from nexture_core.io import read_map, write_image
from nexture_core.patterns import DEFAULT_PATTERN, builtin_bank_dir, load_bank, pattern_from_folder
from nexture_core.patterns.importer import import_scans

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
REGIONS = {
    "forehead",
    "cheek",
    "nose",
    "chin",
    "upper_lip",
    "lips",
    "eyelid",
    "under_eye",
    "neck",
    "forearm",
    "back_of_hand",
    "palm",
    "knuckle",
    "elbow",
    "back",
}


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """No studio path and an empty user bank in tmp."""
    monkeypatch.delenv("NEXTURE_PATTERN_PATH", raising=False)
    monkeypatch.setenv("NEXTURE_USER_BANK", str(tmp_path / "user"))
    return tmp_path


def _copy_pattern(src_id: str, dest_root: Path, new_id: str = None) -> Path:
    dest = dest_root / (new_id or src_id)
    shutil.copytree(builtin_bank_dir() / src_id, dest)
    if new_id:
        text = (dest / "pattern.toml").read_text().replace(f'id = "{src_id}"', f'id = "{new_id}"')
        (dest / "pattern.toml").write_text(text)
    return dest


def test_builtin_bank_has_every_region_and_validates(isolated):
    bank = load_bank()
    assert REGIONS <= set(bank.ids()) and not bank.warnings
    assert DEFAULT_PATTERN in bank
    for p in bank:
        assert p.size_px == (1024, 1024) and 8 <= p.width_mm <= 14
        assert p.has_map("albedo") and p.has_map("specular") and p.thumbnail_path.exists()
        # Physical facts recorded with every built-in pattern (docs/skin.md).
        assert 10 <= p.height_um <= 1000 and p.cell_mm[0] < p.cell_mm[1]
        assert p.relief["rq_um"] > 0 and p.relief["skewness"] < 0
    size = sum(f.stat().st_size for f in builtin_bank_dir().rglob("*") if f.is_file())
    assert size < 48 * 1024**2


def test_studio_path_adds_patterns_but_cannot_shadow_a_builtin(isolated, monkeypatch):
    studio = isolated / "studio"
    _copy_pattern("cheek", studio)  # same id as a built-in
    _copy_pattern("nose", studio, "studio_nose")
    monkeypatch.setenv("NEXTURE_PATTERN_PATH", str(studio))
    bank = load_bank()
    assert bank.get("cheek").source == "builtin"
    assert bank.get("studio_nose").source == "path"
    assert any("already taken" in w for w in bank.warnings)


def test_user_bank_comes_last(isolated):
    _copy_pattern("chin", isolated / "user", "my_chin")
    assert load_bank().get("my_chin").source == "user"


def test_unknown_id_suggests_near_names(isolated):
    with pytest.raises(PatternError, match="cheek"):
        load_bank().get("cheeck")


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: (d / "pattern.toml").write_text("id = [broken"), "malformed"),
        (lambda d: (d / "specular.png").unlink(), "missing"),
        (
            lambda d: (d / "pattern.toml").write_text(
                (d / "pattern.toml").read_text().replace('id = "bad"', 'id = "../x"')
            ),
            "invalid",
        ),
        (lambda d: write_image(d / "specular.png", np.zeros((64, 64), np.float32), dtype="uint8"), "differ in size"),
    ],
)
def test_broken_patterns_get_clear_errors(isolated, mutate, message):
    folder = _copy_pattern("cheek", isolated / "broken", "bad")
    mutate(folder)
    with pytest.raises(PatternError, match=message):
        pattern_from_folder(folder)


def test_import_scans_into_the_user_bank_only(isolated, tmp_path):
    scans = tmp_path / "scans"
    scans.mkdir()
    rng = np.random.default_rng(0)
    write_image(scans / "skin_height.exr", rng.random((128, 128)).astype(np.float32))
    write_image(scans / "skin_diffuse.png", rng.random((128, 128, 3)).astype(np.float32), dtype="uint8")
    before = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    folder = import_scans(scans, "my_scan", 8.0, user_bank=isolated / "user")
    after = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert all(p in before or (isolated / "user") in p.parents for p in after)
    pattern = load_bank().get("my_scan")
    assert pattern.folder == folder and pattern.has_map("albedo") and not pattern.has_map("specular")
    disp = pattern.load_map("displacement")
    assert disp.min() == 0.0 and disp.max() == 1.0
    with pytest.raises(PatternError, match="already exists"):
        import_scans(scans, "my_scan", 8.0, user_bank=isolated / "user")
    with pytest.raises(PatternError, match="invalid"):
        import_scans(scans, "a/b", 8.0, user_bank=isolated / "user")


@pytest.mark.skipif(not (SHARED / "textures" / "brick.png").exists(), reason="shared data absent")
def test_import_a_real_texture_photo(isolated, tmp_path):
    scans = tmp_path / "brick"
    scans.mkdir()
    shutil.copy(SHARED / "textures" / "brick.png", scans / "brick_displacement.png")
    assert (
        main(["patterns", "import", str(scans), "--id", "brick", "--width-mm", "500", "--bank", str(isolated / "user")])
        == 0
    )
    assert load_bank().get("brick").size_px == (512, 512)


def test_mismatched_scans_are_refused(isolated, tmp_path):
    scans = tmp_path / "scans"
    scans.mkdir()
    write_image(scans / "disp.exr", np.random.default_rng(1).random((64, 64)).astype(np.float32))
    write_image(scans / "spec.png", np.zeros((32, 32), np.float32), dtype="uint8")
    with pytest.raises(PatternError, match="differ in size"):
        import_scans(scans, "odd", 5.0, user_bank=isolated / "user")


def test_cli_list_show_validate(isolated, capsys):
    assert main(["patterns", "list"]) == 0
    out = capsys.readouterr().out
    assert "cheek" in out and "1024x1024" in out
    assert main(["patterns", "show", "forehead"]) == 0
    assert "12.0 mm" in capsys.readouterr().out
    assert main(["patterns", "validate"]) == 0
    broken = isolated / "broken"
    folder = _copy_pattern("nose", broken, "nose2")
    (folder / "albedo.jpg").unlink()
    assert main(["patterns", "validate", str(broken)]) == 1
    assert "missing" in capsys.readouterr().out


def test_regeneration_is_bit_identical(isolated, tmp_path):
    from nexture_core.patterns.writer import regenerate_builtin

    regenerate_builtin(tmp_path / "regen", ids=["chin"])
    committed = sorted(p.name for p in (builtin_bank_dir() / "chin").iterdir())
    assert sorted(p.name for p in (tmp_path / "regen" / "chin").iterdir()) == committed
    for name in committed:
        a, b = builtin_bank_dir() / "chin" / name, tmp_path / "regen" / "chin" / name
        assert a.read_bytes() == b.read_bytes(), name  # same bytes, headers included
    assert np.array_equal(
        read_map(builtin_bank_dir() / "chin" / "displacement.tif")[0],
        read_map(tmp_path / "regen" / "chin" / "displacement.tif")[0],
    )


def test_generated_skin_has_connected_furrows_and_pores():
    from scipy import ndimage

    from nexture_core.patterns.skin import generate_skin
    from nexture_core.patterns.styles import STYLES

    maps = generate_skin(STYLES["cheek"], 256, 3.0, seed=5)
    labels, n = ndimage.label(maps.furrows)
    biggest = np.bincount(labels.ravel())[1:].max()
    assert biggest > 0.3 * maps.furrows.sum()  # one network, not fragments
    assert maps.pore_count >= 5
    detail = maps.displacement - ndimage.gaussian_filter(maps.displacement, 4, mode="wrap")
    spec_detail = maps.specular - ndimage.gaussian_filter(maps.specular, 4, mode="wrap")
    assert np.corrcoef(detail.ravel(), spec_detail.ravel())[0, 1] > 0.2  # cavities darker
    across = np.abs(maps.displacement[:, 0] - maps.displacement[:, -1]).mean()
    inside = np.abs(np.diff(maps.displacement, axis=1)).mean()
    assert across < 2 * inside  # tiles


def test_example_is_a_smooth_16_bit_1k_map():
    from nexture_core.example import EXAMPLE_PATH, make_example

    img, info = read_map(EXAMPLE_PATH)
    assert info.sample_type == "uint16" and img.shape == (1024, 1024)
    assert np.abs(img - make_example()).max() < 1.0 / 65535 + 1e-6
    from scipy import ndimage

    fine = img - ndimage.gaussian_filter(img, 3)
    assert fine.std() < 0.02 * (img.max() - img.min())
