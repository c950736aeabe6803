"""Atomic replacement of a destination file, and refusing to overwrite inputs.

A crashed or interrupted write must never leave a half-written map where a
renderer or the next job would pick it up, nor damage the file already there:
we write ``.<name>.tmp-<pid>-<rand><ext>`` beside the destination (same file
system, and the real extension so OpenImageIO picks the right writer), fsync it,
then ``os.replace`` it over the destination in one step.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Iterable, Iterator, Optional, Union

from ..errors import OutputError

PathLike = Union[str, "os.PathLike[str]"]


def same_file(a: PathLike, b: PathLike) -> bool:
    """True when ``a`` and ``b`` name the same file (hard links, symlinks, ``..``)."""
    try:
        if os.path.exists(a) and os.path.exists(b):
            return os.path.samefile(a, b)
    except OSError:
        pass
    return Path(a).resolve() == Path(b).resolve()


def check_not_protected(path: PathLike, protect: Iterable[PathLike]) -> None:
    """Raise :class:`OutputError` when ``path`` is one of the ``protect`` files (the inputs)."""
    for other in protect or ():
        if other is not None and same_file(path, other):
            raise OutputError(f"Output {path} would overwrite the input {other}; choose another output path.")


def folder_problem(folder: Path) -> Optional[str]:
    """Why files cannot be created in ``folder`` (its missing parents created on the way), or None.

    Looks only: the nearest existing ancestor must be a folder we may write into.
    """
    existing = Path(folder)
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"{existing} is a file, so the folder cannot be created"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"the folder {existing} is not writable"
    return None


def temp_path_for(dest: Path) -> Path:
    """Hidden temp name beside ``dest`` that keeps its extension, e.g. ``.a.tmp-12-9f3c.exr``."""
    return dest.with_name(f".{dest.stem}.tmp-{os.getpid()}-{secrets.token_hex(4)}{dest.suffix}")


def prepare_folder(dest: Path) -> None:
    """Create ``dest``'s parent folders (artists expect it); OutputError when that fails."""
    if dest.is_dir():
        raise OutputError(f"Output {dest} is a folder; give a file name with an extension.")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"Output folder {dest.parent} cannot be created ({exc.strerror or exc}).") from None
    if not os.access(dest.parent, os.W_OK):
        raise OutputError(f"Output folder {dest.parent} is not writable.")


def fsync_file(path: Path) -> None:
    """Flush ``path``'s data to disk so the rename below publishes complete bytes."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable; not possible on every platform/file system.
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_destination(dest: PathLike) -> Iterator[Path]:
    """Yield a temp path to write; on success it replaces ``dest``, on any error
    (KeyboardInterrupt included) it is removed and ``dest`` is left untouched.

    The parent folder is created if missing.
    """
    dest = Path(dest)
    prepare_folder(dest)
    tmp = temp_path_for(dest)
    try:
        yield tmp
        if not tmp.exists():
            raise OutputError(f"Output {dest} was not written (the writer produced no file).")
        fsync_file(tmp)
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_folder(dest.parent)
