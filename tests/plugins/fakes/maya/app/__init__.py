"""Fake ``maya.app``."""
