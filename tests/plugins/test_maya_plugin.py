"""The Maya plugin end to end through the fake ``maya.cmds`` (which enforces Maya's rules):
shelf and Hypershade entries, the docked panel, runs, one progress window, UDIM sets, wiring."""

from __future__ import annotations

import runpy

import fakes
import numpy as np
import OpenImageIO as oiio
import pytest
from conftest import REPO, TEST_PATTERN, smooth_image, wait_no_threads

cmds = pytest.importorskip("maya.cmds")
assert cmds.__file__.startswith(str(REPO / "tests")), "tests must run against the fake maya"

from maya.app.general import nodeEditorMenus  # noqa: E402
from nexture_maya import hypershade, network, runs, shelf, tool  # noqa: E402


@pytest.fixture(autouse=True)
def fresh_scene():
    cmds.reset()
    runs.RUNS.clear()
    runs.PROGRESS.runs.clear()
    nodeEditorMenus.customInclusiveNodeItemMenuCallbacks.clear()
    yield
    for run in list(runs.RUNS):  # a failed test must not leave a worker running
        run.cancel()
        run.job.wait(10)
    runs.RUNS.clear()
    runs.PROGRESS.runs.clear()


def write_texture(path, size=64, seed=1):
    img = np.repeat(smooth_image(size, seed)[..., None], 3, axis=2).astype(np.float32)
    out = oiio.ImageOutput.create(str(path))
    out.open(str(path), oiio.ImageSpec(size, size, 3, "float"))
    out.write_image(img)
    out.close()
    return path


def shaded_texture(path, name="sculpt_disp"):
    """A scene as artists have it: file -> aiStandardSurface.baseColor... -> shadingEngine."""
    file_node = network.create_file_node(str(path), name)
    material = cmds.shadingNode("aiStandardSurface", asShader=True, name=f"{name}_mtl")
    group = cmds.sets(renderable=True, noSurfaceShader=True, empty=True, name=f"{name}_SG")
    cmds.connectAttr(f"{file_node}.outColor", f"{material}.baseColor")
    cmds.connectAttr(f"{material}.outColor", f"{group}.surfaceShader")
    cmds.select(file_node)
    return file_node, material, group


VALUES = {
    "pattern": TEST_PATTERN,
    "preset": "preview",
    "iterations": 2,
    "backbone": "random",
    "device": "cpu",
    "maps": "displacement normal",
}


def finish(run, timeout=120):
    fakes.pump_until(lambda: run.closed, timeout=timeout)
    assert run.job.state.value == "done", run.job.error_text


def test_user_setup_adds_one_shelf_button_and_the_hypershade_entries():
    runpy.run_path(str(REPO / "plugins" / "maya" / "scripts" / "userSetup.py"))
    assert fakes.pump() == 1
    shelf.install_shelf_button()
    hypershade.register()  # a second session start: still one of each
    buttons = [v for v in cmds.UI.values() if v.get("kind") == "shelfButton"]
    assert len(buttons) == 1 and buttons[0]["sourceType"] == "python" and buttons[0]["command"] == shelf.COMMAND
    assert (
        len(cmds.CALLBACKS[hypershade.CREATE_HOOK]) == 1
        and len(nodeEditorMenus.customInclusiveNodeItemMenuCallbacks) == 1
    )
    cmds.run_hook(hypershade.CREATE_HOOK)
    assert cmds.MENU_ITEMS[0]["label"] == hypershade.LABEL and cmds.MENU_ITEMS[-1]["divider"]
    texture = network.create_file_node("/tmp/x.exr", "tex")
    shader = cmds.shadingNode("aiStandardSurface", asShader=True, name="mtl")
    callback = nodeEditorMenus.customInclusiveNodeItemMenuCallbacks[0]
    assert callback("nodeEditor1", shader) is False and callback("nodeEditor1", texture) is True


def test_shelf_tool_prefills_from_the_selected_file_node(tmp_path):
    file_node, _m, _g = shaded_texture(write_texture(tmp_path / "sculpt.exr"))
    values = tool.prefill(tool.selected_file_node())
    assert (
        values["input"] == str(tmp_path / "sculpt.exr")
        and values["colorspace"] == "Raw"
        and values["file_node"] == file_node
    )


def test_run_wires_raw_file_nodes_displacement_and_normals(engine, cache_dir, tmp_path):
    file_node, material, group = shaded_texture(write_texture(tmp_path / "sculpt.exr"))
    run = runs.start(file_node, VALUES, connect_displacement=True, connect_normal=True)
    assert cmds.PROGRESS["open"] and cmds.PROGRESS["interruptable"]
    finish(run)
    assert not cmds.PROGRESS["open"]
    disp, normal = run.host.nodes["displacement"], run.host.nodes["normal"]
    for node, name in ((disp, "displacement"), (normal, "normal")):
        assert cmds.getAttr(f"{node}.fileTextureName").endswith(f"{name}.exr")
        assert cmds.getAttr(f"{node}.colorSpace") == "Raw" and cmds.getAttr(f"{node}.ignoreColorSpaceFileRules") == 1
        place = cmds.listConnections(f"{node}.uvCoord", source=True, destination=False)[0]
        assert cmds.nodeType(place) == "place2dTexture"
    assert cmds.getAttr(f"{disp}.alphaIsLuminance") == 1 and not cmds.getAttr(f"{normal}.alphaIsLuminance")
    shader = cmds.listConnections(f"{group}.displacementShader", source=True, destination=False)[0]
    assert (
        cmds.nodeType(shader) == "displacementShader"
        and (f"{disp}.outAlpha", f"{shader}.displacement") in cmds.CONNECTIONS
    )
    bump = cmds.listConnections(f"{material}.normalCamera", source=True, destination=False)[0]
    assert cmds.nodeType(bump) == "bump2d" and cmds.getAttr(f"{bump}.bumpInterp") == 1
    assert cmds.getAttr(f"{file_node}.fileTextureName") == str(tmp_path / "sculpt.exr"), "the input node is untouched"
    wait_no_threads()
    assert fakes.worker_host_calls() == []
    again = runs.start(file_node, VALUES)
    assert again.closed and again.host.nodes["displacement"] != disp, "a cached result still gets its own nodes"


@pytest.mark.parametrize("answer", ["Keep existing", "Replace", None])
def test_an_existing_displacement_is_never_replaced_silently(engine, cache_dir, tmp_path, answer):
    file_node, _material, group = shaded_texture(write_texture(tmp_path / "sculpt.exr"))
    old = cmds.shadingNode("displacementShader", asShader=True, name="artist_disp")
    cmds.connectAttr(f"{old}.displacement", f"{group}.displacementShader")
    if answer is None:
        cmds.BATCH["value"] = True  # mayapy: nobody to ask
    else:
        cmds.DIALOG_ANSWERS.append(answer)
    run = runs.start(file_node, VALUES, connect_displacement=True)
    if answer is not None:
        finish(run)
    now = cmds.listConnections(f"{group}.displacementShader", source=True, destination=False)[0]
    if answer == "Replace":
        assert now != old and cmds.nodeType(now) == "displacementShader"
    else:
        assert now == old and any("kept artist_disp" in w for w in cmds.WARNINGS)
        made = cmds.listConnections(f"{run.host.nodes['displacement']}.outAlpha", source=False, destination=True)
        assert made and cmds.nodeType(made[0]) == "displacementShader", "the new displacement is made beside it"
    if answer is not None:
        assert "already has the displacement artist_disp" in cmds.UI["_dialogs"]["messages"][-1]


def test_escape_in_the_shared_progress_window_cancels_every_run(engine, cache_dir, tmp_path):
    first, _m, _g = shaded_texture(write_texture(tmp_path / "a.exr", size=96), "a")
    second, _m, _g = shaded_texture(write_texture(tmp_path / "b.exr", size=96, seed=2), "b")
    run_a = runs.start(first, dict(VALUES, iterations=400))
    run_b = runs.start(second, dict(VALUES, iterations=400))  # Maya has one progressWindow: shared, not a second one
    assert cmds.PROGRESS["open"] and len(runs.PROGRESS.runs) == 2
    fakes.pump_until(lambda: run_a.job.progress > 0 and run_b.job.progress > 0, timeout=60)
    assert cmds.PROGRESS["status"].startswith("Nexture: 2 runs")
    cmds.press_escape()
    fakes.pump_until(lambda: run_a.closed and run_b.closed, timeout=60)
    assert run_a.job.state.value == run_b.job.state.value == "cancelled"
    assert not cmds.ls(type="displacementShader") and not cmds.PROGRESS["open"]
    wait_no_threads()
    assert fakes.worker_host_calls() == []


def test_a_udim_texture_runs_every_tile(engine, cache_dir, tmp_path):
    for number in (1001, 1002):
        write_texture(tmp_path / f"face.{number}.exr", seed=number)
    file_node, _m, _g = shaded_texture(tmp_path / "face.1001.exr")
    cmds.setAttr(f"{file_node}.uvTilingMode", 3)
    run = runs.start(file_node, dict(VALUES, maps="displacement"))
    finish(run)
    disp = run.host.nodes["displacement"]
    assert cmds.getAttr(f"{disp}.uvTilingMode") == 3
    folder = cmds.getAttr(f"{disp}.fileTextureName").rsplit("/", 1)[0]
    assert sorted(p.name for p in __import__("pathlib").Path(folder).glob("displacement.*.exr")) == [
        "displacement.1001.exr",
        "displacement.1002.exr",
    ]


def test_batch_mode_runs_synchronously_and_results_sit_beside_the_scene(engine, tmp_path):
    cmds.BATCH["value"] = True
    cmds.SCENE["name"] = (tmp_path / "scenes" / "face.ma").as_posix()
    file_node, _m, _g = shaded_texture(write_texture(tmp_path / "sculpt.exr"))
    run = runs.start(file_node, VALUES)
    assert run.job.state.value == "done" and "displacement" in run.host.nodes
    assert fakes.MAIN_QUEUE.empty() and not cmds.PROGRESS["open"]
    assert cmds.getAttr(f"{run.host.nodes['displacement']}.fileTextureName").startswith(
        (tmp_path / "scenes" / "nexture_cache").as_posix()
    )


def test_missing_texture_or_dependencies_stop_before_anything_starts(cache_dir, tmp_path, monkeypatch):
    node = network.create_file_node(str(tmp_path / "missing.exr"), "gone")
    with pytest.raises(Exception, match="texture file not found"):
        runs.start(node, VALUES)
    from nexture_core.hosts import deps

    monkeypatch.setattr(deps, "missing_modules", lambda *a, **k: ["torch"])
    with pytest.raises(Exception, match=r"mayapy.*-m pip install.*NEXTURE_PYTHONPATH_MAYA2025"):
        runs.start(node, VALUES)
    assert not cmds.PROGRESS["open"]


def test_without_the_panel_no_empty_dock_is_left_and_a_default_run_is_offered(cache_dir, tmp_path, qt_panel_env):
    cmds.SCENE["qt"] = "5.15.2"  # Maya 2024: PySide2, which this process cannot load next to PySide6
    node = network.create_file_node(str(tmp_path / "missing.exr"), "gone")
    cmds.select(node)
    cmds.DIALOG_ANSWERS.append("Cancel")
    assert tool.run_tool() is None
    assert "panel is not available" in cmds.UI["_dialogs"]["messages"][-1]
    assert not cmds.workspaceControl(tool.WORKSPACE, exists=True)


def test_the_panel_is_docked_in_maya_and_its_run_makes_file_nodes(engine, cache_dir, tmp_path, qt_panel_env, qtbot):
    file_node, _material, group = shaded_texture(write_texture(tmp_path / "sculpt.exr"))
    panel = tool.run_tool()
    assert panel is not None and not isinstance(panel, runs.HostRun), cmds.UI.get("_dialogs")
    try:
        dock = cmds.WIDGETS[tool.WORKSPACE]
        assert panel.parent() is dock and dock.layout().indexOf(panel) >= 0, "the panel lives in the workspace control"
        qtbot.waitUntil(lambda: panel.loaded is not None, timeout=20000)
        panel.set_values({k: v for k, v in VALUES.items() if k != "maps"})
        panel.run()  # the panel's Run button
        fakes.pump_until(lambda: not runs.RUNS and panel.job is not None and panel.job.state.finished, timeout=120)
        made = cmds.ls(type="file")
        assert any(n.startswith("nexture_displacement") for n in made), "the panel's run lands in the scene"
        assert (
            cmds.nodeType(cmds.listConnections(f"{group}.displacementShader", source=True, destination=False)[0])
            == "displacementShader"
        )
    finally:
        panel.shutdown()
