"""mypy-only: ``hou`` / ``hdefereval`` and the hou classes the plugin calls (the public stubs, or the
test fakes, per MYPYPATH) satisfy the Protocols the plugin is typed against."""

import hdefereval
import hou
from nexture_houdini.host_api import (
    Cop2NodeAPI,
    CopNodeAPI,
    GeometryAPI,
    HDeferEvalAPI,
    HouAPI,
    ImageLayerAPI,
    NodeAPI,
    ParmAPI,
    PointAPI,
    PrimAPI,
    VertexAPI,
)


def classes(
    node: hou.OpNode,
    parm: hou.Parm,
    cop: hou.CopNode,
    cop2: hou.Cop2Node,
    layer: hou.ImageLayer,
    geo: hou.Geometry,
    prim: hou.Prim,
    vertex: hou.Vertex,
    point: hou.Point,
) -> None:
    a: NodeAPI = node
    b: ParmAPI = parm
    c: CopNodeAPI = cop
    d: Cop2NodeAPI = cop2
    e: ImageLayerAPI = layer
    f: GeometryAPI = geo
    g: PrimAPI = prim
    h: VertexAPI = vertex
    i: PointAPI = point


api: HouAPI = hou
deferred: HDeferEvalAPI = hdefereval
