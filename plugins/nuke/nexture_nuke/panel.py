"""The Panel... button and the dockable Nexture pane: the shared Qt panel bound to a node.

``menu.py`` registers the pane with Nuke (Pane menu > Nexture; it docks like any
Nuke panel). Panel... docks it beside the Properties bin and binds it to the
node: the panel is filled from the knobs and shows the node's input; its Run
writes the panel's settings onto the knobs and starts the node's own
Synthesize, so the result lands in the node's output (and the script).
The panel uses Nuke's own Qt binding (PySide2 before Nuke 16, PySide6 after).
"""

from __future__ import annotations

from typing import Any, List, Optional

import nuke

from nexture_core.errors import NextureError
from nexture_core.hosts.panel import use_host_binding

from .host_api import GroupAPI

PANE_ID = "uk.co.nexture.panel"
PANE_TITLE = "Nexture"
# Evaluated by nukescripts.panels in Nuke's namespace: import the class wherever it runs.
PANE_WIDGET = "__import__('nexture_nuke.pane', fromlist=['NexturePane']).NexturePane"
PROPERTIES_PANE = "Properties.1"
BOUND: List[Optional[GroupAPI]] = [None]  # the node the next pane binds to


def host_binding() -> str:
    """Nuke's own Qt binding."""
    return "PySide6" if int(nuke.NUKE_VERSION_MAJOR) >= 16 else "PySide2"


def register_pane() -> None:
    """Make the Nexture pane dockable (called from menu.py, GUI sessions only)."""
    from nukescripts import panels

    use_host_binding(host_binding())
    panels.registerWidgetAsPanel(PANE_WIDGET, PANE_TITLE, PANE_ID)


def open_panel(group: GroupAPI) -> Any:
    """Dock the pane (or reuse the open one) bound to ``group``; one message when Qt is missing."""
    from . import pane

    BOUND[0] = group
    try:
        use_host_binding(host_binding())
        while pane.OPEN:
            try:
                pane.OPEN[-1].bind(group)
                return pane.OPEN[-1]
            except RuntimeError:  # the artist closed that pane: Qt deleted its widget
                pane.OPEN.pop()
        from nukescripts import panels

        panels.registerWidgetAsPanel(PANE_WIDGET, PANE_TITLE, PANE_ID, True).addToPane(nuke.getPaneFor(PROPERTIES_PANE))
    except (NextureError, ImportError) as exc:
        nuke.message(str(exc))
        return None
    return pane.OPEN[-1] if pane.OPEN else None
