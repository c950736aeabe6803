"""Open the shared Qt panel from a host, pre-filled, as a floating tool window.

The host finds its own main window (``hou.qt.mainWindow()``, Maya's
``MQtUtil.mainWindow()``, Nuke's active window) and passes it as ``parent``;
this module only knows the panel. When the panel is not installed the plugins
keep working through their own knobs, and the artist gets one clear sentence.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from ..errors import NextureError

MISSING = "The Nexture panel is not available in this installation ({why}); use the node's own controls instead."


def open_panel(values: Mapping[str, Any], *, input_path: Optional[str] = None, parent: Any = None) -> Any:
    """Show a NexturePanel parented to ``parent`` with ``values`` (control name -> value) filled in.

    Raises :class:`NextureError` when the panel (or Qt) cannot be imported.
    """
    try:
        from ..ui.panel import NexturePanel  # type: ignore[import-not-found]
        from ..ui import qt  # type: ignore[import-not-found]
    except Exception as exc:  # ImportError, or a Qt binding that fails to load in this host
        raise NextureError(MISSING.format(why=f"{exc.__class__.__name__}: {exc}")) from None
    panel = NexturePanel(parent=parent)
    for name, setter in (("set_values", dict(values)), ("set_input", input_path)):
        method = getattr(panel, name, None)
        if method is not None and setter is not None:
            method(setter)
    window_flag = getattr(getattr(qt, "Qt", None), "Tool", None)
    if window_flag is not None and parent is not None:
        panel.setWindowFlags(window_flag)  # floats above the host, moves with it
    panel.show()
    return panel
