"""Control values (``{name: value}``) -> validated :class:`~nexture_core.settings.Settings`.

The panel and every host show the same controls (pattern, scale, texel size,
strength, upscale, preset, seed, output maps...); each reads its own widgets
into a plain dict and hands it here, so the rules live in one place:
``texel_mm`` / ``map_width_mm`` 0 mean "not set" (mm per texel of the *input*
map, or the width in mm the map covers), ``height_mm`` 0 means the stated
default (1 map unit = 1 cm), ``iterations`` 0 means the preset's schedule,
maps may come as text or a list. Nothing here imports Qt or a host.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Tuple

from .errors import SettingsError
from .settings import MAP_NAMES, UPSCALES, Settings

DEFAULT_PATTERN = "cheek"
CONTROL_DEFAULTS: Dict[str, Any] = {
    "pattern": DEFAULT_PATTERN,
    "scale": 1.0,
    "texel_mm": 0.0,
    "map_width_mm": 0.0,
    "height_mm": 0.0,
    "strength": 1.0,
    "upscale": "1",
    "preset": "draft",
    "seed": 0,
    "maps": "displacement",
    "iterations": 0,
    "backbone": "vgg19",
    "device": "auto",
}
# Physical-unit controls whose 0 means "not set" (Settings gets None).
UNIT_CONTROLS = ("texel_mm", "map_width_mm", "height_mm")


def parse_maps(value: Any) -> Tuple[str, ...]:
    """``"displacement normal"``, ``"displacement,normal"`` or a sequence -> a tuple, displacement first."""
    if isinstance(value, str):
        names = [v for v in value.replace(",", " ").split() if v]
    else:
        names = [str(v) for v in value]
    unknown = [n for n in names if n not in MAP_NAMES]
    if unknown:
        raise SettingsError(f"Output maps {', '.join(unknown)} are unknown; choose from {', '.join(MAP_NAMES)}.")
    return tuple(["displacement"] + [n for n in MAP_NAMES if n in names and n != "displacement"])


def unit_settings(values: Mapping[str, Any]) -> Dict[str, float]:
    """The physical-unit keywords for Settings: only those set (> 0), in mm."""
    out = {}
    for name in UNIT_CONTROLS:
        number = float(values.get(name) or 0.0)
        if number < 0:
            raise SettingsError(
                f"{name.replace('_', ' ')} {number:g} is negative; give a size in mm, or 0 for 'not set'."
            )
        if number > 0:
            out[name] = number
    return out


def settings_from_values(values: Mapping[str, Any]) -> Settings:
    """Validated settings from control values (missing keys take their defaults).

    Raises :class:`SettingsError` naming the control.
    """
    v = dict(CONTROL_DEFAULTS)
    v.update({k: val for k, val in values.items() if val is not None})
    try:
        upscale = int(float(v["upscale"]))
        iterations = int(v["iterations"])
        settings = Settings(
            scale=float(v["scale"]),
            upscale=upscale,
            strength=float(v["strength"]),
            preset=str(v["preset"]),
            iterations=iterations if iterations > 0 else None,
            seed=int(v["seed"]),
            backbone=str(v["backbone"]),
            device=str(v["device"]),
            maps=parse_maps(v["maps"]),
            **unit_settings(v),
        )
    except (TypeError, ValueError) as exc:
        raise SettingsError(
            f"A Nexture control holds a value that is not a number ({exc}); fix it and run again."
        ) from None
    if upscale not in UPSCALES:
        raise SettingsError(f"upscale {upscale} is not supported; use 1, 2 or 4.")
    return settings.validated()


def pattern_from_values(values: Mapping[str, Any]) -> str:
    """The chosen pattern id (default ``cheek``)."""
    pattern = str(values.get("pattern") or DEFAULT_PATTERN).strip()
    if not pattern:
        raise SettingsError("No pattern chosen; pick one in the pattern menu.")
    return pattern
