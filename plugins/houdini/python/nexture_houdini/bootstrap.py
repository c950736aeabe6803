"""Put this Houdini version's torch folder on ``sys.path`` (the package JSON adds the core).

``NEXTURE_PYTHONPATH_HOUDINI21`` / ``..._HOUDINI205``, or ``NEXTURE_PYTHONPATH``
with per-Python-version subfolders (see :mod:`nexture_core.hosts.pythonpath`).
"""

from __future__ import annotations

from typing import List

import hou

from nexture_core.hosts.pythonpath import add_host_paths


def add_paths() -> List[str]:
    """Prepend this Houdini version's site folders; returns what was added."""
    folders, problems = add_host_paths("houdini", hou.applicationVersionString())
    for problem in problems:
        print(f"Nexture: {problem}")
    return folders
