"""Menu entries (Nodes > Nexture > Micro Detail, the Nodes toolbar) and the dockable pane."""

from __future__ import annotations

import nuke

from nexture_core.errors import NextureError

COMMAND = "import nexture_nuke.node; nexture_nuke.node.create_node()"


def register() -> None:
    """Add the node to the Nodes menu and the left toolbar, and the pane to Nuke (called from menu.py)."""
    from . import panel

    tip = "Synthesize skin micro-detail on a displacement map"
    for bar in ("Nodes", "Nuke"):  # the Nodes toolbar (also the Tab menu) and the menu bar
        nuke.menu(bar).addCommand("Nexture/Micro Detail", COMMAND, tooltip=tip)
    try:
        panel.register_pane()
    except (NextureError, ImportError) as exc:  # the node works without the pane; say why, never stop Nuke's start-up
        print(f"Nexture: the dockable panel is not available ({exc.__class__.__name__}: {exc}).")
