"""``pattern.toml``: what a pattern is, in a file a person can read and edit.

A pattern folder holds the manifest plus its maps: ``displacement`` (required,
16-bit or float), ``albedo`` (RGB) and ``specular`` (grey), all the same size,
and a small shaded ``thumbnail`` for pickers.

Physical facts: ``width_mm`` (the width the maps cover), ``height_um`` (the
micrometres of relief the displacement's [0, 1] spans), ``cell_mm`` and
``pore_mm`` (crease-cell and pore diameter ranges), and ``[relief]``, what
was measured on the displacement (RMS roughness, depth, skewness of its
detail band, in micrometres).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Optional, Tuple

import tomli_w

from ..errors import PatternError

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10 hosts (Maya 2024, Houdini 20.5)
    import tomli as tomllib  # type: ignore[no-redef]

MANIFEST = "pattern.toml"
ID_RE = re.compile(r"^[a-z0-9_-]{1,40}$")
MAP_NAMES = ("displacement", "albedo", "specular", "thumbnail")
REQUIRED = ("id", "name", "region", "width_mm")


@dataclass(frozen=True)
class Manifest:
    id: str
    name: str
    region: str
    width_mm: float
    description: str = ""
    feature_mm: Optional[float] = None
    height_um: Optional[float] = None
    cell_mm: Optional[Tuple[float, float]] = None
    pore_mm: Optional[Tuple[float, float]] = None
    licence: str = ""
    attribution: str = ""
    tileable: bool = True
    seed: Optional[int] = None
    maps: Dict[str, str] = field(default_factory=dict)
    # Imported scans: how the files were converted, e.g. displacement_low/high
    # (original units = low + value * (high - low)) and specular_from.
    source: Dict[str, object] = field(default_factory=dict)
    # Measured on the displacement's detail band: rq_um, depth_um, skewness.
    relief: Dict[str, float] = field(default_factory=dict)


def check_id(pid: str, where: str = "") -> str:
    """An id is a folder name and a CLI word: 1-40 of a-z, 0-9, '_' and '-'."""
    if not isinstance(pid, str) or not ID_RE.match(pid):
        raise PatternError(
            f"{where}pattern id {pid!r} is invalid; use 1-40 lowercase letters, digits, '_' or '-' (no path characters)."
        )
    return pid


def read_manifest(folder: Path) -> Manifest:
    """Parse and check ``folder/pattern.toml``; raises PatternError naming the file."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise PatternError(f"{path}: no {MANIFEST} in this pattern folder.")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PatternError(f"{path}: malformed manifest ({exc}).") from None
    missing = [k for k in REQUIRED if k not in data]
    if missing:
        raise PatternError(f"{path}: missing {', '.join(missing)}.")
    check_id(data["id"], f"{path}: ")
    try:
        width = float(data["width_mm"])
        feature = float(data["feature_mm"]) if "feature_mm" in data else None
        height = float(data["height_um"]) if "height_um" in data else None
    except (TypeError, ValueError):
        raise PatternError(
            f"{path}: width_mm, feature_mm and height_um must be numbers (mm, mm, micrometres)."
        ) from None
    if not (0.1 <= width <= 1000):
        raise PatternError(f"{path}: width_mm {width} is out of range (0.1 to 1000 mm).")
    if height is not None and not (0.01 <= height <= 100_000):
        raise PatternError(
            f"{path}: height_um {height} is out of range (0.01 to 100000 micrometres for the displacement's 0..1)."
        )
    maps = data.get("maps", {})
    if not isinstance(maps, dict) or "displacement" not in maps:
        raise PatternError(f"{path}: [maps] must name at least a displacement file.")
    unknown = [k for k in maps if k not in MAP_NAMES]
    if unknown:
        raise PatternError(f"{path}: unknown map(s) {', '.join(unknown)}; known: {', '.join(MAP_NAMES)}.")
    for name, rel in maps.items():
        if not isinstance(rel, str) or "/" in rel or "\\" in rel or rel.startswith("."):
            raise PatternError(f"{path}: map {name} must be a file name inside the pattern folder, not {rel!r}.")
    source = data.get("source", {})
    relief = data.get("relief", {})
    if not isinstance(source, dict) or not isinstance(relief, dict):
        raise PatternError(f"{path}: [source] and [relief] must be tables.")
    return Manifest(
        id=data["id"],
        name=str(data["name"]),
        region=str(data["region"]),
        width_mm=width,
        description=str(data.get("description", "")),
        feature_mm=feature,
        height_um=height,
        cell_mm=_mm_span(data, "cell_mm", path),
        pore_mm=_mm_span(data, "pore_mm", path),
        licence=str(data.get("licence", "")),
        attribution=str(data.get("attribution", "")),
        tileable=bool(data.get("tileable", True)),
        seed=data.get("seed"),
        maps=dict(maps),
        source=dict(source),
        relief={str(k): float(v) for k, v in relief.items() if isinstance(v, (int, float))},
    )


def _mm_span(data: dict, key: str, path: Path) -> Optional[Tuple[float, float]]:
    """``[low, high]`` millimetres, low <= high, both positive; None when absent."""
    if key not in data:
        return None
    value = data[key]
    ok = isinstance(value, list) and len(value) == 2 and all(isinstance(v, (int, float)) for v in value)
    if not ok or not (0 < value[0] <= value[1] < 1000) or not all(math.isfinite(v) for v in value):
        raise PatternError(f"{path}: {key} must be [low, high] in millimetres, 0 < low <= high; got {value!r}.")
    return (float(value[0]), float(value[1]))


def manifest_text(m: Manifest) -> str:
    """The manifest as TOML, keys in a fixed order (so regeneration is byte-identical)."""
    data: Dict[str, object] = {
        "id": m.id,
        "name": m.name,
        "region": m.region,
        "description": m.description,
        "width_mm": m.width_mm,
    }
    optional = {"feature_mm": m.feature_mm, "height_um": m.height_um, "cell_mm": m.cell_mm, "pore_mm": m.pore_mm}
    data.update({k: list(v) if isinstance(v, tuple) else v for k, v in optional.items() if v is not None})
    data.update({"licence": m.licence, "attribution": m.attribution, "tileable": m.tileable})
    if m.seed is not None:
        data["seed"] = int(m.seed)
    data["maps"] = dict(m.maps)
    if m.relief:
        data["relief"] = dict(m.relief)
    if m.source:
        data["source"] = dict(m.source)
    return tomli_w.dumps(data, multiline_strings=False)
