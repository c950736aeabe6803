"""The dockable pane's widget (imports Qt: only loaded when the pane is shown).

Nuke creates it from its class (``panel.PANE_WIDGET``) with no arguments; it
holds the shared panel and binds to the node whose Panel... button was pressed.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from nexture_core.errors import NextureError
from nexture_core.hosts.panel import open_panel as shared_panel
from nexture_core.job import Job
from nexture_core.ui.qt import QtWidgets

from . import node as nexture_node
from . import panel as nexture_panel
from .host_api import GroupAPI

OPEN: List[NexturePane] = []  # live panes (Python references keep Qt from deleting them)


class NexturePane(QtWidgets.QWidget):  # type: ignore[misc,name-defined]
    """The shared panel in a Nuke pane, driving one Nexture node."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.group: Optional[GroupAPI] = None
        self.panel = shared_panel({}, window=False, on_run=self.run_node)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.panel)
        OPEN.append(self)
        if nexture_panel.BOUND[0] is not None:
            self.bind(nexture_panel.BOUND[0])

    def bind(self, group: GroupAPI) -> None:
        """Show ``group``'s settings and its input (rendered at the current frame)."""
        from . import run as nexture_run

        self.group = group
        self.panel.set_values(nexture_node.control_values(group))
        try:
            source = nexture_run.render_input(group, nexture_run.script_cache().root / "_inputs")
        except NextureError as exc:
            self.panel.show_error(str(exc))
            return
        self.panel.set_input(str(source))

    def run_node(self, values: Dict[str, Any]) -> Optional[Job]:
        """The panel's Run: its settings onto the knobs, then the node's own Synthesize."""
        from . import run as nexture_run

        if self.group is None:
            raise NextureError("This Nexture pane is not bound to a node; press Panel... on a Nexture node.")
        nexture_node.set_control_values(self.group, values)
        return nexture_run.synthesize(self.group)
