"""Menu entries: Nodes > Nexture > Micro Detail and the Nodes toolbar."""

from __future__ import annotations

import nuke

COMMAND = "import nexture_nuke.node; nexture_nuke.node.create_node()"


def register() -> None:
    """Add the node to the Nodes menu and the left toolbar (called from menu.py)."""
    tip = "Synthesize skin micro-detail on a displacement map"
    for bar in ("Nodes", "Nuke"):  # the Nodes toolbar (also the Tab menu) and the menu bar
        nuke.menu(bar).addCommand("Nexture/Micro Detail", COMMAND, tooltip=tip)
