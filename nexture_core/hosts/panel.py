"""The shared Qt panel inside a host: pre-filled from the node, its Run feeding the node.

The host names its own Qt binding (``binding``, e.g. PySide2 in Nuke 15) before
anything imports Qt, so the panel never loads a second Qt into the host. In a
host the panel does not run its own synthesis: Run hands the panel's values to
``on_run`` (the host writes them onto its node and starts the node's cached run,
whose result then lands in the host graph) and the panel watches that job.
When Qt or the panel is missing, :class:`NextureError` says so in one sentence.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Dict, Mapping, Optional

from ..errors import NextureError
from ..job import Job

# The variable nexture_core.ui.qt reads; named here because importing that module
# already imports a binding.
BINDING_ENV = "NEXTURE_QT_BINDING"
MISSING = "The Nexture panel is not available in this installation ({why}); use the node's own controls instead."
OnRun = Callable[[Dict[str, Any]], Optional[Job]]


def use_host_binding(binding: Optional[str]) -> None:
    """Make the panel use the host's Qt binding; refuses when another one is already in use."""
    if not binding:
        return
    import sys

    shim = sys.modules.get("nexture_core.ui.qt")
    current = getattr(shim, "BINDING", None)
    if current and current != binding:
        raise NextureError(MISSING.format(why=f"the panel already runs {current}, this host runs {binding}"))
    os.environ[BINDING_ENV] = binding


def values_from_panel(panel: Any) -> Dict[str, Any]:
    """The panel's choices as a host request dict (see :mod:`.requests`)."""
    settings = panel.settings()
    patterns = panel.selected_patterns()
    values: Dict[str, Any] = {
        "scale": settings.scale,
        "strength": settings.strength,
        "upscale": str(settings.upscale),
        "preset": settings.preset,
        "seed": settings.seed,
        "iterations": settings.iterations or 0,
        "backbone": settings.backbone,
        "device": settings.device,
        "maps": list(settings.maps),
    }
    for name in ("texel_mm", "map_width_mm", "height_mm"):
        values[name] = getattr(settings, name, None) or 0.0
    if patterns:
        values["pattern"] = patterns[0]
    loaded = getattr(getattr(panel, "loaded", None), "path", None)
    if loaded:
        values["input"] = str(loaded)  # the map the panel shows (a host may use its own)
    return values


def open_panel(
    values: Mapping[str, Any],
    *,
    input_path: Optional[str] = None,
    parent: Any = None,
    binding: Optional[str] = None,
    on_run: Optional[OnRun] = None,
    window: bool = True,
) -> Any:
    """A NexturePanel with ``values`` filled in; ``on_run`` makes its Run drive the host.

    ``window``: show it as a tool window over ``parent``; False leaves placing it
    (a dockable pane, a workspace control) to the host.
    Raises :class:`NextureError` when the panel (or Qt) cannot be imported.
    """
    use_host_binding(binding)
    try:
        from ..ui import qt
        from ..ui.panel import NexturePanel
    except (ImportError, NextureError) as exc:  # no Qt, or the host's binding is not importable
        raise NextureError(MISSING.format(why=f"{exc.__class__.__name__}: {exc}")) from None
    panel = NexturePanel(parent=parent)
    panel.set_values(dict(values))
    if input_path:
        panel.set_input(input_path)
    if on_run is not None:
        connect_run(panel, on_run)
    if window:
        if parent is not None:
            panel.setWindowFlags(qt.Qt.Tool)  # floats above the host, moves with it
        panel.show()
    return panel


def connect_run(panel: Any, on_run: OnRun) -> None:
    """Run in the panel calls ``on_run(values)``; the job it returns is shown in the panel."""
    panel.run_internally = False

    def run_from_panel() -> None:
        try:
            job = on_run(values_from_panel(panel))
        except NextureError as exc:
            panel.show_error(str(exc))
            return
        if job is not None:
            panel.watch_job(job)

    panel.run_requested.connect(run_from_panel)
