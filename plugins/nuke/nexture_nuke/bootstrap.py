"""Make ``nexture_core`` and this Nuke version's torch importable inside Nuke's Python.

``NEXTURE_ROOT`` names the checkout (default: two folders above this plugin);
the torch folder is per Nuke version / Python version
(``NEXTURE_PYTHONPATH_NUKE15``, ..., see :mod:`nexture_core.hosts.pythonpath`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import List

import nuke


def add_paths() -> List[str]:
    """Prepend the core and this Nuke version's site folders to ``sys.path``; returns what was added."""
    root = os.environ.get("NEXTURE_ROOT") or str(Path(__file__).resolve().parents[3])
    added = []
    if root not in sys.path:
        sys.path.insert(0, root)
        added.append(root)
    from nexture_core.hosts.pythonpath import add_host_paths

    folders, problems = add_host_paths("nuke", nuke.NUKE_VERSION_STRING)
    for problem in problems:
        print(f"Nexture: {problem}")
    return added + folders
