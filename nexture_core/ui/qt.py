"""The one place that imports a Qt binding, so the panel runs in every host.

The binding is the host's: a process must never load a second Qt (two Qt
libraries in one process crash it). So the order is: a binding the process
already loaded (the host's own) and nothing else; else the one the host plugin
named in ``NEXTURE_QT_BINDING`` (Nuke 15, Maya 2024, Houdini 20.5: PySide2;
Nuke 16, Maya 2025+: PySide6); else, standalone, PySide6 then PySide2.
Everything else in ``nexture_core.ui`` imports Qt from here.

A small shim rather than Qt.py: Qt.py picks by a fixed preference list (or a
process-wide ``QT_PREFERRED_BINDING`` other tools also read) and would import
PySide6 into a PySide2 host; the panel needs only these names.
"""

from __future__ import annotations

import importlib
import os
import sys
import warnings
from typing import Any, Mapping, Optional, Sequence, Tuple

from ..errors import NextureError

BINDINGS = ("PySide6", "PySide2")
BINDING_ENV = "NEXTURE_QT_BINDING"
SHIBOKEN = {"PySide6": "shiboken6", "PySide2": "shiboken2"}


class QtMissingError(NextureError):
    """Neither PySide6 nor PySide2 can be imported."""


def binding_order(modules: Mapping[str, Any] = sys.modules, environ: Mapping[str, str] = os.environ) -> Tuple[str, ...]:
    """The bindings allowed in this process, preferred first (see the module docstring)."""
    loaded = [name for name in BINDINGS if modules.get(f"{name}.QtCore") is not None]
    if loaded:
        return (loaded[0],)
    wanted = environ.get(BINDING_ENV, "").strip()
    if wanted:
        if wanted not in BINDINGS:
            raise QtMissingError(
                f"{BINDING_ENV}={wanted!r} is not a Qt binding the panel supports; use {' or '.join(BINDINGS)}."
            )
        return (wanted,)
    return BINDINGS


def import_binding(order: Optional[Sequence[str]] = None) -> Tuple[str, Any, Any, Any]:
    """(name, QtCore, QtGui, QtWidgets) of the first binding in ``order`` (default :func:`binding_order`) that imports.

    Raises :class:`QtMissingError` with the install command when none does.
    """
    order = tuple(order) if order is not None else binding_order()
    for name in order:
        try:
            core = importlib.import_module(f"{name}.QtCore")
            gui = importlib.import_module(f"{name}.QtGui")
            widgets = importlib.import_module(f"{name}.QtWidgets")
        except ImportError:
            continue
        return name, core, gui, widgets
    raise QtMissingError(
        f"The Nexture panel needs Qt for Python ({' or '.join(order)}) but it cannot be imported; run: pip install nexture[ui]"
    )


BINDING, QtCore, QtGui, QtWidgets = import_binding()
QT6 = BINDING == "PySide6"

Signal = QtCore.Signal  # type: ignore[attr-defined]
Slot = QtCore.Slot  # type: ignore[attr-defined]
Qt = QtCore.Qt  # type: ignore[attr-defined]
# QAction and QShortcut moved from QtWidgets (Qt 5) to QtGui (Qt 6).
QAction = getattr(QtGui, "QAction", None) or QtWidgets.QAction
QShortcut = getattr(QtGui, "QShortcut", None) or QtWidgets.QShortcut


# PySide6 6.12.0 on Python < 3.12 drops a reference to None on every call of a
# Qt method returning void (setText, update, processEvents...). None is not
# immortal there, so a session dies with "deallocating None" after a few
# thousand calls. Detect it once; keep None alive with a ballast of references
# (8 bytes each) and say which binding to install.
NONE_BALLAST_REFS = 1 << 22


def _leaks_none() -> bool:
    if sys.version_info >= (3, 12):
        return False  # None is immortal: the bug is harmless
    probe = QtCore.QObject()  # type: ignore[attr-defined]
    before = sys.getrefcount(None)
    for _ in range(64):
        probe.setObjectName("probe")
    return sys.getrefcount(None) < before - 32


NONE_LEAK = _leaks_none()
_none_ballast: list = []
if NONE_LEAK:
    _none_ballast = [None] * NONE_BALLAST_REFS
    warnings.warn(
        f"{BINDING} {getattr(importlib.import_module(BINDING), '__version__', '')} leaks references to None on this Python; "
        "the panel may crash in long sessions. Install PySide6-Essentials 6.11 (pip install 'PySide6-Essentials<6.12').",
        RuntimeWarning,
        stacklevel=2,
    )


def wrap_instance(pointer: int, base: Any = None) -> Any:
    """A Qt object of this binding for a C++ pointer a host hands out (Maya's ``MQtUtil``)."""
    shiboken = importlib.import_module(SHIBOKEN[BINDING])
    return shiboken.wrapInstance(int(pointer), base or QtWidgets.QWidget)  # type: ignore[attr-defined]


def exec_(obj, *args):
    """Run a dialog, menu or application loop: ``exec`` in Qt 6, ``exec_`` in Qt 5."""
    run = getattr(obj, "exec", None) or obj.exec_
    return run(*args)


def event_pos(event) -> QtCore.QPointF:  # type: ignore[name-defined]
    """A mouse or wheel event's position in widget coordinates, as a QPointF."""
    if hasattr(event, "position"):
        return event.position()
    return QtCore.QPointF(event.pos())  # type: ignore[attr-defined]


def application() -> QtWidgets.QApplication:  # type: ignore[name-defined]
    """The running QApplication (a host's) or a new one for the standalone app and tests."""
    app = QtWidgets.QApplication.instance()  # type: ignore[attr-defined]
    if app is None:
        app = QtWidgets.QApplication([])  # type: ignore[attr-defined]
    return app
