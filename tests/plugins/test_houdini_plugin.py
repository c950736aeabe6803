"""The Houdini plugin through the fake ``hou``: COP2 cook (sync, Esc) and Copernicus (background)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import fakes
from conftest import REPO, smooth_image, wait_no_threads

hou = pytest.importorskip("hou")
assert hou.__file__.startswith(str(REPO / "tests")), "tests must run against the fake hou"

from nexture_houdini import copernicus, cop2_filter, parms  # noqa: E402

VALUES = {"pattern": "cheek", "preset": "preview", "iterations": 2, "backbone": "random", "device": "cpu"}


@pytest.fixture(autouse=True)
def fresh_session():
    hou.reset()
    copernicus.ACTIVE.clear()
    yield
    for run in list(copernicus.ACTIVE.values()):
        run.job.cancel()
        run.job.wait(10)


def make_parms(spec, **overrides):
    out = {}
    for name, _label, kind, default, menu in spec:
        value = {**VALUES, **overrides}.get(name, default)
        out[name] = hou.Parm(value, list(menu[0]) if kind == "menu" else None)
    return out


def source_cop(size=64):
    image = smooth_image(size)
    # Asymmetric ramp so a missed flip shows: top rows low, bottom rows high.
    image = image + np.linspace(0, 1, size, dtype=np.float32)[:, None]
    return hou.CopNode("/img/comp1/src", pixels=np.repeat(image[..., None], 3, axis=2)), image


def test_cop2_cook_flips_rows_runs_and_caches(engine, cache_dir):
    src, image = source_cop()
    node = hou.CopNode("/img/comp1/nexture1", parms=make_parms(cop2_filter.SPEC))
    node.setInput(0, src)
    assert cop2_filter.output_planes_to_cook(node) == ("C",)
    assert cop2_filter.required_input_planes(node, "C") == ("0", "C")
    cop2_filter.cook(node, "C", (64, 64))
    op = hou.InterruptableOperation.instances[-1]
    assert op.open_interrupt_dialog and op.updates and max(op.updates) <= 1.0
    out = node.cooked.reshape(64, 64, 3)[::-1, :, 0]  # back to top-row-first
    assert np.isfinite(out).all() and not np.allclose(out, image)
    assert np.corrcoef(out.ravel(), image.ravel())[0, 1] > 0.8, "broad forms (and row order) are kept"
    ops = len(hou.InterruptableOperation.instances)
    cop2_filter.cook(node, "C", (64, 64))  # unchanged settings: from the cache, no run
    assert len(hou.InterruptableOperation.instances) == ops
    assert np.array_equal(node.cooked.reshape(64, 64, 3)[::-1, :, 0], out)


def test_cop2_escape_interrupts_the_cook(engine, cache_dir):
    src, _ = source_cop(96)
    node = hou.CopNode("/img/comp1/nexture1", parms=make_parms(cop2_filter.SPEC, iterations=400))
    node.setInput(0, src)
    hou.InterruptableOperation.interrupt_after = 2
    with pytest.raises(hou.OperationInterrupted):
        cop2_filter.cook(node, "C", (96, 96))
    assert node.cooked is None and not list(cache_dir.glob("*/manifest.json"))


def test_cop2_bad_settings_become_a_node_error(cache_dir):
    src, _ = source_cop()
    node = hou.CopNode("/img/comp1/nexture1", parms=make_parms(cop2_filter.SPEC, strength=99.0))
    node.setInput(0, src)
    with pytest.raises(hou.NodeError, match="strength"):
        cop2_filter.cook(node, "C", (64, 64))


def copernicus_node(**overrides):
    node = hou.CopNode("/obj/copnet1/nexture1", parms=make_parms(copernicus.SPEC, **overrides))
    node._parms[copernicus.STATUS_PARM] = hou.Parm("")
    node.children[copernicus.FILE_COP] = hou.CopNode("/obj/copnet1/nexture1/nexture_result", parms={copernicus.FILE_PARM: hou.Parm("")})
    src, image = source_cop()
    node.setInput(0, src)
    return node, image


def test_copernicus_button_runs_in_background_and_loads_the_file_cop(engine, cache_dir):
    node, _image = copernicus_node(maps="displacement normal", output="normal")
    job = copernicus.on_synthesize({"node": node})
    assert job is not None
    fakes.pump_until(lambda: node.path() not in copernicus.ACTIVE, timeout=120)
    assert node.parm("status").evalAsString().startswith("done"), node.parm("status").evalAsString()
    loaded = node.node(copernicus.FILE_COP).parm(copernicus.FILE_PARM).evalAsString()
    assert loaded.endswith("normal.exr") and loaded.startswith(cache_dir.as_posix())
    assert hou.STATUS_MESSAGES
    wait_no_threads()
    assert fakes.worker_host_calls() == []
    assert copernicus.on_synthesize({"node": node}) is None  # cached
    assert "from cache" in node.parm("status").evalAsString()


def test_copernicus_cancel_button(engine, cache_dir):
    node, _ = copernicus_node(iterations=400)
    job = copernicus.on_synthesize({"node": node})
    fakes.pump_until(lambda: job.progress > 0, timeout=60)
    assert copernicus.on_cancel({"node": node})
    fakes.pump_until(lambda: node.path() not in copernicus.ACTIVE, timeout=60)
    assert job.state.value == "cancelled"
    assert node.node(copernicus.FILE_COP).parm(copernicus.FILE_PARM).evalAsString() == ""
    wait_no_threads()
    assert fakes.worker_host_calls() == []


def test_hython_without_ui_runs_synchronously(engine, cache_dir):
    hou.UI_AVAILABLE["value"] = False
    node, _ = copernicus_node()
    job = copernicus.on_synthesize({"node": node})
    assert job.state.value == "done" and fakes.MAIN_QUEUE.empty()
    assert node.node(copernicus.FILE_COP).parm(copernicus.FILE_PARM).evalAsString().endswith("displacement.exr")


def test_package_and_hda_description_are_consistent():
    package = json.loads((REPO / "plugins" / "houdini" / "nexture.json").read_text())
    assert package["hpath"] == "$NEXTURE_HOUDINI"
    text = (REPO / "plugins" / "houdini" / "build_hda.py").read_text()
    for call in ("createDigitalAsset", "setParmTemplateGroup", "ButtonParmTemplate", "on_synthesize", "on_cancel", "PythonCook"):
        assert call in text, call
    names = [s[0] for s in copernicus.SPEC]
    assert {"pattern", "scale", "texel_mm", "strength", "upscale", "preset", "seed", "maps", "output"} <= set(names)
    assert "upscale" not in [s[0] for s in cop2_filter.SPEC], "a COP2 filter keeps its input's resolution"
    assert parms.read_values(copernicus_node()[0], copernicus.SPEC)["preset"] == "preview"
