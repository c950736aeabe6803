"""Knob and parameter values -> validated :class:`~nexture_core.settings.Settings`.

Every host shows the same controls (pattern, scale, texel size, strength,
upscale, preset, seed, output maps); each plugin reads its own widgets into a
plain ``{name: value}`` dict and hands it here, so the rules (0 texel size means
"use scale", maps given as text or flags, ...) live in one place.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Tuple

from ..errors import SettingsError
from ..settings import MAP_NAMES, PRESETS, UPSCALES, BACKBONES, Settings

# The built-in bank's ids (``patterns/<id>/``), used only when the bank cannot be
# loaded to fill a menu, so a host node can still be created and saved.
BUILT_IN_PATTERNS = (
    "cheek", "forehead", "nose", "chin", "upper_lip", "neck",
    "forearm", "back_of_hand", "palm", "knuckle", "elbow", "back",
)
DEFAULT_PATTERN = "cheek"
# Maps a host can show as an ordinary image (``bands`` is a multi-channel stack).
HOST_MAPS = tuple(m for m in MAP_NAMES if m != "bands")
CONTROL_DEFAULTS: Dict[str, Any] = {
    "pattern": DEFAULT_PATTERN,
    "scale": 1.0,
    "texel_mm": 0.0,
    "strength": 1.0,
    "upscale": "1",
    "preset": "draft",
    "seed": 0,
    "maps": "displacement",
    "iterations": 0,
    "backbone": "vgg19",
    "device": "auto",
}


def pattern_choices() -> Tuple[List[str], List[str]]:
    """(ids, labels) for a pattern menu: the bank's, else the built-in ids."""
    try:
        from ..patterns import load_bank

        bank = load_bank()
        patterns = list(bank.patterns())
        return [p.id for p in patterns], [f"{p.name} ({p.width_mm:g} mm)" for p in patterns]
    except Exception:  # a missing/broken bank must not stop a host from building its node
        return list(BUILT_IN_PATTERNS), [p.replace("_", " ") for p in BUILT_IN_PATTERNS]


def parse_maps(value: Any) -> Tuple[str, ...]:
    """``"displacement normal"``, ``"displacement,normal"`` or a sequence -> a tuple, displacement first."""
    if isinstance(value, str):
        names = [v for v in value.replace(",", " ").split() if v]
    else:
        names = [str(v) for v in value]
    unknown = [n for n in names if n not in MAP_NAMES]
    if unknown:
        raise SettingsError(f"Output maps {', '.join(unknown)} are unknown; choose from {', '.join(MAP_NAMES)}.")
    ordered = ["displacement"] + [n for n in MAP_NAMES if n in names and n != "displacement"]
    return tuple(ordered)


def settings_from_values(values: Mapping[str, Any]) -> Settings:
    """Validated settings from host control values (missing keys take their defaults).

    ``texel_mm`` 0 means "not set" (use ``scale``); ``iterations`` 0 means "the
    preset's schedule"; ``upscale`` may be text ("2") as menus give it.
    Raises :class:`SettingsError` naming the control.
    """
    v = dict(CONTROL_DEFAULTS)
    v.update({k: val for k, val in values.items() if val is not None})
    try:
        upscale = int(float(v["upscale"]))
        texel = float(v["texel_mm"])
        iterations = int(v["iterations"])
        settings = Settings(
            scale=float(v["scale"]),
            texel_mm=texel if texel > 0 else None,
            upscale=upscale,
            strength=float(v["strength"]),
            preset=str(v["preset"]),
            iterations=iterations if iterations > 0 else None,
            seed=int(v["seed"]),
            backbone=str(v["backbone"]),
            device=str(v["device"]),
            maps=parse_maps(v["maps"]),
        )
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"A Nexture control holds a value that is not a number ({exc}); fix it and run again.") from None
    if upscale not in UPSCALES:
        raise SettingsError(f"upscale {upscale} is not supported; use 1, 2 or 4.")
    return settings.validated()


def pattern_from_values(values: Mapping[str, Any]) -> str:
    """The chosen pattern id (default ``cheek``)."""
    pattern = str(values.get("pattern") or DEFAULT_PATTERN).strip()
    if not pattern:
        raise SettingsError("No pattern chosen; pick one in the pattern menu.")
    return pattern


__all__ = [
    "BUILT_IN_PATTERNS", "CONTROL_DEFAULTS", "DEFAULT_PATTERN", "HOST_MAPS", "PRESETS", "UPSCALES", "BACKBONES",
    "pattern_choices", "parse_maps", "settings_from_values", "pattern_from_values",
]
