"""The Nexture Group node: knobs, internal Read nodes and an output Switch.

Inside the group: ``Input1`` -> ``nexture_switch`` input 0 (pass-through), one
``Read`` per map (``nexture_<map>``, raw colour, so data stays linear) on the
following switch inputs, and ``Output1``. Pointing the Reads at cached EXRs and
setting the switch is all a finished run does, so a reopened script shows its
results without recomputing.
"""

from __future__ import annotations

from typing import Any, Dict

import nuke

from nexture_core.hosts.requests import BACKBONES, CONTROL_DEFAULTS, HOST_MAPS, PRESETS, UPSCALES, pattern_choices

NODE_CLASS_TAG = "nexture_micro_detail"
SWITCH = "nexture_switch"
SHOW_CHOICES = ("input",) + HOST_MAPS
RUN_SCRIPT = "import nexture_nuke.run; nexture_nuke.run.synthesize(nuke.thisNode())"
PANEL_SCRIPT = "import nexture_nuke.panel; nexture_nuke.panel.open_panel(nuke.thisNode())"
SHOW_SCRIPT = "import nexture_nuke.node; nexture_nuke.node.on_knob_changed(nuke.thisNode(), nuke.thisKnob())"


def read_name(map_name: str) -> str:
    return f"nexture_{map_name}"


def create_node() -> Any:
    """Create a Nexture group at the DAG cursor with its knobs and internal graph."""
    group = nuke.createNode("Group", inpanel=False)
    group.setName("NextureMicroDetail")
    _add_knobs(group)
    group.begin()
    try:
        source = nuke.createNode("Input", inpanel=False)
        switch = nuke.createNode("Switch", inpanel=False)
        switch.setName(SWITCH)
        switch.setInput(0, source)
        for i, name in enumerate(HOST_MAPS, start=1):
            read = nuke.createNode("Read", inpanel=False)
            read.setName(read_name(name))
            read["raw"].setValue(True)
            switch.setInput(i, read)
        output = nuke.createNode("Output", inpanel=False)
        output.setInput(0, switch)
    finally:
        group.end()
    return group


def _add_knobs(group: Any) -> None:
    ids, _labels = pattern_choices()
    d = CONTROL_DEFAULTS
    knobs = [
        nuke.Tab_Knob("nexture", "Nexture"),
        nuke.Text_Knob(NODE_CLASS_TAG, "", "Skin micro-detail on a displacement map"),
        nuke.Enumeration_Knob("pattern", "pattern", ids),
        nuke.PyScript_Knob("open_panel", "Panel...", PANEL_SCRIPT),
        nuke.Double_Knob("scale", "scale"),
        nuke.Double_Knob("texel_mm", "texel size (mm, 0 = use scale)"),
        nuke.Double_Knob("strength", "strength"),
        nuke.Enumeration_Knob("upscale", "upscale", [str(u) for u in UPSCALES]),
        nuke.Enumeration_Knob("preset", "preset", list(PRESETS)),
        nuke.Int_Knob("seed", "seed"),
    ]
    knobs += [nuke.Boolean_Knob(f"map_{m}", m) for m in HOST_MAPS]
    knobs += [
        nuke.Enumeration_Knob("show", "show", list(SHOW_CHOICES)),
        nuke.Tab_Knob("advanced", "Advanced"),
        nuke.Int_Knob("iterations", "iterations per level (0 = preset)"),
        nuke.Enumeration_Knob("backbone", "features", list(BACKBONES)),
        nuke.String_Knob("device", "device"),
        nuke.PyScript_Knob("synthesize", "Synthesize", RUN_SCRIPT),
        nuke.Text_Knob("status", "status", "not run yet"),
    ]
    for knob in knobs:
        group.addKnob(knob)
    group["pattern"].setValue(d["pattern"] if d["pattern"] in ids else ids[0])
    group["scale"].setValue(float(d["scale"]))
    group["strength"].setValue(float(d["strength"]))
    group["preset"].setValue(str(d["preset"]))
    group["device"].setValue(str(d["device"]))
    group["map_displacement"].setValue(True)
    group["show"].setValue("displacement")
    group["knobChanged"].setValue(SHOW_SCRIPT)


def control_values(group: Any) -> Dict[str, Any]:
    """The knobs as the ``{name: value}`` dict :func:`settings_from_values` reads."""
    values = {name: group[name].value() for name in ("pattern", "scale", "texel_mm", "strength", "upscale", "preset", "seed", "iterations", "backbone", "device")}
    values["maps"] = [m for m in HOST_MAPS if group[f"map_{m}"].value() or m == "displacement"]
    return values


def on_knob_changed(group: Any, knob: Any) -> None:
    """Switching ``show`` picks the output without recomputing anything."""
    if knob is not None and knob.name() == "show":
        show_output(group)


def show_output(group: Any) -> None:
    """Set the switch to the ``show`` map when its Read has a file, else to the input."""
    wanted = group["show"].value()
    index = 0
    if wanted in HOST_MAPS:
        read = group.node(read_name(wanted))
        if read is not None and read["file"].value():
            index = SHOW_CHOICES.index(wanted)
    group.node(SWITCH)["which"].setValue(index)
