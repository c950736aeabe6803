"""QSettings persistence: typed values, bad values fall back, recent files."""

from __future__ import annotations

from nexture_core.ui.settings_store import MAX_RECENT, SettingsStore


def test_round_trip_through_a_new_store(isolated_qsettings):
    store = SettingsStore()
    store.set("scale", 1.75)
    store.set("tiled", True)
    store.set("patterns", ["cheek", "palm"])
    store.set("preset", "final")
    store.sync()
    again = SettingsStore()
    assert again.get_float("scale", 1.0) == 1.75
    assert again.get_bool("tiled", False) is True
    assert again.get_list("patterns", []) == ["cheek", "palm"]
    assert again.get_str("preset", "draft") == "final"
    assert list(isolated_qsettings.rglob("*.ini")), "settings must land in the test folder"


def test_unparsable_values_fall_back_to_defaults():
    store = SettingsStore()
    store.set("scale", "not a number")
    assert store.get_float("scale", 1.0) == 1.0
    assert store.get_int("seed", 3) == 3


def test_recent_files_most_recent_first_and_bounded(tmp_path):
    store = SettingsStore()
    files = []
    for i in range(MAX_RECENT + 2):
        f = tmp_path / f"map{i}.tif"
        f.write_bytes(b"x")
        files.append(f)
        store.add_recent_file(f)
    store.add_recent_file(files[3])
    recent = store.recent_files()
    assert len(recent) == MAX_RECENT
    assert recent[0] == str(files[3].resolve())
    files[-1].unlink()
    assert str(files[-1].resolve()) not in store.recent_files()
