"""The resume manifest: ``.nexture-manifest.json`` beside the outputs.

It records each finished task with a fingerprint of what made it (the content
hash of every input file, the settings, the output template) and the files it
wrote. A rerun skips a task whose fingerprint matches and whose outputs all
exist, and redoes what changed, failed or lost its output. Only the driver
writes it, atomically, so a killed run leaves the previous manifest intact.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Union

from ..errors import InputError, OutputError
from ..io.atomic import atomic_destination

MANIFEST_NAME = ".nexture-manifest.json"
FORMAT_VERSION = 1
_CHUNK = 4 << 20


class Manifest:
    """Finished tasks and a cache of file digests for one output folder."""

    def __init__(self, folder: Union[str, Path]) -> None:
        self.folder = Path(folder)
        self.path = self.folder / MANIFEST_NAME
        self.tasks: Dict[str, dict] = {}
        self.files: Dict[str, dict] = {}
        if self.path.is_file():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = {}  # an unreadable manifest only costs a full rerun
            if isinstance(data, dict) and data.get("version") == FORMAT_VERSION:
                self.tasks = dict(data.get("tasks", {}))
                self.files = dict(data.get("files", {}))

    def file_digest(self, path: Union[str, Path]) -> str:
        """blake2b of a file's bytes, reused while its size and mtime are unchanged."""
        p = Path(path)
        try:
            st = p.stat()
        except OSError:
            raise InputError(f"{p}: cannot be read to check whether it changed.") from None
        key = str(p.resolve())
        cached = self.files.get(key)
        if cached and cached.get("size") == st.st_size and cached.get("mtime_ns") == st.st_mtime_ns:
            return cached["blake2b"]
        digest = hash_file(p)
        self.files[key] = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "blake2b": digest}
        return digest

    def is_done(self, task_id: str, fingerprint: str) -> bool:
        """True when the task finished with this fingerprint and every output it wrote still exists."""
        entry = self.tasks.get(task_id)
        if not entry or entry.get("fingerprint") != fingerprint:
            return False
        outputs = entry.get("outputs") or []
        return bool(outputs) and all(Path(o).is_file() for o in outputs)

    def record(self, task_id: str, fingerprint: str, outputs: Iterable[Union[str, Path]], seconds: float) -> None:
        self.tasks[task_id] = {
            "fingerprint": fingerprint,
            "outputs": [str(o) for o in outputs],
            "seconds": round(float(seconds), 3),
            "finished": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }

    def forget(self, task_id: str) -> None:
        self.tasks.pop(task_id, None)

    def save(self) -> None:
        """Write atomically (:func:`~nexture_core.io.atomic.atomic_destination`)."""
        text = json.dumps(
            {"version": FORMAT_VERSION, "tasks": self.tasks, "files": self.files}, indent=1, sort_keys=True
        )
        try:
            with atomic_destination(self.path) as tmp:
                tmp.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot write the resume manifest ({exc.strerror or exc}).") from None


def hash_file(path: Union[str, Path]) -> str:
    """blake2b (128-bit) of a file's bytes, read in chunks."""
    h = hashlib.blake2b(digest_size=16)
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(_CHUNK), b""):
                h.update(chunk)
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    return h.hexdigest()


def fingerprint(parts: dict) -> str:
    """A stable hash of plain values (settings dicts, digests, templates)."""
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class Manifests:
    """One :class:`Manifest` per output folder, loaded on first use."""

    def __init__(self) -> None:
        self._by_folder: Dict[str, Manifest] = {}

    def for_folder(self, folder: Union[str, Path]) -> Manifest:
        key = str(Path(folder).resolve())
        if key not in self._by_folder:
            self._by_folder[key] = Manifest(key)
        return self._by_folder[key]

    def all(self) -> List[Manifest]:
        return list(self._by_folder.values())

    def save_all(self) -> None:
        for m in self._by_folder.values():
            m.save()


def digest_inputs(manifest: Manifest, paths: Iterable[Optional[Union[str, Path]]]) -> Dict[str, str]:
    """``{path: blake2b}`` for the given files (None entries skipped)."""
    return {str(p): manifest.file_digest(p) for p in paths if p}
