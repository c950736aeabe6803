"""The Nuke plugin end to end through the fake ``nuke``: menu, node, run, cancel, cache."""

from __future__ import annotations

import runpy
import threading

import numpy as np
import pytest

import fakes
from conftest import REPO, smooth_image, wait_no_threads

nuke = pytest.importorskip("nuke")  # the fake, from tests/plugins/fakes
assert nuke.__file__.startswith(str(REPO / "tests")), "tests must run against the fake nuke"

from nexture_nuke import node as nexture_node  # noqa: E402
from nexture_nuke import run as nexture_run  # noqa: E402


@pytest.fixture(autouse=True)
def fresh_script():
    nuke.reset()
    nexture_run.ACTIVE.clear()
    yield
    for run in list(nexture_run.ACTIVE.values()):
        run.job.cancel()
        run.job.wait(10)
    nexture_run.ACTIVE.clear()


def make_group(size=64, iterations=2, **knobs):
    source = nuke.nodes.Constant()
    source.pixels = np.repeat(smooth_image(size)[..., None], 3, axis=2)
    group = nexture_node.create_node()
    group.setInput(0, source)
    group["preset"].setValue("preview")
    group["iterations"].setValue(iterations)
    group["backbone"].setValue("random")
    group["device"].setValue("cpu")
    for name, value in knobs.items():
        group[name].setValue(value)
    return group


def press(group, knob="synthesize"):
    nuke._this.clear()
    group[knob].execute()


def test_startup_files_register_the_menu_and_paths():
    runpy.run_path(str(REPO / "plugins" / "nuke" / "init.py"))
    runpy.run_path(str(REPO / "plugins" / "nuke" / "menu.py"))
    for bar in ("Nodes", "Nuke"):
        assert nuke.MENUS[bar].commands["Nexture/Micro Detail"] == "import nexture_nuke.node; nexture_nuke.node.create_node()"
    assert len((REPO / "plugins" / "nuke" / "menu.py").read_text().splitlines()) <= 10


def test_node_has_the_artist_knobs_and_an_output_switch():
    group = nexture_node.create_node()
    for name in ("pattern", "open_panel", "scale", "texel_mm", "strength", "upscale", "preset", "seed", "synthesize", "status", "show"):
        assert group.knob(name) is not None, name
    assert "cheek" in group["pattern"].values()
    switch = group.node(nexture_node.SWITCH)
    assert switch.input(0).Class() == "Input"
    for i, name in enumerate(nexture_node.HOST_MAPS, start=1):
        read = switch.input(i)
        assert read.name() == f"nexture_{name}" and read["raw"].value() is True
    output = next(n for n in group.nodes() if n.Class() == "Output")
    assert output.input(0) is switch


def test_synthesize_runs_on_a_worker_and_points_reads_at_cached_results(engine, cache_dir):
    group = make_group(map_normal=True)
    press(group)
    run = nexture_run.ACTIVE[group.fullName()]
    assert run.job.state.value == "running"
    fakes.pump_until(lambda: group.fullName() not in nexture_run.ACTIVE, timeout=120)
    assert group["status"].value().startswith("done"), group["status"].value()
    disp = group.node("nexture_displacement")["file"].value()
    normal = group.node("nexture_normal")["file"].value()
    assert disp.startswith(cache_dir.as_posix()) and normal.endswith("normal.exr")
    assert group.node("nexture_cavity")["file"].value() == ""
    assert group.node(nexture_node.SWITCH)["which"].value() == 1
    image = nuke._image_of(group)  # what downstream nodes see: the displacement result
    assert image.shape[:2] == (64, 64) and np.isfinite(image).all()
    assert not np.allclose(image[..., 0], smooth_image(64)), "the output must differ from the input"
    task = nuke.ProgressTask.instances[-1]
    assert task.progress == 100
    assert not list((cache_dir / "_inputs").glob("*.exr")), "the temporary render is removed"
    wait_no_threads()
    assert fakes.worker_host_calls() == []
    assert any(name == "nuke.executeInMainThread" and not main for name, _t, main in fakes.CALLS)

    # Showing another map only flips the switch; pressing again is served from the cache.
    group["show"].setValue("normal")
    assert group.node(nexture_node.SWITCH)["which"].value() == nexture_node.SHOW_CHOICES.index("normal")
    tasks = len(nuke.ProgressTask.instances)
    press(group)
    assert group.fullName() not in nexture_run.ACTIVE
    assert "from cache" in group["status"].value()
    assert len(nuke.ProgressTask.instances) == tasks
    assert group.node("nexture_displacement")["file"].value() == disp


def test_cancel_from_the_progress_bar_stops_the_job_and_keeps_nothing(engine, cache_dir):
    group = make_group(size=96, iterations=400)
    press(group)
    run = nexture_run.ACTIVE[group.fullName()]
    fakes.pump_until(lambda: run.job.progress > 0, timeout=60)
    run.task.press_cancel()
    fakes.pump_until(lambda: run.job.state.finished, timeout=60)
    assert run.job.state.value == "cancelled"
    assert group["status"].value().startswith("cancelled")
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
    assert not any(name == "nuke.executeInMainThread" for name, _t, _m in fakes.CALLS)
    assert fakes.MAIN_QUEUE.empty()


def test_errors_reach_the_artist_as_one_message(engine, cache_dir):
    group = nexture_node.create_node()
    press(group)
    assert "has no input" in nuke.MESSAGES[-1]
    group = make_group(scale=100.0)
    press(group)
    assert group["status"].value().startswith("error:") and "scale" in nuke.MESSAGES[-1]


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
