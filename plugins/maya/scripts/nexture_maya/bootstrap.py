"""Make ``nexture_core`` and this Maya version's torch importable inside Maya's Python.

``NEXTURE_ROOT`` names the checkout (the .mod file sets it; default: four folders
above this package); the torch folder is per Maya version / Python version
(``NEXTURE_PYTHONPATH_MAYA2025``, ..., see :mod:`nexture_core.hosts.pythonpath`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import List

from maya import cmds


def add_paths() -> List[str]:
    """Prepend the core and this Maya version's site folders to ``sys.path``; returns what was added."""
    root = os.environ.get("NEXTURE_ROOT") or str(Path(__file__).resolve().parents[4])
    added = []
    if root not in sys.path:
        sys.path.insert(0, root)
        added.append(root)
    from nexture_core.hosts.pythonpath import add_host_paths

    folders, problems = add_host_paths("maya", str(cmds.about(version=True)))
    for problem in problems:
        cmds.warning(f"Nexture: {problem}")
    return added + folders
