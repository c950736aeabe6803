"""Shading-network wiring for results: file nodes, displacement, tangent-space normals.

Results are data, not colour: every new ``file`` node is ``Raw`` and ignores the
colour-space file rules (what Arnold and RenderMan need for displacement and
normals); single-channel maps get ``alphaIsLuminance`` so ``outAlpha`` carries
them; a UDIM set gets ``uvTilingMode`` 3 (UDIM). Connections follow what
Hypershade makes (``place2dTexture`` -> ``file``). An existing displacement
on the shading group is never replaced silently: the artist chooses Replace or
Keep (the new displacementShader is then made beside it, unconnected); batch
sessions keep it and warn.
"""

from __future__ import annotations

from typing import Callable, Dict, List, Mapping, Optional, Tuple

from maya import cmds

# place2dTexture -> file: the connections Hypershade makes for a new texture.
PLACE2D_ATTRS = (
    "coverage",
    "translateFrame",
    "rotateFrame",
    "mirrorU",
    "mirrorV",
    "stagger",
    "wrapU",
    "wrapV",
    "repeatUV",
    "offset",
    "rotateUV",
    "noiseUV",
    "vertexUvOne",
    "vertexUvTwo",
    "vertexUvThree",
    "vertexCameraOne",
)
PLACE2D_EXTRA = (("outUV", "uvCoord"), ("outUvFilterSize", "uvFilterSize"))
SINGLE_CHANNEL = ("displacement", "cavity", "specular")
UDIM_TILING_MODE = 3  # file.uvTilingMode: 0 off, 1 ZBrush, 2 Mudbox, 3 UDIM (Mari)
REPLACE, KEEP = "Replace", "Keep existing"
# ask(question, buttons, default) -> the button pressed; None in batch sessions.
Ask = Optional[Callable[[str, List[str], str], str]]


def create_file_node(path: str, name: str, *, udim: bool = False, alpha_is_luminance: bool = False) -> str:
    """A Raw ``file`` texture reading ``path`` (a UDIM set: its first tile), with its own ``place2dTexture``."""
    file_node = cmds.shadingNode("file", asTexture=True, isColorManaged=True, name=name)
    place = cmds.shadingNode("place2dTexture", asUtility=True, name=f"{name}_place2d")
    for attr in PLACE2D_ATTRS:
        cmds.connectAttr(f"{place}.{attr}", f"{file_node}.{attr}", force=True)
    for src, dst in PLACE2D_EXTRA:
        cmds.connectAttr(f"{place}.{src}", f"{file_node}.{dst}", force=True)
    if udim:
        cmds.setAttr(f"{file_node}.uvTilingMode", UDIM_TILING_MODE)
    cmds.setAttr(f"{file_node}.fileTextureName", path, type="string")
    cmds.setAttr(f"{file_node}.colorSpace", "Raw", type="string")
    cmds.setAttr(f"{file_node}.ignoreColorSpaceFileRules", 1)
    if alpha_is_luminance:
        cmds.setAttr(f"{file_node}.alphaIsLuminance", 1)
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
                    shaders = cmds.listConnections(f"{dst}.surfaceShader", source=True, destination=False) or []
                    return (shaders[0] if shaders else None), dst
                nxt.append(dst)
        frontier = nxt
    return None, None


def connect_displacement(disp_file: str, shading_group: str, ask: Ask) -> Tuple[str, bool]:
    """file.outAlpha -> a new displacementShader -> the shading group, unless the artist keeps the one there.

    Returns (displacementShader, whether it was connected).
    """
    shader = cmds.shadingNode("displacementShader", asShader=True, name=f"{disp_file}_displacement")
    cmds.connectAttr(f"{disp_file}.outAlpha", f"{shader}.displacement", force=True)
    existing = cmds.listConnections(f"{shading_group}.displacementShader", source=True, destination=False)
    if existing:
        question = (
            f"{shading_group} already has the displacement {existing[0]}. Replace it with the Nexture result, "
            f"or keep it (the new {shader} is made beside it, unconnected)?"
        )
        choice = ask(question, [REPLACE, KEEP], KEEP) if ask is not None else KEEP
        if choice != REPLACE:
            cmds.warning(f"Nexture: kept {existing[0]} on {shading_group}; the result is in {shader}, not connected.")
            return shader, False
    cmds.connectAttr(f"{shader}.displacement", f"{shading_group}.displacementShader", force=True)
    return shader, True


def connect_normal(normal_file: str, material: str) -> str:
    """file.outAlpha -> bump2d (bumpInterp 1: tangent-space normals) -> material.normalCamera."""
    bump = cmds.shadingNode("bump2d", asUtility=True, name=f"{normal_file}_bump2d")
    cmds.setAttr(f"{bump}.bumpInterp", 1)
    cmds.connectAttr(f"{normal_file}.outAlpha", f"{bump}.bumpValue", force=True)
    cmds.connectAttr(f"{bump}.outNormal", f"{material}.normalCamera", force=True)
    return bump


def build_result_network(
    source: Optional[str],
    outputs: Mapping[str, str],
    *,
    displacement: bool = False,
    normal: bool = False,
    udim: bool = False,
    ask: Ask = None,
) -> Dict[str, str]:
    """One file node per output map (``nexture_<map>``); optionally wire displacement and normals.

    ``source`` is the artist's input ``file`` node, used to find its material and
    shading group; ``ask`` puts a question to the artist (None: batch, keep what is there).
    Returns ``{map name: file node}``.
    """
    nodes = {
        name: create_file_node(str(path), f"nexture_{name}", udim=udim, alpha_is_luminance=name in SINGLE_CHANNEL)
        for name, path in outputs.items()
    }
    if source and (displacement or normal):
        material, group = downstream_material(source)
        if displacement and group and "displacement" in nodes:
            connect_displacement(nodes["displacement"], group, ask)
        if normal and material and "normal" in nodes:
            connect_normal(nodes["normal"], material)
        if (displacement and not group) or (normal and not material):
            cmds.warning(f"Nexture: {source} feeds no material; results were created but not connected.")
    return nodes
