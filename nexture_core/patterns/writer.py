"""Writing pattern folders: the built-in bank regenerated, an artist's scans imported.

Writes go to a hidden temporary folder inside the bank and are renamed into
place at the end, so a crash never leaves half a pattern, and nothing outside
the bank is ever written. torch (the thumbnail's resize) is imported when a
thumbnail is made, not when ``nexture patterns`` starts.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Optional

import numpy as np

from ..errors import PatternError
from ..io import write_image
from ..lookdev import shaded_relief
from .bank import builtin_bank_dir
from .manifest import MANIFEST, Manifest, check_id, manifest_text
from .skin import generate_skin
from .styles import BUILTIN_PATTERNS

THUMBNAIL_PX = 128
# The built-in albedo is colour reference grown by code: a high-quality JPEG keeps
# the shipped bank under 40 MB. An artist's imported albedo is kept lossless (PNG).
FILES = {
    "displacement": "displacement.tif",
    "albedo": "albedo.png",
    "specular": "specular.png",
    "thumbnail": "thumbnail.png",
}
BUILTIN_ALBEDO = "albedo.jpg"


def thumbnail(displacement: np.ndarray) -> np.ndarray:
    """A 128 px shaded relief of the displacement, for pickers."""
    import torch

    from .. import filters  # torch

    small = filters.resize(
        torch.from_numpy(np.ascontiguousarray(displacement, np.float32))[None, None], (THUMBNAIL_PX, THUMBNAIL_PX)
    )[0, 0].numpy()
    return shaded_relief(small)


def write_pattern(
    bank_dir: Path,
    manifest: Manifest,
    maps: Dict[str, np.ndarray],
    force: bool = False,
    albedo_file: str = FILES["albedo"],
) -> Path:
    """Write ``maps`` (displacement HxW [0,1]; albedo HxWx3 sRGB [0,1]; specular HxW [0,1])
    and the manifest as ``bank_dir/<id>``; returns that folder.

    Everything is written into a hidden folder inside ``bank_dir`` and renamed
    into place; with ``force`` an existing pattern is swapped out only after
    the new one is complete. Raises PatternError for a bad id, an existing id
    without ``force`` or maps of different sizes.
    """
    check_id(manifest.id)
    bank_dir = Path(bank_dir)
    final = bank_dir / manifest.id
    if final.exists() and not force:
        raise PatternError(f"A pattern '{manifest.id}' already exists in {bank_dir}; use --force to replace it.")
    shapes = {k: v.shape[:2] for k, v in maps.items()}
    if len(set(shapes.values())) > 1:
        raise PatternError(f"Pattern '{manifest.id}': maps differ in size ({shapes}); they must match.")
    bank_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{manifest.id}.tmp-", dir=bank_dir))
    try:
        files = {}
        write_image(tmp / FILES["displacement"], maps["displacement"], dtype="uint16", compression="zip")
        files["displacement"] = FILES["displacement"]
        for name, file_name in (("albedo", albedo_file), ("specular", FILES["specular"])):
            if name in maps:
                write_image(tmp / file_name, maps[name], dtype="uint8")
                files[name] = file_name
        write_image(tmp / FILES["thumbnail"], thumbnail(maps["displacement"]), dtype="uint8")
        files["thumbnail"] = FILES["thumbnail"]
        full = Manifest(**{**manifest.__dict__, "maps": files})
        (tmp / MANIFEST).write_text(manifest_text(full), encoding="utf-8")
        os.chmod(tmp, 0o755)
        old = None
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{manifest.id}.old-", dir=bank_dir))
            os.replace(final, old / manifest.id)
        os.replace(tmp, final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def regenerate_builtin(bank_dir: Optional[Path] = None, ids=None, size: int = 1024) -> list:
    """Regenerate the built-in bank from its styles, bit-identically; returns the folders.

    ``ids``: only these patterns; ``size``: pixels per side (1024 for the bank).
    """
    with fixed_timestamps():
        return _regenerate(bank_dir, ids, size)


@contextmanager
def fixed_timestamps():
    """Set ``SOURCE_DATE_EPOCH`` (when unset) while writing, so file headers carry
    no wall-clock time and reruns are byte-identical; restore it afterwards."""
    had = "SOURCE_DATE_EPOCH" in os.environ
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    try:
        yield
    finally:
        if not had:
            os.environ.pop("SOURCE_DATE_EPOCH", None)


def _regenerate(bank_dir: Optional[Path], ids, size: int) -> list:
    unknown = sorted(set(ids or ()) - {bp.id for bp in BUILTIN_PATTERNS})
    if unknown:
        known = ", ".join(bp.id for bp in BUILTIN_PATTERNS)
        raise PatternError(f"--id {', '.join(unknown)}: not a built-in pattern; use one of {known}.")
    bank_dir = Path(bank_dir) if bank_dir else builtin_bank_dir()
    done = []
    for bp in BUILTIN_PATTERNS:
        if ids and bp.id not in ids:
            continue
        maps = generate_skin(bp.style, size, bp.width_mm, bp.seed)
        manifest = Manifest(
            id=bp.id,
            name=bp.name,
            region=bp.region,
            width_mm=bp.width_mm,
            description=bp.description,
            feature_mm=bp.feature_mm,
            height_um=maps.height_um,
            cell_mm=bp.style.cell_mm,
            pore_mm=bp.style.pore_mm,
            licence="CC0-1.0",
            attribution="Procedurally generated by Nexture (nexture patterns regenerate)",
            tileable=True,
            seed=bp.seed,
            relief=maps.relief,
        )
        done.append(
            write_pattern(
                bank_dir,
                manifest,
                {"displacement": maps.displacement, "albedo": maps.albedo, "specular": maps.specular},
                force=True,
                albedo_file=BUILTIN_ALBEDO,
            )
        )
    return done
