"""The Nexture shelf and its one button (idempotent: startup runs it every session)."""

from __future__ import annotations

from typing import List

from maya import cmds

SHELF = "Nexture"
LABEL = "Nexture"
COMMAND = "import nexture_maya.tool; nexture_maya.tool.run_tool()"
TOP_LEVEL = "ShelfLayout"  # Maya's shelf tab layout ($gShelfTopLevel)


def install_shelf_button() -> str:
    """Create the Nexture shelf (if missing) with one button; returns the shelf's name."""
    if not cmds.shelfLayout(SHELF, exists=True):
        cmds.shelfLayout(SHELF, parent=TOP_LEVEL)
    found = cmds.shelfLayout(SHELF, query=True, childArray=True)  # a list of names; None when the shelf is empty
    children: List[str] = [str(c) for c in found] if isinstance(found, list) else []
    for child in children:
        if cmds.shelfButton(child, query=True, label=True) == LABEL:
            return SHELF
    cmds.shelfButton(
        parent=SHELF,
        label=LABEL,
        annotation="Skin micro-detail on the selected file texture",
        image="render_displacementShader.png",
        command=COMMAND,
        sourceType="python",
    )
    return SHELF
