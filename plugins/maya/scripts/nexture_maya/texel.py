"""The texel size of a texture from the mesh it is on: world area over UV area of the faces.

The faces are those of the shading group the texture feeds, on the selected mesh
when one is selected. ``polyEvaluate`` answers in the scene's linear unit
(``currentUnit``, cm by default); areas are converted to mm² before
:func:`nexture_core.units.texel_mm_from_areas`.
"""

from __future__ import annotations

from typing import List, Optional, Sequence

from maya import cmds

from nexture_core.errors import InputError

MM_PER_UNIT = {
    "mm": 1.0,
    "millimeter": 1.0,
    "cm": 10.0,
    "centimeter": 10.0,
    "m": 1000.0,
    "meter": 1000.0,
    "in": 25.4,
    "inch": 25.4,
    "ft": 304.8,
    "foot": 304.8,
    "yd": 914.4,
    "yard": 914.4,
}


def _total(value: object) -> float:
    """polyEvaluate gives one number, or one per face for components."""
    if isinstance(value, (list, tuple)):
        return float(sum(float(v) for v in value))
    return float(value)  # type: ignore[arg-type]


def shading_members(shading_group: str, selected: Sequence[str] = ()) -> List[str]:
    """The meshes / faces in ``shading_group``, only those of ``selected`` meshes when any is selected."""
    # Documented (sets -query lists a set's members); types-maya has no plain-query overload.
    members = [str(m) for m in cmds.sets(shading_group, query=True) or []]  # type: ignore[call-overload]
    if not selected:
        return members
    owners = set(selected)
    for item in selected:
        owners.update(cmds.listRelatives(item, shapes=True) or [])
        owners.update(cmds.listRelatives(item, parent=True) or [])
    kept = [m for m in members if m.split(".", 1)[0] in owners]
    return kept or members


def mesh_areas_mm2(members: Sequence[str]) -> tuple:
    """(world area in mm², UV area) of ``members`` (whole meshes or face components)."""
    unit = str(cmds.currentUnit(query=True, linear=True))
    scale = MM_PER_UNIT.get(unit)
    if scale is None:
        raise InputError(f"The scene's linear unit {unit!r} is not one Nexture knows; set it to cm or mm.")
    world = uv = 0.0
    for member in members:
        if "." in member:  # face components
            world += _total(cmds.polyEvaluate(member, worldFaceArea=True))
            uv += _total(cmds.polyEvaluate(member, uvFaceArea=True))
        else:
            world += _total(cmds.polyEvaluate(member, worldArea=True))
            uv += _total(cmds.polyEvaluate(member, uvArea=True))
    return world * scale * scale, uv


def texel_mm(shading_group: Optional[str], width: int, height: int, selected: Sequence[str] = ()) -> Optional[float]:
    """mm per texel of a ``width`` x ``height`` texture on ``shading_group``'s faces; None without faces."""
    if not shading_group:
        return None
    members = shading_members(shading_group, selected)
    if not members:
        return None
    from nexture_core.units import texel_mm_from_areas

    world, uv = mesh_areas_mm2(members)
    try:
        return float(texel_mm_from_areas(world, uv, width, height))
    except ValueError as exc:
        raise InputError(f"{shading_group}: {exc}") from None
