"""The Nuke plugin end to end through the fake ``nuke`` (which enforces Nuke's rules):
menu, node, button scripts inside the group, layers, stale marking, cancel, cache, pane."""

from __future__ import annotations

import runpy
import threading

import fakes
import numpy as np
import pytest
from conftest import REPO, TEST_PATTERN, smooth_image, wait_no_threads

nuke = pytest.importorskip("nuke")  # the fake, from tests/plugins/fakes
assert nuke.__file__.startswith(str(REPO / "tests")), "tests must run against the fake nuke"
from nexture_nuke import node as nexture_node  # noqa: E402
from nexture_nuke import run as nexture_run  # noqa: E402
from nukescripts import panels as fake_panels  # noqa: E402


@pytest.fixture(autouse=True)
def fresh_script():
    nuke.reset()
    fake_panels.reset()
    nexture_run.RUNS.clear()
    yield
    for run in list(nexture_run.RUNS):  # a failed test must not leave a worker running
        run.cancel()
        run.job.wait(10)
    nexture_run.RUNS.clear()


def make_group(size=64, iterations=2, **knobs):
    source = nuke.nodes.Constant()
    source.pixels = np.repeat(smooth_image(size)[..., None], 3, axis=2)
    group = nexture_node.create_node()
    group.setInput(0, source)
    for name, value in dict(
        pattern=TEST_PATTERN, preset="preview", iterations=iterations, backbone="random", device="cpu", **knobs
    ).items():
        group[name].setValue(value)
    return group


def press(group, knob="synthesize"):
    """The artist presses a button: Nuke runs its script with the group as context."""
    nuke._this.clear()
    group[knob].execute()


def run_to_end(group, timeout=120):
    press(group)
    fakes.pump_until(lambda: group.fullName() not in nexture_run.RUNS, timeout=timeout)


def test_startup_files_register_the_menu_the_pane_and_paths(monkeypatch, tmp_path):
    monkeypatch.setattr(nuke, "NUKE_VERSION_MAJOR", 16)  # a PySide6 Nuke, as this test machine's Qt
    monkeypatch.setattr(nuke, "NUKE_VERSION_STRING", "16.0v4")
    monkeypatch.setenv("NEXTURE_PYTHONPATH_NUKE15", str(tmp_path / "not-this-version"))
    monkeypatch.setenv("NEXTURE_PYTHONPATH_NUKE16", str(tmp_path))
    runpy.run_path(str(REPO / "plugins" / "nuke" / "init.py"))
    runpy.run_path(str(REPO / "plugins" / "nuke" / "menu.py"))
    for bar in ("Nodes", "Nuke"):
        assert (
            nuke.MENUS[bar].commands["Nexture/Micro Detail"]
            == "import nexture_nuke.node; nexture_nuke.node.create_node()"
        )
    import sys

    assert str(tmp_path) in sys.path, "this Nuke version's torch folder is on sys.path"
    assert str(tmp_path / "not-this-version") not in sys.path
    sys.path.remove(str(tmp_path))
    assert fake_panels.REGISTERED["uk.co.nexture.panel"]["name"] == "Nexture", "the pane is dockable"


def test_node_has_the_artist_knobs_with_synthesize_and_status_on_the_main_tab():
    group = nexture_node.create_node()
    for name in (
        "pattern",
        "open_panel",
        "scale",
        "texel_mm",
        "map_width_mm",
        "height_mm",
        "strength",
        "upscale",
        "preset",
        "seed",
        "show",
    ):
        assert group.knob(name) is not None, name
    for name in ("synthesize", "cancel", "status", "scale", "pattern"):
        assert nuke.tab_of(group, name) == "nexture", f"{name} must be on the main tab"
    for name in ("iterations", "backbone", "device"):
        assert nuke.tab_of(group, name) == "advanced"
    assert "cheek" in group["pattern"].values()
    assert group.node(nexture_node.SWITCH).input(0).Class() == "Input"
    for name in nexture_node.HOST_MAPS:
        read = group.node(f"nexture_{name}")
        assert read["raw"].value() is True and read["before"].value() == read["after"].value() == "hold"


def test_fake_nuke_enforces_group_context_and_same_group_wiring():
    group = nexture_node.create_node()
    outside = nuke.nodes.Constant()
    with group:
        inside = nuke.nodes.Write()
    assert inside.parent is group and inside.setInput(0, outside) is False and inside.input(0) is None
    group.addKnob(nuke.PyScript_Knob("probe", "probe", "nuke.nodes.NoOp(name='made_here')"))
    press(group, "probe")
    assert group.node("NoOp1") is not None, "a button on a Group creates its nodes inside the group"


def test_synthesize_from_the_button_outputs_the_detailed_map_and_every_map_as_a_layer(engine, cache_dir):
    group = make_group(map_normal=True, map_cavity=True)
    press(group)
    assert nexture_run.RUNS.get(group.fullName()).job.state.value == "running"
    fakes.pump_until(lambda: group.fullName() not in nexture_run.RUNS, timeout=120)
    assert group["status"].value().startswith("done"), group["status"].value()
    disp = group.node("nexture_displacement")["file"].value()
    assert disp.startswith(cache_dir.as_posix()) and group.node("nexture_normal")["file"].value().endswith("normal.exr")
    assert group.node("nexture_albedo")["file"].value() == ""
    planes = nuke._planes_of(group)  # what downstream nodes see
    assert {"displacement", "normal", "cavity"} <= set(planes) and "albedo" not in planes
    detail = planes["rgba"][..., 0]
    assert np.allclose(detail, planes["displacement"][..., 0]) and not np.allclose(detail, smooth_image(64))
    assert planes["normal"].shape[-1] == 3 and np.isfinite(planes["normal"]).all()
    assert nuke.ProgressTask.instances[-1].progress == 100
    assert not list((cache_dir / "_inputs").glob("*.exr")), "the temporary render is removed"
    assert not [n for n in group.nodes() if n.Class() == "Write"], "the temporary Write is gone"
    wait_no_threads()
    assert fakes.worker_host_calls() == []
    assert any(name == "nuke.executeInMainThread" and not main for name, _t, main in fakes.CALLS)

    group["show"].setValue("normal")  # only the output graph changes
    assert np.allclose(nuke._planes_of(group)["rgba"][..., :3], nuke._planes_of(group)["normal"])
    tasks = len(nuke.ProgressTask.instances)
    press(group)  # unchanged: from the cache
    assert group.fullName() not in nexture_run.RUNS and "from cache" in group["status"].value()
    assert len(nuke.ProgressTask.instances) == tasks


def test_changing_a_setting_or_the_input_marks_the_result_stale(engine, cache_dir):
    group = make_group()
    run_to_end(group)
    assert group["status"].value().startswith("done") and group["label"].value() == ""
    group["strength"].setValue(2.0)
    assert group["status"].value().startswith("stale") and group["label"].value() == "stale"
    run_to_end(group)
    assert group["status"].value().startswith("done")
    other = nuke.nodes.Constant()
    other.pixels = np.zeros((64, 64, 3), np.float32)
    group.setInput(0, other)
    assert group["status"].value().startswith("stale: the input changed")
    assert group.node("nexture_displacement")["file"].value(), "the old result stays shown until the next run"


def test_results_sit_beside_the_saved_script_for_the_farm(engine, tmp_path):
    script = tmp_path / "shots" / "sh010.nk"
    script.parent.mkdir()
    nuke.root()["name"].setValue(script.as_posix())
    group = make_group()
    run_to_end(group)
    disp = group.node("nexture_displacement")["file"].value()
    assert disp.startswith((tmp_path / "shots" / "nexture_cache").as_posix())
    write = nuke.nodes.Write(file=(tmp_path / "farm.exr").as_posix(), channels="rgb")  # a farm render of the script
    write.setInput(0, group)
    nuke.execute(write, 1, 10)
    assert np.allclose(
        nuke._read_exr((tmp_path / "farm.exr").as_posix())[..., 0], nuke._planes_of(group)["displacement"][..., 0]
    )


def test_cancel_from_the_progress_bar_and_the_cancel_button(engine, cache_dir):
    for how in ("progress bar", "button"):
        group = make_group(size=96, iterations=400)
        press(group)
        run = nexture_run.RUNS.get(group.fullName())
        fakes.pump_until(lambda run=run: run.job.progress > 0, timeout=60)
        if how == "button":
            press(group, "cancel")
        else:
            nuke.ProgressTask.instances[-1].press_cancel()
        fakes.pump_until(lambda run=run: run.closed, timeout=60)
        assert run.job.state.value == "cancelled" and group["status"].value().startswith("cancelled"), how
        assert group.node("nexture_displacement")["file"].value() == ""
        assert group.node(nexture_node.SWITCH)["which"].value() == 0
    assert not list(cache_dir.glob("*/manifest.json"))
    wait_no_threads()
    assert fakes.worker_host_calls() == []


def test_terminal_mode_runs_synchronously_without_main_thread_queue(engine, cache_dir):
    nuke.env["gui"] = False
    group = make_group()
    press(group)
    assert group["status"].value().startswith("done")
    assert group.node("nexture_displacement")["file"].value().endswith("displacement.exr")
    assert not any(name in ("nuke.executeInMainThread", "nuke.ProgressTask") for name, _t, _m in fakes.CALLS)
    assert fakes.MAIN_QUEUE.empty()


def test_errors_and_missing_dependencies_reach_the_artist_as_one_message(engine, cache_dir, monkeypatch):
    group = nexture_node.create_node()
    press(group)
    assert "has no input" in nuke.MESSAGES[-1]
    group = make_group(scale=100.0)
    press(group)
    assert group["status"].value().startswith("error:") and "scale" in nuke.MESSAGES[-1]
    from nexture_core.hosts import deps

    monkeypatch.setattr(deps, "missing_modules", lambda *a, **k: ["torch", "OpenImageIO"])
    press(make_group())
    line = nuke.MESSAGES[-1]
    assert "torch, OpenImageIO" in line and "-m pip install" in line and '"torch==2.1.*"' in line
    assert "NEXTURE_PYTHONPATH_NUKE15=" in line and "\n" not in line


def test_fake_execute_in_main_thread_follows_nukes_rules():
    with pytest.raises(AssertionError):
        nuke.executeInMainThread(print, "x")
    got = []
    worker = threading.Thread(target=nuke.executeInMainThread, args=(got.append, "not a tuple"))
    worker.start()
    worker.join()
    assert got == []
    fakes.pump()
    assert got == ["not a tuple"]


def test_panel_button_docks_the_pane_and_its_run_feeds_the_node(engine, cache_dir, qt_panel_env, qtbot, monkeypatch):
    monkeypatch.setattr(nuke, "NUKE_VERSION_MAJOR", 16)  # a PySide6 Nuke (this machine has no PySide2)
    group = make_group()
    press(group, "open_panel")
    pane = fake_panels.SHOWN[-1]
    try:
        assert nuke.PANES["Properties.1"].panels, "docked beside the Properties bin"
        assert pane.group is group and pane.panel.run_internally is False
        qtbot.waitUntil(lambda: pane.panel.loaded is not None, timeout=20000)
        pane.panel.strength_spin.setValue(2.5)
        pane.panel.run()  # the panel's Run button
        assert group["strength"].value() == 2.5, "the panel's settings are written onto the node"
        fakes.pump_until(lambda: group.fullName() not in nexture_run.RUNS, timeout=120)
        assert group["status"].value().startswith("done") and group.node("nexture_displacement")["file"].value()
    finally:
        pane.panel.shutdown()
