"""Fake ``nukescripts.panels``: register a widget class as a dockable pane, as Nuke does.

As in Nuke, ``widget`` is a *string* that Nuke evaluates in its own namespace
when the pane is shown (``WidgetKnob(<widget>)`` then ``widget()`` with no
arguments), so the expression must import whatever it names.
"""

from __future__ import annotations

from typing import Any, Dict, List

from fakes import host_call

REGISTERED: Dict[str, Dict[str, Any]] = {}  # id -> {"widget": str, "name": str}
SHOWN: List[Any] = []  # widget instances Nuke created


class PythonPanel:
    def __init__(self, widget: str, name: str, id: str) -> None:
        self.widget_expr = widget
        self.name = name
        self.id = id
        self.widget: Any = None

    @host_call("nukescripts.PythonPanel.addToPane")
    def addToPane(self, pane: Any = None) -> None:
        widget_class = eval(self.widget_expr, {"__name__": "__main__"})  # Nuke's __main__, nothing imported
        self.widget = widget_class()
        SHOWN.append(self.widget)
        if pane is not None:
            pane.panels.append(self)


@host_call("nukescripts.panels.registerWidgetAsPanel")
def registerWidgetAsPanel(widget: str, name: str, id: str, create: bool = False) -> Any:
    assert isinstance(widget, str), "registerWidgetAsPanel takes the widget class as a string"
    REGISTERED[id] = {"widget": widget, "name": name}
    return PythonPanel(widget, name, id) if create else None


def reset() -> None:
    REGISTERED.clear()
    SHOWN.clear()
