"""Physical units on the host side (issue #13): the request keys, the texel size each host reads
from the geometry it knows, and the one line a host shows when it had to assume."""

from __future__ import annotations

import json
import math
from pathlib import Path

import fakes
import numpy as np
import pytest
from conftest import TEST_PATTERN, smooth_image

from nexture_core.errors import SettingsError
from nexture_core.hosts.requests import CONTROL_DEFAULTS, settings_from_values
from nexture_core.units import texel_mm_from_areas


def settings_of(result_file) -> dict:
    """The settings a cached result was made with (its manifest beside it)."""
    return json.loads((Path(result_file).parent / "manifest.json").read_text())["info"]["settings"]


RUN = {"pattern": TEST_PATTERN, "preset": "preview", "iterations": 2, "backbone": "random", "device": "cpu"}


def test_request_unit_keys_zero_means_not_set():
    assert {"texel_mm", "map_width_mm", "height_mm"} <= set(CONTROL_DEFAULTS)
    plain = settings_from_values({"texel_mm": 0, "map_width_mm": 0, "height_mm": 0})
    assert (plain.texel_mm, plain.map_width_mm, plain.height_mm) == (None, None, None)
    given = settings_from_values({"texel_mm": "0.05", "height_mm": 1.0})
    assert (given.texel_mm, given.map_width_mm, given.height_mm) == (0.05, None, 1.0)
    assert settings_from_values({"map_width_mm": 120}).map_width_mm == 120.0
    with pytest.raises(SettingsError, match="negative"):
        settings_from_values({"height_mm": -1})


def test_nuke_status_says_what_it_assumed(engine, cache_dir):
    nuke = pytest.importorskip("nuke")
    from nexture_nuke import node as nexture_node
    from nexture_nuke import run as nexture_run

    nuke.reset()
    source = nuke.nodes.Constant()
    source.pixels = np.repeat(smooth_image(64)[..., None], 3, axis=2)
    group = nexture_node.create_node()
    group.setInput(0, source)
    for name, value in RUN.items():
        group[name].setValue(value)
    nuke.env["gui"] = False
    nexture_run.synthesize(group)
    status = group["status"].value()
    assert status.startswith("done") and "no texel size given" in status and "\n" not in status
    group["texel_mm"].setValue(0.02)
    group["height_mm"].setValue(10.0)
    nexture_run.synthesize(group)
    assert group["status"].value().startswith("done") and "assumed" not in group["status"].value()


def test_houdini_texel_size_comes_from_the_mesh_in_input_2(engine, cache_dir):
    hou = pytest.importorskip("hou")
    from nexture_houdini import copernicus
    from test_houdini_plugin import asset

    hou.reset()
    hou.UI_AVAILABLE["value"] = False
    node = asset()
    quad = (
        [(0, 0, 0), (0.01, 0, 0), (0.01, 0.01, 0), (0, 0.01, 0)],
        [(0, 0), (1, 0), (1, 1), (0, 1)],
    )  # 1 cm, whole UV square
    mesh = hou.CopNode("/obj/copnet1/mesh", geometry=hou.Geometry([quad]))
    node.setInput(1, mesh)
    job = copernicus.on_synthesize({"node": node})
    assert job.state.value == "done"
    expected = math.sqrt(10.0 * 10.0 / (64 * 64))  # a 10 mm square on 64 px
    assert settings_of(job.result.by_map["displacement"])["texel_mm"] == pytest.approx(expected)
    assert "no texel size given" not in node.parm("status").evalAsString()
    hou.UNIT_LENGTH_M["value"] = 0.01  # a hip whose unit is the centimetre: the same quad is 1 mm across
    from nexture_houdini.geometry import texel_mm_from_geometry

    assert texel_mm_from_geometry(mesh.geometry(), 64, 64) == pytest.approx(expected / 100)


def test_maya_texel_size_comes_from_the_shading_groups_faces_in_scene_units(engine, cache_dir, tmp_path):
    cmds = pytest.importorskip("maya.cmds")
    from nexture_maya import runs, texel
    from test_maya_plugin import shaded_texture, write_texture

    cmds.reset()
    file_node, _m, group = shaded_texture(write_texture(tmp_path / "sculpt.exr"))
    face = cmds.make_mesh("head", [(0.3, 0.3), (0.1, 0.1)])  # cm^2, UV units^2
    cmds.make_mesh("hand", [(0.05, 0.5)])
    cmds.SET_MEMBERS[group] = ["headShape.f[0:1]", "handShape"]
    whole = texel_mm_from_areas((0.3 + 0.1 + 0.05) * 100, 0.3 + 0.1 + 0.5, 64, 64)
    assert texel.texel_mm(group, 64, 64) == pytest.approx(whole)
    head = texel_mm_from_areas(0.4 * 100, 0.4, 64, 64)
    assert texel.texel_mm(group, 64, 64, [face]) == pytest.approx(head), "only the selected mesh's faces"
    cmds.SCENE["linear"] = "mm"  # polyEvaluate answers in the scene unit; the texel size does not change
    assert texel.texel_mm(group, 64, 64, [face]) == pytest.approx(head)

    cmds.BATCH["value"] = True
    cmds.select(file_node, face)
    run = runs.start(file_node, RUN)
    assert settings_of(run.job.result.by_map["displacement"])["texel_mm"] == pytest.approx(head)

    cmds.SET_MEMBERS[group] = []  # no mesh: the artist is told what was assumed
    plain, _m, _g = shaded_texture(write_texture(tmp_path / "plain.exr", seed=3), "plain")
    cmds.BATCH["value"] = False
    run = runs.start(plain, RUN)
    fakes.pump_until(lambda: run.closed, timeout=120)
    assert cmds.IN_VIEW and "no texel size given" in cmds.IN_VIEW[-1]
