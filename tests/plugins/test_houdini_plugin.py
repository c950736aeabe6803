"""The Houdini plugin through the fake ``hou`` (which enforces Houdini's rules): pixel depths in a
Python COP, locked assets, the background run, geometry input, the HDA build, the torch folder."""

from __future__ import annotations

import importlib
import json
import sys

import fakes
import numpy as np
import pytest
from conftest import REPO, TEST_PATTERN, smooth_image, wait_no_threads

hou = pytest.importorskip("hou")
assert hou.__file__.startswith(str(REPO / "tests")), "tests must run against the fake hou"

from nexture_houdini import bootstrap, cop2_filter, copernicus, parms  # noqa: E402
from nexture_houdini.geometry import mesh_areas, polygon_area  # noqa: E402

VALUES = {"pattern": TEST_PATTERN, "preset": "preview", "iterations": 2, "backbone": "random", "device": "cpu"}


@pytest.fixture(autouse=True)
def fresh_session():
    hou.reset()
    copernicus.RUNS.clear()
    yield
    for run in list(copernicus.RUNS):  # a failed test must not leave a worker running
        run.cancel()
        run.job.wait(10)
    copernicus.RUNS.clear()


def make_parms(spec, **overrides):
    out = {}
    for name, _label, kind, default, menu in spec:
        value = {**VALUES, **overrides}.get(name, default)
        out[name] = hou.Parm(value, list(menu[0]) if kind == "menu" else None)
    return out


def ramp_image(size=64):
    """A sculpt-like map in 0..1 with an asymmetric ramp, so a missed row flip shows."""
    image = smooth_image(size) + np.linspace(0, 1, size, dtype=np.float32)[:, None]
    return ((image - image.min()) / (image.max() - image.min())).astype(np.float32)


def cop2_source(size=64, depth=None):
    image = ramp_image(size)
    depth = depth or hou.imageDepth.Float32
    return hou.Cop2Node("/img/comp1/src", pixels=np.repeat(image[..., None], 3, axis=2), depth=depth), image


@pytest.mark.parametrize("depth", ["Int8", "Int16", "Float16", "Float32"])
def test_python_cop_reads_and_writes_float32_whatever_the_plane_depth(engine, cache_dir, depth):
    src, image = cop2_source(depth=getattr(hou.imageDepth, depth))
    node = hou.Cop2Node("/img/comp1/nexture1", parms=make_parms(cop2_filter.SPEC))
    node.setInput(0, src)
    hou.cook_python_cop(node, cop2_filter.cook, "C", (64, 64))
    out = node.cooked.reshape(64, 64, 3)[::-1, :, 0]  # back to top-row-first
    assert np.isfinite(out).all() and not np.allclose(out, image)
    assert np.corrcoef(out.ravel(), image.ravel())[0, 1] > 0.8, "broad forms (and row order) are kept"


def test_python_cop_cook_caches_and_escape_interrupts(engine, cache_dir):
    src, _ = cop2_source()
    node = hou.Cop2Node("/img/comp1/nexture1", parms=make_parms(cop2_filter.SPEC))
    node.setInput(0, src)
    assert cop2_filter.output_planes_to_cook(node) == ("C",) and cop2_filter.required_input_planes(node, "C") == (
        "0",
        "C",
    )
    hou.cook_python_cop(node, cop2_filter.cook, "C", (64, 64))
    op = hou.InterruptableOperation.instances[-1]
    assert op.open_interrupt_dialog and op.updates and max(op.updates) <= 1.0
    first = node.cooked.copy()
    ops = len(hou.InterruptableOperation.instances)
    hou.cook_python_cop(node, cop2_filter.cook, "C", (64, 64))  # unchanged settings: from the cache
    assert len(hou.InterruptableOperation.instances) == ops and np.array_equal(node.cooked, first)

    src, _ = cop2_source(96)
    other = hou.Cop2Node("/img/comp1/nexture2", parms=make_parms(cop2_filter.SPEC, iterations=400))
    other.setInput(0, src)
    hou.InterruptableOperation.interrupt_after = 2
    with pytest.raises(hou.OperationInterrupted):
        hou.cook_python_cop(other, cop2_filter.cook, "C", (96, 96))
    assert other.cooked is None


def test_python_cop_bad_settings_become_a_node_error(cache_dir):
    src, _ = cop2_source()
    node = hou.Cop2Node("/img/comp1/nexture1", parms=make_parms(cop2_filter.SPEC, strength=99.0))
    node.setInput(0, src)
    with pytest.raises(hou.NodeError, match="strength"):
        hou.cook_python_cop(node, cop2_filter.cook, "C", (64, 64))


def asset(context="cop", **overrides):
    """An instance of the built asset (locked contents) fed by a 64 px map."""
    spec_parms = make_parms(copernicus.SPEC, **overrides)
    spec_parms[copernicus.STATUS_PARM] = hou.Parm("")
    spec_parms[copernicus.RESULT_PARM] = hou.Parm("")
    node = hou.make_asset("nexture::micro_detail_cop::1.0", "/obj/copnet1/nexture1", spec_parms, context=context)
    image = ramp_image()
    if context == "cop":
        source = hou.CopNode("/obj/copnet1/src", pixels=np.repeat(image[..., None], 3, axis=2))
    else:
        source = hou.Cop2Node(
            "/img/comp1/src", pixels=np.repeat(image[..., None], 3, axis=2), depth=hou.imageDepth.Int16
        )
    node.setInput(0, source)
    return node


def result_file_read_by_the_asset(node):
    inner = node.node(copernicus.FILE_COP)
    return inner.parm("filename" if inner.parm("filename") else "filename1").evalAsString()


def test_fake_hou_refuses_edits_inside_a_locked_asset():
    node = asset()
    with pytest.raises(hou.PermissionError):
        node.node(copernicus.FILE_COP).parm("filename").set("/tmp/x.exr")
    node.parm(copernicus.RESULT_PARM).set("/tmp/x.exr")  # the asset's own parm: allowed
    assert result_file_read_by_the_asset(node) == "/tmp/x.exr", "the inner File node reads chs('../result_file')"


@pytest.mark.parametrize("context", ["cop", "cop2"])
def test_synthesize_runs_in_the_background_and_the_asset_output_reads_the_cached_result(engine, cache_dir, context):
    node = asset(context, maps="displacement normal", output="normal")
    job = copernicus.on_synthesize({"node": node})
    assert job is not None, node.parm("status").evalAsString()
    fakes.pump_until(lambda: node.path() not in copernicus.RUNS, timeout=120)
    assert node.parm("status").evalAsString().startswith("done"), node.parm("status").evalAsString()
    loaded = result_file_read_by_the_asset(node)
    assert loaded.endswith("normal.exr") and loaded.startswith(cache_dir.as_posix())
    assert hou.STATUS_MESSAGES
    wait_no_threads()
    assert fakes.worker_host_calls() == []
    node.parm("output").set("displacement")
    copernicus.on_show({"node": node})
    assert result_file_read_by_the_asset(node).endswith("displacement.exr")
    assert copernicus.on_synthesize({"node": node}) is None  # unchanged: from the cache
    assert "from cache" in node.parm("status").evalAsString()


def test_cancel_button_and_hython(engine, cache_dir):
    node = asset(iterations=400)
    job = copernicus.on_synthesize({"node": node})
    fakes.pump_until(lambda: job.progress > 0, timeout=60)
    assert copernicus.on_cancel({"node": node})
    fakes.pump_until(lambda: node.path() not in copernicus.RUNS, timeout=60)
    assert job.state.value == "cancelled" and result_file_read_by_the_asset(node) == ""
    wait_no_threads()
    assert fakes.worker_host_calls() == []

    hou.UI_AVAILABLE["value"] = False  # hython: synchronous
    node = asset()
    job = copernicus.on_synthesize({"node": node})
    assert job.state.value == "done" and fakes.MAIN_QUEUE.empty()
    assert result_file_read_by_the_asset(node).endswith("displacement.exr")


def test_results_sit_beside_the_saved_hip(engine, tmp_path):
    hou.hipFile.save_as((tmp_path / "shot" / "look.hip").as_posix())
    hou.UI_AVAILABLE["value"] = False
    node = asset()
    copernicus.on_synthesize({"node": node})
    assert result_file_read_by_the_asset(node).startswith((tmp_path / "shot" / "nexture_cache").as_posix())


def test_uv_and_world_areas_of_a_mesh():
    assert polygon_area([(0, 0), (1, 0), (1, 1), (0, 1)]) == pytest.approx(1.0)
    assert polygon_area([(0, 0, 0), (0, 1, 0), (1, 0, 0)]) == pytest.approx(0.5), "either winding"
    quad = ([(0, 0, 0), (0.1, 0, 0), (0.1, 0.1, 0), (0, 0.1, 0)], [(0, 0), (1, 0), (1, 1), (0, 1)])
    for uv_on in ("vertex", "point"):
        assert mesh_areas(hou.Geometry([quad], uv_on=uv_on)) == pytest.approx((0.01, 1.0))
    with pytest.raises(Exception, match="no uv attribute"):
        mesh_areas(hou.Geometry([quad], uv_on=None))


def test_build_hda_writes_both_assets_into_the_users_otls_folder(tmp_path, monkeypatch):
    hou.HOME["dir"] = str(tmp_path / "houdini21.0")
    before = sorted((REPO / "plugins" / "houdini").rglob("*"))
    monkeypatch.setattr(sys, "argv", ["build_hda.py"])
    import runpy

    namespace = runpy.run_path(str(REPO / "plugins" / "houdini" / "build_hda.py"))
    assert namespace["main"]([]) == 0
    assert sorted((REPO / "plugins" / "houdini").rglob("*")) == before, "nothing is written into the checkout"
    otls = tmp_path / "houdini21.0" / "otls"
    cop = json.loads((otls / "nexture_cop.hda").read_text())
    cop2 = json.loads((otls / "nexture_cop2.hda").read_text())
    assert cop["network"]["nexture_result"]["expressions"] == {"filename": 'chs("../result_file")'}
    assert cop["network"]["output1"]["inputs"] == ["nexture_result"], "the File COP feeds the subnet's output"
    assert cop["inputs"] == [1, 2], "input 2: the mesh for the texel size"
    assert cop2["network"]["nexture_result"]["expressions"] == {"filename1": 'chs("../result_file")'}
    assert cop2["network"]["nexture_result"]["flags"] == {"display": True, "render": True}
    names = {p["name"]: p for p in cop["parms"]}
    assert names["result_file"]["hidden"] and "on_synthesize" in names["synthesize"]["script_callback"]
    assert {"pattern", "texel_mm", "map_width_mm", "height_mm", "upscale", "maps", "output", "status"} <= set(names)
    assert [str(otls / "nexture_cop.hda"), str(otls / "nexture_cop2.hda")] == hou.INSTALLED
    assert "upscale" not in [s[0] for s in cop2_filter.SPEC], "a COP2 filter keeps its input's resolution"
    assert parms.read_values(asset(), copernicus.SPEC)["preset"] == "preview"


def test_importing_the_plugin_puts_this_houdini_versions_torch_folder_on_the_path(monkeypatch, tmp_path):
    (tmp_path / "h21").mkdir()
    (tmp_path / "h205").mkdir()
    monkeypatch.setenv("NEXTURE_PYTHONPATH_HOUDINI21", str(tmp_path / "h21"))
    monkeypatch.setenv("NEXTURE_PYTHONPATH_HOUDINI205", str(tmp_path / "h205"))
    monkeypatch.setattr(sys, "path", list(sys.path))
    importlib.reload(importlib.import_module("nexture_houdini"))
    assert str(tmp_path / "h21") in sys.path and str(tmp_path / "h205") not in sys.path
    hou.VERSION["string"] = "20.5.410"
    assert bootstrap.add_paths() == [str(tmp_path / "h205")]
    package = json.loads((REPO / "plugins" / "houdini" / "nexture.json").read_text())
    assert package["hpath"] == "$NEXTURE_HOUDINI"
