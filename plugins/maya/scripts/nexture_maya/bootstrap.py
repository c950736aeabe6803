"""Make ``nexture_core`` and torch importable inside the host's Python.

``NEXTURE_ROOT`` names the checkout (default: three folders above this package);
``NEXTURE_PYTHONPATH`` (os.pathsep-separated) names site-packages holding torch
built for the host's Python version (see docs/hosts.md).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import List


def add_paths() -> List[str]:
    """Prepend the core and extra site-packages to ``sys.path``; returns what was added."""
    root = os.environ.get("NEXTURE_ROOT") or str(Path(__file__).resolve().parents[4])
    extra = [p for p in os.environ.get("NEXTURE_PYTHONPATH", "").split(os.pathsep) if p]
    added = []
    for path in [root] + extra:
        if path not in sys.path:
            sys.path.insert(0, path)
            added.append(path)
    return added
