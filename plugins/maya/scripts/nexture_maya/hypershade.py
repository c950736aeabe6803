"""Hypershade entries: Nexture in the Create menu, and on every ``file`` node's marking menu.

The Create menu entry runs the tool on the selected file node; the node menu
(Hypershade's and the Node Editor's right-click on a ``file`` node) selects that
node first. Registered once per session from ``userSetup.py`` (idempotent).
"""

from __future__ import annotations

from typing import Any

from maya import cmds

OWNER = "nexture"
LABEL = "Nexture Micro Detail..."
CREATE_HOOK = "hyperShadePanelBuildCreateMenu"


def register() -> None:
    """Add both entries (clearing this plugin's earlier registration first)."""
    cmds.callbacks(clearCallbacks=True, owner=OWNER, hook=CREATE_HOOK)
    cmds.callbacks(addCallback=build_create_menu, hook=CREATE_HOOK, owner=OWNER)
    from maya.app.general import nodeEditorMenus

    callbacks = nodeEditorMenus.customInclusiveNodeItemMenuCallbacks
    if not any(
        getattr(c, "__name__", "") == file_node_menu.__name__ and getattr(c, "__module__", "") == __name__
        for c in callbacks
    ):
        callbacks.append(file_node_menu)


def build_create_menu(*_args: Any) -> None:
    """Hypershade's Create menu, after Maya's own entries (Maya asks for a divider at the end)."""
    cmds.menuItem(label=LABEL, command=run_on_selection)
    cmds.menuItem(divider=True)


def file_node_menu(node_editor: str, node: str) -> bool:
    """The node marking menu: an entry on ``file`` nodes only; True when one was added."""
    if cmds.nodeType(node) != "file":
        return False
    cmds.menuItem(label=LABEL, command=lambda *_: run_on(node))
    return True


def run_on(node: str) -> Any:
    cmds.select(node, replace=True)
    return run_on_selection()


def run_on_selection(*_args: Any) -> Any:
    from . import tool

    return tool.run_tool()
