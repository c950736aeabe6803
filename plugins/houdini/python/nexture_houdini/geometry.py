"""The texel size of a map from the mesh it textures (wired into the asset's second input).

One texel of a ``width`` x ``height`` map covers, on average, the faces' world
area over their UV area (:func:`nexture_core.units.texel_mm_from_areas`).
Houdini lengths are in the hip's unit (1 unit = 1 m unless the hip's Unit
Length says otherwise: ``hou.scaleToMKS``); areas are converted to mm².
"""

from __future__ import annotations

from typing import Sequence, Tuple

import hou

from nexture_core.errors import InputError

from .host_api import GeometryAPI


def polygon_area(points: Sequence[Sequence[float]]) -> float:
    """Area of a planar polygon given as (u, v) points (shoelace; either winding)."""
    total = 0.0
    for (u0, v0, *_), (u1, v1, *_) in zip(points, list(points[1:]) + list(points[:1])):
        total += u0 * v1 - u1 * v0
    return abs(total) / 2.0


def mesh_areas(geo: GeometryAPI, where: str = "the second input") -> Tuple[float, float]:
    """(world area in hip units², UV area) of every polygon of ``geo``."""
    attrib = geo.findVertexAttrib("uv")
    on_points = attrib is None
    if on_points and geo.findPointAttrib("uv") is None:
        raise InputError(f"{where}: the geometry has no uv attribute; lay out UVs (UV Flatten) first.")
    world = uv = 0.0
    for prim in geo.prims():
        world += float(prim.intrinsicValue("measuredarea"))
        uvs = [
            vertex.point().attribValue("uv") if on_points else vertex.attribValue("uv") for vertex in prim.vertices()
        ]
        uv += polygon_area(uvs)
    return world, uv


def texel_mm_from_geometry(geo: GeometryAPI, width: int, height: int, where: str = "the second input") -> float:
    """mm per texel of a ``width`` x ``height`` map laid out on ``geo``'s UVs."""
    from nexture_core.units import texel_mm_from_areas

    world, uv = mesh_areas(geo, where)
    mm_per_unit = hou.scaleToMKS("m1") * 1000.0
    try:
        return float(texel_mm_from_areas(world * mm_per_unit**2, uv, width, height))
    except ValueError as exc:
        raise InputError(f"{where}: {exc}") from None
