"""What every host node shows: the control rules, the pattern menu, the maps a host can show.

The rules that turn control values into settings live in the neutral
:mod:`nexture_core.requests` (the panel uses them too); this module adds what
only hosts need. A host request is a ``{name: value}`` dict with the keys of
:data:`CONTROL_DEFAULTS`; ``texel_mm`` (mm per texel of the input map),
``map_width_mm`` (the width in mm the map covers) and ``height_mm`` (mm of
relief per map unit) are 0 when not set.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Tuple

from ..errors import NextureError
from ..requests import (
    CONTROL_DEFAULTS,
    DEFAULT_PATTERN,
    UNIT_CONTROLS,
    parse_maps,
    pattern_from_values,
    settings_from_values,
)
from ..settings import BACKBONES, MAP_NAMES, PRESETS, UPSCALES

# Maps a host can show as an ordinary image (``bands`` is a multi-channel stack).
HOST_MAPS = tuple(m for m in MAP_NAMES if m != "bands")


def bank_pattern_ids() -> List[str]:
    """The built-in bank's pattern ids, read from its folders (``<id>/pattern.toml``).

    Used when the bank cannot be loaded (no OpenImageIO in the host's Python
    yet), so a node can still be created and saved with the right menu.
    """
    from ..patterns import builtin_bank_dir
    from ..patterns.manifest import MANIFEST

    root = builtin_bank_dir()
    if not root.is_dir():
        return [DEFAULT_PATTERN]
    return sorted(p.name for p in Path(root).iterdir() if (p / MANIFEST).is_file()) or [DEFAULT_PATTERN]


def pattern_choices() -> Tuple[List[str], List[str]]:
    """(ids, labels) for a pattern menu: the loaded bank's, else the built-in folder names."""
    try:
        from ..patterns import load_bank

        patterns = list(load_bank().patterns())
    except (NextureError, ImportError, OSError):  # the dependency check tells the artist what is missing
        ids = bank_pattern_ids()
        return ids, [p.replace("_", " ") for p in ids]
    return [p.id for p in patterns], [f"{p.name} ({p.width_mm:g} mm)" for p in patterns]


__all__ = [
    "CONTROL_DEFAULTS",
    "DEFAULT_PATTERN",
    "HOST_MAPS",
    "PRESETS",
    "UPSCALES",
    "BACKBONES",
    "UNIT_CONTROLS",
    "bank_pattern_ids",
    "pattern_choices",
    "parse_maps",
    "settings_from_values",
    "pattern_from_values",
]
