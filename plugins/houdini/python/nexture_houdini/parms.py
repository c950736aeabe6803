"""The parameters both node types show, as data (``build_hda.py`` turns them into templates).

Kept as plain tuples so tests can check that every name the cook reads exists,
without Houdini.
"""

from __future__ import annotations

from typing import Any, Dict

from nexture_core.errors import NextureError
from nexture_core.hosts.requests import BACKBONES, CONTROL_DEFAULTS, HOST_MAPS, PRESETS, UPSCALES, pattern_choices

from .host_api import NodeAPI, ParmAPI


# (name, label, kind, default, menu items or None)
def parm_spec(with_upscale: bool, with_maps: bool) -> list:
    ids, labels = pattern_choices()
    d = CONTROL_DEFAULTS
    spec = [
        ("pattern", "Pattern", "menu", d["pattern"], (ids, labels)),
        ("scale", "Scale", "float", d["scale"], None),
        (
            "texel_mm",
            "Texel Size (mm per input texel, 0 = from the mesh in input 2, else not set)",
            "float",
            d["texel_mm"],
            None,
        ),
        ("map_width_mm", "Or Map Width (mm, 0 = not set)", "float", d["map_width_mm"], None),
        ("height_mm", "Height Unit (mm per map unit, 0 = 10)", "float", d["height_mm"], None),
        ("strength", "Strength", "float", d["strength"], None),
        ("preset", "Preset", "menu", d["preset"], (list(PRESETS), [p.title() for p in PRESETS])),
        ("seed", "Seed", "int", d["seed"], None),
        ("iterations", "Iterations per Level (0 = preset)", "int", d["iterations"], None),
        ("backbone", "Features", "menu", d["backbone"], (list(BACKBONES), ["VGG-19", "Random (fast look)"])),
        ("device", "Device", "string", d["device"], None),
    ]
    if with_upscale:
        spec.insert(
            4,
            (
                "upscale",
                "Upscale",
                "menu",
                str(d["upscale"]),
                ([str(u) for u in UPSCALES], [f"x{u}" for u in UPSCALES]),
            ),
        )
    if with_maps:
        spec.append(("maps", "Output Maps", "string", "displacement normal", None))
    spec.append(("output", "Show", "menu", "displacement", (list(HOST_MAPS), [m.title() for m in HOST_MAPS])))
    return spec


def parm(node: NodeAPI, name: str) -> ParmAPI:
    """``node``'s parameter ``name``; a clear error when an older asset lacks it."""
    found = node.parm(name)
    if found is None:
        raise NextureError(
            f"{node.path()} has no '{name}' parameter; rebuild the Nexture assets (nexture install houdini --build-hda)."
        )
    return found


def read_values(node: NodeAPI, spec: list) -> Dict[str, Any]:
    """``{name: value}`` of ``node``'s parameters (menus as their tokens)."""
    values: Dict[str, Any] = {}
    for name, _label, kind, _default, _menu in spec:
        p = parm(node, name)
        values[name] = p.evalAsString() if kind in ("menu", "string") else p.eval()
    return values
