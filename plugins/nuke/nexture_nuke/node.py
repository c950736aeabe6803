"""The Nexture Group node: its knobs, its output graph and its stale mark.

Inside the group: ``Input1`` feeds ``nexture_switch`` input 0 (the pass-through
until a result exists); one raw ``Read`` per map (``nexture_<map>``, a still
held on every frame, so frame ranges and farm renders read the cached EXR); a
chain of ``Copy`` nodes (``nexture_layer_<map>``) that puts every made map in a
layer of its own (``normal.red``...) over the ``show`` map in rgb, on switch
input 1; ``Output1``. A finished run only points the Reads at the cache and
rebuilds the chain, so a reopened script shows its result without recomputing.
Changing a setting or the input marks the node stale (status and label) until
the next Synthesize.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

import nuke as _nuke

from nexture_core.errors import NextureError
from nexture_core.hosts.requests import BACKBONES, CONTROL_DEFAULTS, HOST_MAPS, PRESETS, UPSCALES, pattern_choices

from .host_api import GroupAPI, KnobAPI, NodeAPI, NukeAPI

nuke: NukeAPI = _nuke  # every call is checked against NukeAPI, which the public stubs satisfy

NODE_CLASS_TAG = "nexture_micro_detail"
SWITCH = "nexture_switch"
RESULT_KEY = "nexture_key"  # hidden: the cache key of the result the Reads show
SHOW_CHOICES = ("input",) + HOST_MAPS
# Channels each cached map has (single-channel EXRs land in rgba.red).
MAP_CHANNELS = {name: ("red", "green", "blue") if name in ("normal", "albedo") else ("red",) for name in HOST_MAPS}
RUN_SCRIPT = "import nexture_nuke.run; nexture_nuke.run.synthesize(nuke.thisNode())"
CANCEL_SCRIPT = "import nexture_nuke.run; nexture_nuke.run.cancel(nuke.thisNode())"
PANEL_SCRIPT = "import nexture_nuke.panel; nexture_nuke.panel.open_panel(nuke.thisNode())"
CHANGED_SCRIPT = "import nexture_nuke.node; nexture_nuke.node.on_knob_changed(nuke.thisNode(), nuke.thisKnob())"
VALUE_KNOBS = (
    "pattern",
    "scale",
    "texel_mm",
    "map_width_mm",
    "height_mm",
    "strength",
    "upscale",
    "preset",
    "seed",
    "iterations",
    "backbone",
    "device",
)
SETTING_KNOBS = VALUE_KNOBS + tuple(f"map_{m}" for m in HOST_MAPS)


def read_name(map_name: str) -> str:
    return f"nexture_{map_name}"


def layer_node_name(map_name: str) -> str:
    return f"nexture_layer_{map_name}"


def inner(group: GroupAPI, name: str) -> NodeAPI:
    """A node inside the group; a clear error when an artist deleted it."""
    found = group.node(name)
    if found is None:
        raise NextureError(f"{group.name()}: its internal node {name} is missing; create a new Nexture node.")
    return found


def create_node() -> GroupAPI:
    """Create a Nexture group at the DAG cursor with its knobs and internal graph."""
    group: GroupAPI = nuke.createNode("Group", inpanel=False)
    group.setName("NextureMicroDetail")
    _add_knobs(group)
    with group:  # internal nodes without auto-connection (nuke.nodes, not createNode)
        source = nuke.nodes.Input()
        switch = nuke.nodes.Switch()
        switch.setName(SWITCH)
        switch.setInput(0, source)
        for name in HOST_MAPS:
            read = nuke.nodes.Read()
            read.setName(read_name(name))
            read["raw"].setValue(True)  # data, not colour
            read["before"].setValue("hold")
            read["after"].setValue("hold")
        output = nuke.nodes.Output()
        output.setInput(0, switch)
    return group


def _add_knobs(group: NodeAPI) -> None:
    ids, _labels = pattern_choices()
    knobs = [
        nuke.Tab_Knob("nexture", "Nexture"),
        nuke.Text_Knob(NODE_CLASS_TAG, "", "Skin micro-detail on a displacement map"),
        nuke.Enumeration_Knob("pattern", "pattern", ids),
        nuke.PyScript_Knob("open_panel", "Panel...", PANEL_SCRIPT),
        nuke.Double_Knob("scale", "scale"),
        nuke.Double_Knob("texel_mm", "texel size (mm per input texel, 0 = not set)"),
        nuke.Double_Knob("map_width_mm", "or map width (mm, 0 = not set)"),
        nuke.Double_Knob("height_mm", "height unit (mm per map unit, 0 = 10)"),
        nuke.Double_Knob("strength", "strength"),
        nuke.Enumeration_Knob("upscale", "upscale", [str(u) for u in UPSCALES]),
        nuke.Enumeration_Knob("preset", "preset", list(PRESETS)),
        nuke.Int_Knob("seed", "seed"),
    ]
    knobs += [nuke.Boolean_Knob(f"map_{m}", m) for m in HOST_MAPS]
    knobs += [
        nuke.Enumeration_Knob("show", "show", list(SHOW_CHOICES)),
        nuke.PyScript_Knob("synthesize", "Synthesize", RUN_SCRIPT),
        nuke.PyScript_Knob("cancel", "Cancel", CANCEL_SCRIPT),
        nuke.Text_Knob("status", "status", "not run yet"),
        nuke.String_Knob(RESULT_KEY, "result key"),
        nuke.Tab_Knob("advanced", "Advanced"),
        nuke.Int_Knob("iterations", "iterations per level (0 = preset)"),
        nuke.Enumeration_Knob("backbone", "features", list(BACKBONES)),
        nuke.String_Knob("device", "device"),
    ]
    for knob in knobs:
        group.addKnob(knob)
    group[RESULT_KEY].setVisible(False)
    d = CONTROL_DEFAULTS
    group["pattern"].setValue(d["pattern"] if d["pattern"] in ids else ids[0])
    group["scale"].setValue(float(d["scale"]))
    group["strength"].setValue(float(d["strength"]))
    group["preset"].setValue(str(d["preset"]))
    group["device"].setValue(str(d["device"]))
    group["map_displacement"].setValue(True)
    group["show"].setValue("displacement")
    group["knobChanged"].setValue(CHANGED_SCRIPT)


def control_values(group: NodeAPI) -> Dict[str, Any]:
    """The knobs as the host request dict :func:`settings_from_values` reads."""
    values = {name: group[name].value() for name in VALUE_KNOBS}
    values["maps"] = [m for m in HOST_MAPS if group[f"map_{m}"].value() or m == "displacement"]
    return values


def set_control_values(group: NodeAPI, values: Mapping[str, Any]) -> None:
    """Write a request dict (e.g. the panel's) onto the knobs: the node is the record."""
    for name in VALUE_KNOBS:
        if name in values and values[name] is not None:
            group[name].setValue(
                str(values[name]) if name in ("upscale", "pattern", "preset", "backbone", "device") else values[name]
            )
    if "maps" in values:
        chosen = set(values["maps"])
        for m in HOST_MAPS:
            group[f"map_{m}"].setValue(m in chosen or m == "displacement")


def on_knob_changed(group: GroupAPI, knob: Optional[KnobAPI]) -> None:
    """``show`` picks the output without recomputing; a setting or the input marks the result stale."""
    if knob is None:
        return
    name = knob.name()
    if name == "show":
        show_output(group)
    elif (name in SETTING_KNOBS or name == "inputChange") and group[RESULT_KEY].value():
        mark_stale(group, "the input changed" if name == "inputChange" else f"{name} changed")


def mark_stale(group: NodeAPI, why: str) -> None:
    """Say the shown result no longer matches the node (it stays shown until the next run)."""
    group["status"].setValue(f"stale: {why} since this result; press Synthesize")
    group["label"].setValue("stale")


def mark_fresh(group: NodeAPI, key: str, status: str) -> None:
    group[RESULT_KEY].setValue(key)
    group["status"].setValue(status)
    group["label"].setValue("")


def show_output(group: GroupAPI) -> None:
    """Rebuild the output: the ``show`` map in rgb, every made map in its own layer."""
    made = [m for m in HOST_MAPS if inner(group, read_name(m))["file"].value()]
    wanted = group["show"].value()
    with group:
        for name in HOST_MAPS:
            old = group.node(layer_node_name(name))
            if old is not None:
                nuke.delete(old)
        switch = inner(group, SWITCH)
        if not made or wanted == "input":
            switch["which"].setValue(0)
            return
        base_map = wanted if wanted in made else made[0]
        stream = inner(group, read_name(base_map))
        for name in made:
            stream = _copy_into_layer(group, stream, name)
        switch.setInput(1, stream)
        switch["which"].setValue(1)


def _copy_into_layer(group: GroupAPI, stream: NodeAPI, map_name: str) -> NodeAPI:
    channels = MAP_CHANNELS[map_name]
    nuke.Layer(map_name, [f"{map_name}.{c}" for c in channels])
    copy: NodeAPI = nuke.nodes.Copy()
    copy.setName(layer_node_name(map_name))
    copy.setInput(0, stream)  # B: the stream
    copy.setInput(1, inner(group, read_name(map_name)))  # A: the map
    for i, channel in enumerate(channels):
        copy[f"from{i}"].setValue(f"rgba.{channel}")
        copy[f"to{i}"].setValue(f"{map_name}.{channel}")
    return copy
