"""The shelf tool: the shared panel docked in Maya, pre-filled from the selected ``file`` node.

The panel is built first, in Maya's own Qt binding (PySide2 in Maya 2024,
PySide6 from 2025), and only then docked: a ``workspaceControl`` whose widget
(``MQtUtil.findControl``, wrapped by the binding's shiboken) holds it, so the
panel lives in Maya's main window and no empty dock is ever left behind. The
panel's Run starts the same cached run as the shelf fallback (:mod:`.runs`),
whose result becomes file nodes in the scene. Without the panel (no Qt), the
artist is offered a run with default settings.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from maya import cmds

from nexture_core.errors import NextureError
from nexture_core.hosts.panel import open_panel
from nexture_core.hosts.requests import CONTROL_DEFAULTS
from nexture_core.job import Job

from . import runs

WORKSPACE = "NextureWorkspaceControl"
OPEN: list = []  # Python references keep Qt from deleting the panels


def selected_file_node() -> Optional[str]:
    """The first selected ``file`` texture node, if any."""
    found = cmds.ls(selection=True, type="file") or []
    return found[0] if found else None


def prefill(file_node: Optional[str]) -> Dict[str, Any]:
    """Control values for the panel: defaults plus the texture's path and colour space."""
    values: Dict[str, Any] = dict(CONTROL_DEFAULTS)
    if file_node:
        values["input"] = cmds.getAttr(f"{file_node}.fileTextureName")
        values["colorspace"] = cmds.getAttr(f"{file_node}.colorSpace")
        values["file_node"] = file_node
    return values


def host_binding() -> str:
    """Maya's own Qt binding, from the Qt it runs."""
    return "PySide6" if str(cmds.about(qtVersion=True)).startswith("6") else "PySide2"


def run_tool() -> Any:
    """The shelf button: the docked panel pre-filled; without the panel, offer a default run."""
    file_node = selected_file_node()
    values = prefill(file_node)
    try:
        panel = open_panel(
            values,
            input_path=values.get("input"),
            binding=host_binding(),
            window=False,
            on_run=lambda chosen: run_from_panel(file_node, chosen),
        )
        dock(panel)
    except NextureError as exc:
        if cmds.workspaceControl(WORKSPACE, exists=True):
            cmds.deleteUI(WORKSPACE)  # never leave an empty dock behind
        return offer_default_run(file_node, values, str(exc))
    OPEN.append(panel)
    return panel


def dock(panel: Any) -> Any:
    """Put ``panel`` in a floating, dockable workspace control (replacing an earlier one)."""
    from maya import OpenMayaUI

    from nexture_core.ui.qt import wrap_instance

    if cmds.workspaceControl(WORKSPACE, exists=True):
        cmds.deleteUI(WORKSPACE)
    cmds.workspaceControl(WORKSPACE, label="Nexture", floating=True, retain=False)
    # MQtUtil is documented Maya API; types-maya's OpenMayaUI stub omits it (host_api.MQtUtilAPI).
    control = wrap_instance(int(OpenMayaUI.MQtUtil.findControl(WORKSPACE)))  # type: ignore[attr-defined]
    control.layout().addWidget(panel)
    return control


def run_from_panel(file_node: Optional[str], values: Mapping[str, Any]) -> Job:
    """The panel's Run: the file node's texture (or the panel's map) through :func:`runs.start`;
    the result becomes file nodes, wired to the displacement and normals."""
    run = runs.start(
        file_node,
        values,
        connect_displacement=file_node is not None,
        connect_normal="normal" in (values.get("maps") or ()),
    )
    return run.job


def offer_default_run(file_node: Optional[str], values: Mapping[str, Any], why: str) -> Optional[runs.HostRun]:
    if file_node is None:
        cmds.confirmDialog(
            title="Nexture", message=f"{why} Select a file texture node to run with default settings.", button=["OK"]
        )
        return None
    answer = cmds.confirmDialog(
        title="Nexture",
        message=f"{why} Run with default settings on {file_node}?",
        button=["Run", "Cancel"],
        defaultButton="Run",
        cancelButton="Cancel",
        dismissString="Cancel",
    )
    return runs.start(file_node, values) if answer == "Run" else None
