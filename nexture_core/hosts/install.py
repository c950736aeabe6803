"""``nexture install nuke|houdini|maya``: point a host at this checkout.

Each host has one entry file: Nuke a ``nuke.pluginAddPath(...)`` line in
``~/.nuke/init.py``; Houdini a package JSON in ``$HOUDINI_USER_PREF_DIR/packages``;
Maya a ``.mod`` file in ``~/maya/modules``. Installing twice changes nothing; a
user's file that would change is first copied to ``<name>.nexture-backup-<time>``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

from ..errors import OutputError, SettingsError

HOSTS = ("nuke", "houdini", "maya")
NUKE_MARK = "# nexture: added by 'nexture install nuke'"


def repo_root() -> Path:
    """The checkout holding ``nexture_core`` and ``plugins/``."""
    return Path(__file__).resolve().parents[2]


@dataclass
class InstallResult:
    """What ``install`` did (or, with ``dry_run``, would do)."""

    host: str
    path: Path
    changed: bool
    backup: Optional[Path] = None
    notes: List[str] = field(default_factory=list)

    def describe(self) -> str:
        if not self.changed:
            return f"{self.host}: {self.path} already points at this checkout; nothing changed."
        text = f"{self.host}: wrote {self.path}"
        if self.backup is not None:
            text += f" (your previous file is kept as {self.backup})"
        return "\n".join([text + "."] + self.notes)


def default_destination(host: str) -> Path:
    """The host's per-user folder for its entry file."""
    home = Path.home()
    if host == "nuke":
        return home / ".nuke"
    if host == "houdini":
        pref = os.environ.get("HOUDINI_USER_PREF_DIR")
        if pref:
            return Path(pref) / "packages"
        found = sorted(home.glob("houdini2*.*"))
        return (found[-1] if found else home / "houdini21.0") / "packages"
    if host == "maya":
        return home / "maya" / "modules"
    raise SettingsError(f"Unknown host {host!r}; use one of {', '.join(HOSTS)}.")


def nuke_text(existing: str, root: Path) -> str:
    """``existing`` init.py with one pluginAddPath line for this checkout (and none for others)."""
    plugin = (root / "plugins" / "nuke").as_posix()
    line = f"nuke.pluginAddPath({plugin!r})  {NUKE_MARK}"
    kept = [ln for ln in existing.splitlines() if NUKE_MARK not in ln]
    if not any(ln.strip() == "import nuke" for ln in kept):
        kept.insert(0, "import nuke")
    while kept and not kept[-1].strip():
        kept.pop()
    return "\n".join(kept + [line]) + "\n"


def houdini_text(root: Path) -> str:
    """The package JSON: the checkout's template with NEXTURE_ROOT set to ``root``."""
    template = json.loads((root / "plugins" / "houdini" / "nexture.json").read_text(encoding="utf-8"))
    env = [e for e in template.get("env", []) if "NEXTURE_ROOT" not in e]
    template["env"] = [{"NEXTURE_ROOT": root.as_posix()}] + env
    return json.dumps(template, indent=4) + "\n"


def maya_text(root: Path) -> str:
    """A ``.mod`` file with an absolute path to ``plugins/maya``."""
    module = (root / "plugins" / "maya").as_posix()
    return f"+ nexture 0.1.0 {module}\nNEXTURE_ROOT={root.as_posix()}\n"


ENTRY_NAMES = {"nuke": "init.py", "houdini": "nexture.json", "maya": "nexture.mod"}


def install(host: str, dest: Optional[Path] = None, *, dry_run: bool = False, root: Optional[Path] = None) -> InstallResult:
    """Write (or, with ``dry_run``, only plan) the host's entry file; idempotent.

    Raises :class:`SettingsError` for an unknown host, :class:`OutputError` when the
    folder cannot be written.
    """
    if host not in HOSTS:
        raise SettingsError(f"Unknown host {host!r}; use one of {', '.join(HOSTS)}.")
    root = root or repo_root()
    folder = Path(dest).expanduser() if dest is not None else default_destination(host)
    path = folder / ENTRY_NAMES[host]
    if path.exists() and not path.is_file():
        raise OutputError(f"{path} exists and is not a file; remove it or pass another --dest.")
    existing = path.read_text(encoding="utf-8") if path.is_file() else None
    if host == "nuke":
        new = nuke_text(existing or "", root)
    elif host == "houdini":
        new = houdini_text(root)
    else:
        new = maya_text(root)
    notes = _notes(host)
    if existing == new:
        return InstallResult(host, path, changed=False, notes=notes)
    backup = path.with_name(f"{path.name}.nexture-backup-{time.strftime('%Y%m%d-%H%M%S')}") if existing is not None else None
    if dry_run:
        return InstallResult(host, path, changed=True, backup=backup, notes=["(dry run: nothing was written)"] + notes)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if backup is not None:
            shutil.copy2(path, backup)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(new)
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"{path} cannot be written ({exc.strerror}); pass a writable --dest.") from None
    return InstallResult(host, path, changed=True, backup=backup, notes=notes)


def _notes(host: str) -> List[str]:
    if os.environ.get("NEXTURE_PYTHONPATH"):
        return []
    return [f"{host}: if the host's Python has no torch, set NEXTURE_PYTHONPATH to a site-packages holding it (see docs/hosts.md)."]
