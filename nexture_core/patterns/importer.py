"""Turn a folder of an artist's own scans into a pattern in the user bank."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Optional

import numpy as np

from ..errors import PatternError
from .manifest import Manifest, check_id
from .writer import write_pattern

# Words in file names that say which map a scan is.
KEYWORDS = {
    "displacement": ("displacement", "disp", "height", "bump"),
    "albedo": ("albedo", "diffuse", "color", "colour", "basecolor"),
    "specular": ("specular", "spec", "roughness", "gloss"),
}
IMAGE_EXT = {".exr", ".tif", ".tiff", ".png", ".jpg", ".jpeg", ".tx"}


def find_scans(folder: Path) -> Dict[str, Path]:
    found: Dict[str, Path] = {}
    for path in sorted(Path(folder).iterdir()):
        if path.suffix.lower() not in IMAGE_EXT:
            continue
        stem = path.stem.lower()
        for name, words in KEYWORDS.items():
            if name not in found and any(w in stem for w in words):
                found[name] = path
                break
    return found


def import_scans(folder: Path, pid: str, width_mm: float, *, user_bank: Path, name: Optional[str] = None,
                 region: str = "custom", feature_mm: Optional[float] = None, force: bool = False) -> Path:
    """Read the scans in ``folder`` (any format OIIO reads), normalise and write a pattern.

    The displacement is normalised to [0, 1] (16-bit); albedo and specular are
    kept in [0, 1]. Sizes must match.
    """
    from ..io import read_image, read_map

    check_id(pid)
    folder = Path(folder)
    if not folder.is_dir():
        raise PatternError(f"{folder}: not a folder of scans.")
    scans = find_scans(folder)
    if "displacement" not in scans:
        raise PatternError(f"{folder}: no displacement scan found (a file whose name contains disp, displacement or height).")
    disp, _ = read_map(scans["displacement"])
    lo, hi = float(np.min(disp)), float(np.max(disp))
    if hi - lo <= 0:
        raise PatternError(f"{scans['displacement']}: the displacement is flat.")
    maps = {"displacement": (disp - lo) / (hi - lo)}
    if "albedo" in scans:
        maps["albedo"] = np.clip(read_image(scans["albedo"])[0][..., :3], 0, 1) if read_image(scans["albedo"])[0].shape[2] >= 3 else np.repeat(read_map(scans["albedo"])[0][..., None], 3, 2)
    if "specular" in scans:
        maps["specular"] = np.clip(read_map(scans["specular"])[0], 0, 1)
    sizes = {k: v.shape[:2] for k, v in maps.items()}
    if len(set(sizes.values())) > 1:
        listed = ", ".join(f"{k} {scans[k].name} {s[1]}x{s[0]}" for k, s in sizes.items())
        raise PatternError(f"{folder}: scans differ in size ({listed}); they must match.")
    manifest = Manifest(
        id=pid, name=name or pid.replace("_", " ").title(), region=region, width_mm=float(width_mm),
        description=f"Imported from {folder.name}", feature_mm=feature_mm, licence="", attribution="",
        tileable=False,
    )
    return write_pattern(Path(user_bank), manifest, maps, force=force)
