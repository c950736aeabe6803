"""Fake ``maya.app.general``."""
