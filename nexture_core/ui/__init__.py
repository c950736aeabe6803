"""The artist's Qt panel, shared by the standalone app and every host plugin.

Importing this package does not import Qt; ``NexturePanel`` and ``run_app``
load the binding (PySide6, else PySide2) through :mod:`.qt` on first use, so a
missing Qt surfaces as one clear :class:`~nexture_core.errors.NextureError`.
"""

from __future__ import annotations

__all__ = ["NexturePanel", "NextureWindow", "run_app"]


def __getattr__(name: str):
    if name == "NexturePanel":
        from .panel import NexturePanel

        return NexturePanel
    if name in ("NextureWindow", "run_app"):
        from . import app

        return getattr(app, name)
    raise AttributeError(name)
