"""Turn a folder of an artist's own scans into a pattern in the user bank.

Which file is which map is read from its name (``skin_disp.exr``,
``forehead_diffuse.tif``, ``roughness.png``...). Conversions, recorded in the
manifest's ``[source]`` table: displacement normalised to [0, 1] (16-bit TIFF;
original units = ``displacement_low + v * (displacement_high - displacement_low)``),
albedo 8-bit, specular 8-bit; a roughness or gloss scan becomes specular
(roughness inverted: rough skin reflects less).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import numpy as np

from ..errors import PatternError
from .manifest import Manifest, check_id
from .skin import measure_relief
from .writer import write_pattern

# Words in file names that say which map a scan is; the first matching map wins.
KEYWORDS = {
    "displacement": ("displacement", "disp", "height", "bump"),
    "albedo": ("albedo", "diffuse", "basecolor", "color", "colour"),
    "specular": ("specular", "spec", "roughness", "gloss"),
}
INVERTED = ("roughness",)  # specular = 1 - roughness
IMAGE_EXT = {".exr", ".tif", ".tiff", ".png", ".jpg", ".jpeg", ".tx", ".hdr", ".dpx", ".tga", ".bmp"}
WIDTH_RANGE_MM = (0.1, 1000.0)  # what pattern.toml accepts (manifest.read_manifest)


def find_scans(folder: Path) -> Dict[str, Path]:
    """Map name -> scan file in ``folder``; PatternError when two files claim one map."""
    claims: Dict[str, List[Path]] = {}
    for path in sorted(Path(folder).iterdir()):
        if path.suffix.lower() not in IMAGE_EXT or path.name.startswith("."):
            continue
        stem = path.stem.lower()
        for name, words in KEYWORDS.items():
            if any(w in stem for w in words):
                claims.setdefault(name, []).append(path)
                break
    for name, paths in claims.items():
        if len(paths) > 1:
            listed = ", ".join(p.name for p in paths)
            raise PatternError(
                f"{folder}: several files look like the {name} scan ({listed}); keep one or rename the others."
            )
    return {name: paths[0] for name, paths in claims.items()}


def _read_albedo(path: Path) -> np.ndarray:
    from ..io import read_image

    pixels, _ = read_image(path)
    rgb = pixels[..., :3] if pixels.shape[2] >= 3 else np.repeat(pixels[..., :1], 3, axis=2)
    return np.clip(rgb, 0.0, 1.0)


def _read_specular(path: Path) -> Tuple[np.ndarray, str]:
    from ..io import read_map

    pixels, _ = read_map(path)
    pixels = np.clip(pixels, 0.0, 1.0)
    if any(w in path.stem.lower() for w in INVERTED):
        return 1.0 - pixels, f"{path.name} (roughness, inverted)"
    return pixels, path.name


def import_scans(
    folder: Path,
    pid: str,
    width_mm: float,
    *,
    user_bank: Path,
    name: Optional[str] = None,
    region: str = "custom",
    feature_mm: Optional[float] = None,
    force: bool = False,
    unit_um: Optional[float] = None,
) -> Path:
    """Read the scans in ``folder`` (any format OIIO reads) and write ``user_bank/<pid>``.

    ``width_mm``: physical width the scans cover; ``feature_mm``: typical
    crease-cell diameter (default 1 mm); ``unit_um``: micrometres one unit of
    the displacement scan's values means (1000 for a scan in mm), which
    records the pattern's real depth (``height_um``) so it is drawn at its
    real depth; without it the detail is read as 12 um RMS and
    ``nexture patterns show`` says so. Only ``user_bank`` is written (through
    a temporary folder inside it). Raises PatternError, before reading any
    scan, for a bad id, a width outside 0.1-1000 mm (or not a number), a bank
    that is a file or not writable, an id that a pattern found earlier on the
    search path already has (the import would never be used); then for no
    displacement scan, ambiguous files, a flat displacement or mismatched
    sizes; InputError for unreadable files.
    """
    from ..io import read_map

    check_id(pid)
    _check_sizes(width_mm, feature_mm)
    if unit_um is not None and not (math.isfinite(float(unit_um)) and 1e-6 <= float(unit_um) <= 1e9):
        raise PatternError(
            f"--unit-um {unit_um} must be the micrometres one unit of the scan means (e.g. 1000 for mm, 1 for um)."
        )
    folder = Path(folder)
    if not folder.is_dir():
        raise PatternError(f"{folder}: is not a folder of scans.")
    check_bank_folder(Path(user_bank))
    _check_not_shadowed(pid, Path(user_bank))
    scans = find_scans(folder)
    if "displacement" not in scans:
        raise PatternError(
            f"{folder}: no displacement scan found (a file whose name contains disp, displacement, height or bump)."
        )
    disp, _ = read_map(scans["displacement"])
    lo, hi = float(np.min(disp)), float(np.max(disp))
    if not hi > lo:
        raise PatternError(
            f"{scans['displacement']}: the displacement is flat (every pixel is {lo}); nothing to learn from."
        )
    maps = {"displacement": (disp - lo) / (hi - lo)}
    source: Dict[str, object] = {
        "folder": str(folder.resolve()),
        "displacement": scans["displacement"].name,
        "displacement_low": lo,
        "displacement_high": hi,
    }
    if "albedo" in scans:
        maps["albedo"] = _read_albedo(scans["albedo"])
        source["albedo"] = scans["albedo"].name
    if "specular" in scans:
        maps["specular"], source["specular"] = _read_specular(scans["specular"])
    sizes = {k: v.shape[:2] for k, v in maps.items()}
    if len(set(sizes.values())) > 1:
        listed = ", ".join(f"{k} {scans[k].name} {s[1]}x{s[0]}" for k, s in sizes.items())
        raise PatternError(f"{folder}: scans differ in size ({listed}); they must match.")
    height_um = (hi - lo) * float(unit_um) if unit_um is not None else None
    relief = {}
    if height_um is not None:
        cell_px = (feature_mm or 1.0) / (float(width_mm) / disp.shape[1])
        relief = measure_relief(maps["displacement"], height_um, cell_px, wrap=False)
    manifest = Manifest(
        id=pid,
        name=name or pid.replace("_", " ").title(),
        region=region or "custom",
        width_mm=float(width_mm),
        description=f"Imported from {folder.name}",
        feature_mm=feature_mm,
        height_um=height_um,
        licence="",
        attribution="",
        tileable=False,
        source=source,
        relief=relief,
    )
    try:
        return write_pattern(Path(user_bank), manifest, maps, force=force)
    except OSError as exc:
        raise PatternError(f"Pattern bank {user_bank}: cannot write the pattern ({exc.strerror or exc}).") from None


def _check_sizes(width_mm, feature_mm) -> None:
    lo, hi = WIDTH_RANGE_MM
    try:
        width = float(width_mm)
    except (TypeError, ValueError):
        width = math.nan
    if not (math.isfinite(width) and lo <= width <= hi):
        raise PatternError(f"--width-mm {width_mm} must be the scans' physical width, from {lo} to {hi:g} mm.")
    if feature_mm is not None:
        try:
            feature = float(feature_mm)
        except (TypeError, ValueError):
            feature = math.nan
        if not (math.isfinite(feature) and 0 < feature <= width):
            raise PatternError(
                f"--feature-mm {feature_mm} must be a positive number of millimetres, at most the width ({width:g} mm)."
            )


def check_bank_folder(bank: Path) -> None:
    """``bank`` is, or can become, a writable folder; PatternError otherwise (nothing is created)."""
    from ..io.atomic import folder_problem

    if bank.exists() and not bank.is_dir():
        raise PatternError(f"Pattern bank {bank}: is a file, not a folder; give a folder with --bank.")
    problem = folder_problem(bank)
    if problem:
        raise PatternError(f"Pattern bank {bank}: {problem}; give another folder with --bank.")


def _check_not_shadowed(pid: str, bank: Path) -> None:
    from .bank import earlier_pattern

    first = earlier_pattern(pid, bank)
    if first is not None:
        raise PatternError(
            f"Pattern id '{pid}' is already used by {first}, which is found first, so the imported pattern would never be "
            "used; choose another --id."
        )
