"""Fake ``nukescripts``: only ``panels`` (dockable Python panels)."""
