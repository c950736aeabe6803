"""`nexture install` and the host-independent helpers (cache, control values)."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import REPO

from nexture_core.errors import SettingsError
from nexture_core.hosts import install as installer
from nexture_core.hosts.cache import ResultCache, array_digest, cache_key
from nexture_core.hosts.requests import parse_maps, settings_from_values
from nexture_core.settings import Settings


def nexture(*args):
    """Run `nexture install ...` through its own sub-command module (the full CLI needs every command)."""
    code = (
        "import argparse, sys; from nexture_core.cli import install_cmd; p = argparse.ArgumentParser(prog='nexture'); "
        "install_cmd.register(p.add_subparsers()); a = p.parse_args(sys.argv[1:]); sys.exit(a.func(a))"
    )
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=REPO)


@pytest.mark.parametrize("host,name", [("nuke", "init.py"), ("houdini", "nexture.json"), ("maya", "nexture.mod")])
def test_install_is_idempotent_and_points_at_this_checkout(tmp_path, host, name):
    first = installer.install(host, tmp_path)
    text = (tmp_path / name).read_text()
    assert first.changed and first.backup is None
    assert (REPO / "plugins" / host).as_posix() in text or REPO.as_posix() in text
    second = installer.install(host, tmp_path)
    assert not second.changed and (tmp_path / name).read_text() == text
    assert not list(tmp_path.glob("*.nexture-backup-*"))


def test_install_keeps_a_users_nuke_init_and_backs_it_up(tmp_path):
    user = "import nuke\nnuke.pluginAddPath('/studio/tools')\n"
    (tmp_path / "init.py").write_text(user)
    result = installer.install("nuke", tmp_path)
    text = (tmp_path / "init.py").read_text()
    assert text.startswith(user) and text.count("nexture install nuke") == 1
    assert result.backup is not None and result.backup.read_text() == user
    assert not installer.install("nuke", tmp_path).changed


def test_houdini_package_sets_the_root_and_hpath(tmp_path):
    installer.install("houdini", tmp_path)
    package = json.loads((tmp_path / "nexture.json").read_text())
    assert package["env"][0] == {"NEXTURE_ROOT": REPO.as_posix()} and package["hpath"] == "$NEXTURE_HOUDINI"


def test_cli_dry_run_writes_nothing(tmp_path):
    proc = nexture("install", "maya", "--dest", str(tmp_path), "--dry-run")
    assert proc.returncode == 0, proc.stderr
    assert "dry run" in proc.stdout and not list(tmp_path.iterdir())
    proc = nexture("install", "maya", "--dest", str(tmp_path))
    assert proc.returncode == 0 and "wrote" in proc.stdout and (tmp_path / "nexture.mod").is_file()


@pytest.mark.parametrize(
    "platform,host,env,expected",
    [
        ("linux", "nuke", {}, "home/.nuke"),
        ("darwin", "nuke", {}, "home/.nuke"),
        ("win32", "nuke", {"USERPROFILE": "C:/Users/ana"}, "C:/Users/ana/.nuke"),
        ("win32", "nuke", {"HOME": "D:/home/ana", "USERPROFILE": "C:/Users/ana"}, "D:/home/ana/.nuke"),
        ("linux", "houdini", {}, "home/houdini21.0/packages"),
        ("darwin", "houdini", {}, "home/Library/Preferences/houdini/21.0/packages"),
        ("win32", "houdini", {"USERPROFILE": "C:/Users/ana"}, "C:/Users/ana/Documents/houdini21.0/packages"),
        ("linux", "houdini", {"HOUDINI_USER_PREF_DIR": "/prefs/houdini__HVER__"}, "/prefs/houdini21.0/packages"),
        ("linux", "maya", {}, "home/maya/modules"),
        ("darwin", "maya", {}, "home/Library/Preferences/Autodesk/maya/modules"),
        ("win32", "maya", {"USERPROFILE": "C:/Users/ana"}, "C:/Users/ana/Documents/maya/modules"),
        ("linux", "maya", {"MAYA_APP_DIR": "/studio/maya"}, "/studio/maya/modules"),
    ],
)
def test_default_install_folders_follow_each_hosts_rules(tmp_path, platform, host, env, expected):
    home = tmp_path / "home"
    got = installer.default_destination(host, platform=platform, environ=env, home=home)
    want = tmp_path / expected if expected.startswith("home/") else installer.Path(expected)
    assert got.as_posix() == want.as_posix()


def test_houdini_picks_the_newest_existing_prefs_folder_and_builds_assets_with_hython(tmp_path, monkeypatch):
    for name in ("houdini20.5", "houdini21.0", "houdini19.5"):
        (tmp_path / name).mkdir()
    assert (
        installer.default_destination("houdini", platform="linux", environ={}, home=tmp_path)
        == tmp_path / "houdini21.0" / "packages"
    )
    assert (
        installer.default_destination("houdini", platform="linux", environ={}, home=tmp_path, version="20.5")
        == tmp_path / "houdini20.5" / "packages"
    )
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    hython = bin_dir / "hython"
    hython.write_text('#!/bin/sh\necho "built $@"\n')
    hython.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{installer.os.environ['PATH']}")
    out = installer.build_houdini_assets(tmp_path / "houdini21.0" / "packages")
    assert "build_hda.py --dest" in out and out.endswith(str(tmp_path / "houdini21.0" / "otls"))


def test_install_notes_give_the_pip_command_for_that_host_version(tmp_path, monkeypatch):
    monkeypatch.delenv("NEXTURE_PYTHONPATH", raising=False)
    result = installer.install("nuke", tmp_path, version="15.1")
    text = result.describe()
    assert "NEXTURE_PYTHONPATH_NUKE15=" in text and "-m pip install" in text and "torch==2.1.*" in text


def test_install_refuses_a_folder_in_the_way(tmp_path):
    (tmp_path / "nexture.mod").mkdir()
    with pytest.raises(Exception, match="is not a file"):
        installer.install("maya", tmp_path)


def test_cache_key_follows_pixels_and_settings_but_not_device(tmp_path):
    a = np.zeros((8, 8), np.float32)
    b = a.copy()
    b[0, 0] = 1
    s = Settings(preset="preview")
    assert cache_key(array_digest(a), ["cheek"], s) == cache_key(
        array_digest(a.copy()), ["cheek"], s.replace(device="cpu")
    )
    assert cache_key(array_digest(a), ["cheek"], s) != cache_key(array_digest(b), ["cheek"], s)
    assert cache_key(array_digest(a), ["cheek"], s) != cache_key(array_digest(a), ["cheek"], s.replace(seed=1))
    cache = ResultCache(tmp_path)
    folder = cache.folder("k")
    (folder / "displacement.exr").write_bytes(b"x")
    assert cache.lookup("k") is None, "no manifest: an interrupted run is never served"
    cache.store("k", {"displacement": folder / "displacement.exr"})
    assert cache.lookup("k") == {"displacement": folder / "displacement.exr"}
    (folder / "displacement.exr").unlink()
    assert cache.lookup("k") is None


def test_control_values_become_validated_settings():
    s = settings_from_values(
        {"scale": "2", "texel_mm": 0, "upscale": "2", "iterations": 0, "maps": "normal, displacement"}
    )
    assert (s.scale, s.texel_mm, s.upscale, s.iterations, s.maps) == (2.0, None, 2, None, ("displacement", "normal"))
    assert parse_maps(["cavity"]) == ("displacement", "cavity")
    with pytest.raises(SettingsError, match="upscale"):
        settings_from_values({"upscale": "3"})
    with pytest.raises(SettingsError, match="unknown"):
        settings_from_values({"maps": "wrinkles"})
    with pytest.raises(SettingsError, match="not a number"):
        settings_from_values({"scale": "big"})
