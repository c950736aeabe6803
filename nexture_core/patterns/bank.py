"""Finding patterns: the built-in bank, studio folders, the artist's own bank.

Order: the built-in ``patterns/`` folder, then the folders in
``NEXTURE_PATTERN_PATH`` (os.pathsep-separated), then the user bank
(``NEXTURE_USER_BANK``, else ``$XDG_DATA_HOME/nexture/patterns``, else
``~/.local/share/nexture/patterns``). Ids are unique: a later folder never
shadows an earlier one; the duplicate is skipped and reported in
``bank.warnings`` (a broken studio share must not stop an artist's work, but
nobody should silently get another 'cheek').
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np

from ..errors import NextureError, PatternError
from .manifest import MANIFEST, Manifest, read_manifest

DEFAULT_PATTERN = "cheek"
DEFAULT_FEATURE_MM = 1.0


def builtin_bank_dir() -> Path:
    env = os.environ.get("NEXTURE_BUILTIN_PATTERNS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "patterns"


def user_bank_dir() -> Path:
    env = os.environ.get("NEXTURE_USER_BANK")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "nexture" / "patterns"


@lru_cache(maxsize=64)
def _load(path: str, mtime: float, kind: str) -> np.ndarray:
    from ..io import read_image, read_map

    if kind == "rgb":
        arr = read_image(path)[0]
        arr = arr[..., :3] if arr.shape[2] >= 3 else np.repeat(arr[..., :1], 3, axis=2)
    else:
        arr = read_map(path)[0]
    arr = np.ascontiguousarray(arr, dtype=np.float32)
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True)
class Pattern:
    """A micro-scan of skin: matched maps over ``width_mm`` millimetres."""

    id: str
    name: str
    region: str
    description: str
    width_mm: float
    feature_mm: float
    licence: str
    attribution: str
    folder: Path
    maps: Dict[str, Path]
    size_px: Tuple[int, int]
    tileable: bool = True
    source: str = "builtin"
    height_um: Optional[float] = None  # micrometres the displacement's [0, 1] spans
    cell_mm: Optional[Tuple[float, float]] = None  # crease-cell diameters
    pore_mm: Optional[Tuple[float, float]] = None  # pore diameters
    relief: Dict[str, float] = field(default_factory=dict)  # measured: rq_um, depth_um, skewness

    @property
    def mm_per_px(self) -> float:
        return self.width_mm / self.size_px[0]

    @property
    def feature_px(self) -> float:
        """Typical crease-cell diameter in pattern pixels (sets the structure/detail split)."""
        return self.feature_mm / self.mm_per_px

    @property
    def thumbnail_path(self) -> Optional[Path]:
        return self.maps.get("thumbnail")

    def has_map(self, name: str) -> bool:
        return name in self.maps

    def load_map(self, name: str) -> np.ndarray:
        """'displacement'/'specular': HxW [0, 1]; 'albedo': HxWx3 [0, 1]. Read-only, cached."""
        if name not in self.maps or name == "thumbnail":
            raise PatternError(f"Pattern '{self.id}' has no {name} map ({self.folder}).")
        path = self.maps[name]
        try:
            return _load(str(path), path.stat().st_mtime, "rgb" if name == "albedo" else "grey")
        except NextureError as exc:
            raise PatternError(f"Pattern '{self.id}': {exc}") from None
        except OSError as exc:
            raise PatternError(f"Pattern '{self.id}': cannot read {path} ({exc.strerror}).") from None


def pattern_from_folder(folder: Path, source: str = "builtin") -> Pattern:
    """Read and check one pattern folder: manifest, maps present, sizes equal."""
    from ..io import inspect_image

    folder = Path(folder)
    m: Manifest = read_manifest(folder)
    if folder.name != m.id:
        raise PatternError(f"{folder / MANIFEST}: id '{m.id}' does not match its folder name '{folder.name}'.")
    maps = {}
    sizes = {}
    for name, rel in m.maps.items():
        path = folder / rel
        if not path.is_file():
            raise PatternError(f"{folder / MANIFEST}: the {name} map {path} is missing.")
        maps[name] = path
        if name != "thumbnail":
            try:
                part = inspect_image(path)[0]
            except NextureError as exc:
                raise PatternError(f"Pattern '{m.id}': {exc}") from None
            sizes[name] = (part.width, part.height)
    if len(set(sizes.values())) > 1:
        listed = ", ".join(f"{k} {w}x{h}" for k, (w, h) in sizes.items())
        raise PatternError(f"Pattern '{m.id}' ({folder}): maps differ in size ({listed}); they must match.")
    return Pattern(
        id=m.id,
        name=m.name,
        region=m.region,
        description=m.description,
        width_mm=m.width_mm,
        feature_mm=m.feature_mm or DEFAULT_FEATURE_MM,
        licence=m.licence,
        attribution=m.attribution,
        folder=folder,
        maps=maps,
        size_px=sizes["displacement"],
        tileable=m.tileable,
        source=source,
        height_um=m.height_um,
        cell_mm=m.cell_mm,
        pore_mm=m.pore_mm,
        relief=dict(m.relief),
    )


@dataclass
class PatternBank:
    """Patterns by id, in discovery order; problems found while loading are in ``warnings``."""

    by_id: Dict[str, Pattern] = field(default_factory=dict)
    warnings: List[str] = field(default_factory=list)

    def get(self, pid: str) -> Pattern:
        if pid in self.by_id:
            return self.by_id[pid]
        near = difflib.get_close_matches(pid, list(self.by_id), n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(repr(n) for n in near)}?" if near else ""
        raise PatternError(f"Unknown pattern '{pid}'.{hint} See 'nexture patterns list'.")

    def patterns(self) -> List[Pattern]:
        return sorted(self.by_id.values(), key=lambda p: p.id)

    def ids(self) -> List[str]:
        return sorted(self.by_id)

    def __contains__(self, pid: object) -> bool:
        return pid in self.by_id

    def __iter__(self) -> Iterator[Pattern]:
        return iter(self.patterns())

    def __len__(self) -> int:
        return len(self.by_id)


def bank_folders(
    extra_paths: Optional[Sequence[Path]] = None, user_bank: Optional[Path] = None
) -> List[Tuple[Path, str]]:
    folders = [(builtin_bank_dir(), "builtin")]
    env = os.environ.get("NEXTURE_PATTERN_PATH", "")
    folders += [(Path(p).expanduser(), "path") for p in env.split(os.pathsep) if p.strip()]
    folders += [(Path(p), "path") for p in (extra_paths or [])]
    folders.append((Path(user_bank) if user_bank else user_bank_dir(), "user"))
    return folders


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def on_search_path(folder: Path) -> bool:
    """True when ``load_bank`` looks in ``folder`` (built-in, NEXTURE_PATTERN_PATH or the user bank)."""
    return any(_same_folder(root, Path(folder)) for root, _ in bank_folders())


def earlier_pattern(pid: str, target: Path) -> Optional[Path]:
    """The folder of a pattern ``pid`` that ``load_bank`` finds before ``target``'s, else None.

    An import into ``target`` under that id would never be used. When ``target``
    is not on the search path, only the built-in bank counts (it always comes first).
    """
    folders = [root for root, _ in bank_folders()]
    position = next((i for i, root in enumerate(folders) if _same_folder(root, Path(target))), None)
    for root in folders[: 1 if position is None else position]:
        if (root / pid / MANIFEST).is_file():
            return root / pid
    return None


def load_bank(extra_paths: Optional[Sequence[Path]] = None, user_bank: Optional[Path] = None) -> PatternBank:
    """Every pattern from every bank folder (see the module docstring for the order)."""
    bank = PatternBank()
    for root, source in bank_folders(extra_paths, user_bank):
        if not root.is_dir():
            continue
        for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
            if not (folder / MANIFEST).exists():
                continue
            try:
                pattern = pattern_from_folder(folder, source)
            except PatternError as exc:
                bank.warnings.append(str(exc))
                continue
            if pattern.id in bank.by_id:
                first = bank.by_id[pattern.id].folder
                bank.warnings.append(
                    f"Pattern '{pattern.id}' in {folder} is ignored: the id is already taken by {first}."
                )
                continue
            bank.by_id[pattern.id] = pattern
    return bank
