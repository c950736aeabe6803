"""Fake ``maya`` package: ``maya.cmds`` (an in-memory node graph) and ``maya.utils``."""
