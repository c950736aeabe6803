"""A folder of finished results keyed by input pixels + settings.

Hosts re-cook and scripts are reopened far more often than settings change, so
a result is stored once under ``<root>/<key>/`` and found again by the same key:
``key = sha256(input pixels digest, pattern, settings, nexture version)``.
A folder counts as a hit only when its ``manifest.json`` exists; the manifest is
written (atomically, :mod:`nexture_core.io.atomic`) after every map, so an
interrupted run is never served.

Where: ``$NEXTURE_CACHE`` (a studio path every farm machine sees) when set, else
beside the saved script/scene (``<its folder>/nexture_cache``) so a farm render
of that script finds the results, else the per-user cache.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Dict, Mapping, Optional, Sequence, Union

import numpy as np

from ..errors import InputError, OutputError
from ..io.atomic import atomic_destination
from ..settings import Settings

MANIFEST = "manifest.json"
BESIDE_DOCUMENT = "nexture_cache"
# Settings that change where the work runs but not what it computes.
_NOT_IN_KEY = ("device", "max_memory_gb", "extra")


def default_cache_root() -> Path:
    """``$NEXTURE_CACHE`` or ``~/.cache/nexture/results`` (per user, survives sessions)."""
    env = os.environ.get("NEXTURE_CACHE")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "nexture" / "results"


def cache_root_for(document: Optional[Union[str, Path]]) -> Path:
    """Where a host caches results for ``document`` (its saved script/scene path, or None).

    ``$NEXTURE_CACHE`` wins (a studio path); a saved document gets
    ``<its folder>/nexture_cache``, so farm machines that open the same file find
    the results; an unsaved one falls back to the per-user cache.
    """
    if os.environ.get("NEXTURE_CACHE") or not document:
        return default_cache_root()
    return Path(document).expanduser().resolve().parent / BESIDE_DOCUMENT


def array_digest(pixels: np.ndarray) -> str:
    """sha256 of an array's shape, dtype and bytes (any layout)."""
    arr = np.ascontiguousarray(pixels)
    h = hashlib.sha256()
    h.update(repr((arr.shape, arr.dtype.str)).encode())
    h.update(arr.tobytes())
    return h.hexdigest()


def image_digest(path: Union[str, Path]) -> str:
    """Digest of an image file's *pixels*, so re-rendering the same image (new header
    timestamps) still hits the cache. Raises :class:`InputError` when unreadable."""
    import OpenImageIO as oiio

    inp = oiio.ImageInput.open(str(path))
    if inp is None:
        raise InputError(f"{path}: cannot be read to compute its cache key ({oiio.geterror()}).")
    try:
        pixels = inp.read_image(0, 0, 0, -1, "float")
    finally:
        inp.close()
    if pixels is None:
        raise InputError(f"{path}: its pixels cannot be read to compute its cache key.")
    return array_digest(np.asarray(pixels))


def cache_key(input_digest: str, patterns: Sequence[str], settings: Settings, extra: Optional[Mapping] = None) -> str:
    """A short stable key (24 hex chars) for one input + pattern list + settings."""
    from .. import __version__

    values = settings.to_dict()
    for name in _NOT_IN_KEY:
        values.pop(name, None)
    payload = {
        "input": input_digest,
        "patterns": list(patterns),
        "settings": values,
        "version": __version__,
        "extra": dict(extra or {}),
    }
    text = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


class ResultCache:
    """Finished results under ``root/<key>/``; see the module docstring."""

    def __init__(self, root: Optional[Union[str, Path]] = None) -> None:
        self.root = Path(root) if root is not None else default_cache_root()

    def folder(self, key: str) -> Path:
        """The folder for ``key``, created when missing. Raises :class:`OutputError`."""
        path = self.root / key
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(
                f"Cache folder {path} cannot be created ({exc.strerror}); set NEXTURE_CACHE to a writable folder."
            ) from None
        return path

    def lookup(self, key: str) -> Optional[Dict[str, Path]]:
        """``{map name: path}`` of a finished result, or None when absent or incomplete."""
        manifest = self.root / key / MANIFEST
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        outputs = {name: self.root / key / rel for name, rel in data.get("outputs", {}).items()}
        if not outputs or not all(_exists(p) for p in outputs.values()):
            return None
        return outputs

    def store(self, key: str, outputs: Mapping[str, Path], info: Optional[Mapping] = None) -> Dict[str, Path]:
        """Record finished ``outputs`` (files inside ``folder(key)``) and return them."""
        folder = self.folder(key)
        rel = {name: os.path.relpath(Path(p), folder) for name, p in outputs.items()}
        text = json.dumps({"outputs": rel, "info": dict(info or {})}, indent=1, sort_keys=True, default=str)
        with atomic_destination(folder / MANIFEST) as tmp:
            tmp.write_text(text, encoding="utf-8")
        return {name: folder / r for name, r in rel.items()}


def _exists(path: Path) -> bool:
    """A file, or a UDIM set (``name.<UDIM>.exr``) with every tile it was stored with on disk."""
    if path.is_file():
        return True
    from ..udim import find_tiles, is_udim_path

    if not is_udim_path(path):
        return False
    try:
        return bool(find_tiles(path))
    except InputError:
        return False
