"""Shading-network wiring for results: file nodes, displacement, tangent-space normals.

Results are data, not colour: every new ``file`` node is ``Raw`` and ignores the
colour-space file rules. Connections follow what Hypershade makes, so artists
see a familiar graph (``place2dTexture`` -> ``file`` with the standard set).
"""

from __future__ import annotations

from typing import Dict, List, Mapping, Optional, Tuple

from maya import cmds

# place2dTexture -> file: the connections Hypershade makes for a new texture.
PLACE2D_ATTRS = (
    "coverage", "translateFrame", "rotateFrame", "mirrorU", "mirrorV", "stagger", "wrapU", "wrapV",
    "repeatUV", "offset", "rotateUV", "noiseUV", "vertexUvOne", "vertexUvTwo", "vertexUvThree", "vertexCameraOne",
)
PLACE2D_EXTRA = (("outUV", "uvCoord"), ("outUvFilterSize", "uvFilterSize"))


def create_file_node(path: str, name: str) -> str:
    """A Raw ``file`` texture reading ``path``, with its own ``place2dTexture``."""
    file_node = cmds.shadingNode("file", asTexture=True, isColorManaged=True, name=name)
    place = cmds.shadingNode("place2dTexture", asUtility=True, name=f"{name}_place2d")
    for attr in PLACE2D_ATTRS:
        cmds.connectAttr(f"{place}.{attr}", f"{file_node}.{attr}", force=True)
    for src, dst in PLACE2D_EXTRA:
        cmds.connectAttr(f"{place}.{src}", f"{file_node}.{dst}", force=True)
    cmds.setAttr(f"{file_node}.fileTextureName", path, type="string")
    cmds.setAttr(f"{file_node}.colorSpace", "Raw", type="string")
    cmds.setAttr(f"{file_node}.ignoreColorSpaceFileRules", 1)
    return file_node


def downstream_material(file_node: str) -> Tuple[Optional[str], Optional[str]]:
    """(material, shading group) the texture feeds, searching a few nodes downstream."""
    seen, frontier = {file_node}, [file_node]
    for _ in range(6):
        nxt: List[str] = []
        for node in frontier:
            for dst in cmds.listConnections(node, source=False, destination=True) or []:
                if dst in seen:
                    continue
                seen.add(dst)
                if cmds.nodeType(dst) == "shadingEngine":
                    material = (cmds.listConnections(f"{dst}.surfaceShader", source=True, destination=False) or [None])[0]
                    return material, dst
                nxt.append(dst)
        frontier = nxt
    return None, None


def connect_displacement(disp_file: str, shading_group: str) -> str:
    """file.outAlpha -> displacementShader.displacement -> shadingEngine.displacementShader."""
    cmds.setAttr(f"{disp_file}.alphaIsLuminance", 1)
    shader = cmds.shadingNode("displacementShader", asShader=True, name=f"{disp_file}_displacement")
    cmds.connectAttr(f"{disp_file}.outAlpha", f"{shader}.displacement", force=True)
    cmds.connectAttr(f"{shader}.displacement", f"{shading_group}.displacementShader", force=True)
    return shader


def connect_normal(normal_file: str, material: str) -> str:
    """file.outAlpha -> bump2d (bumpInterp 1: tangent-space normals) -> material.normalCamera."""
    bump = cmds.shadingNode("bump2d", asUtility=True, name=f"{normal_file}_bump2d")
    cmds.setAttr(f"{bump}.bumpInterp", 1)
    cmds.connectAttr(f"{normal_file}.outAlpha", f"{bump}.bumpValue", force=True)
    cmds.connectAttr(f"{bump}.outNormal", f"{material}.normalCamera", force=True)
    return bump


def build_result_network(source: Optional[str], outputs: Mapping[str, str], *, displacement: bool = False, normal: bool = False) -> Dict[str, str]:
    """One file node per output map (``nexture_<map>``); optionally wire displacement and normals.

    ``source`` is the artist's input ``file`` node, used to find its material and
    shading group. Returns ``{map name: file node}``.
    """
    nodes = {name: create_file_node(str(path), f"nexture_{name}") for name, path in outputs.items()}
    if source and (displacement or normal):
        material, group = downstream_material(source)
        if displacement and group and "displacement" in nodes:
            connect_displacement(nodes["displacement"], group)
        if normal and material and "normal" in nodes:
            connect_normal(nodes["normal"], material)
        if (displacement and not group) or (normal and not material):
            cmds.warning(f"Nexture: {source} feeds no material; results were created but not connected.")
    return nodes
