"""``nexture install nuke|houdini|maya``: point a host at this checkout.

Each host has one entry file in its per-user folder: Nuke a
``nuke.pluginAddPath(...)`` line in ``.nuke/init.py``; Houdini a package JSON in
``houdiniX.Y/packages``; Maya a ``.mod`` file in ``maya/modules``. The folders
follow each host's own rules on Linux, Windows and macOS (see
:func:`default_destination`). Installing twice changes nothing; a user's file
that would change is first copied to ``<name>.nexture-backup-<time>``; files
are written atomically. The notes say how to install torch for the host.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Mapping, Optional

from ..errors import NextureError, OutputError, SettingsError
from ..io.atomic import atomic_destination
from .deps import default_target, host_python, install_command
from .pythonpath import env_name

HOSTS = ("nuke", "houdini", "maya")
NUKE_MARK = "# nexture: added by 'nexture install nuke'"
DEFAULT_VERSIONS = {"nuke": "16", "houdini": "21.0", "maya": "2025"}
ENTRY_NAMES = {"nuke": "init.py", "houdini": "nexture.json", "maya": "nexture.mod"}


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
            return "\n".join(
                [f"{self.host}: {self.path} already points at this checkout; nothing changed."] + self.notes
            )
        text = f"{self.host}: wrote {self.path}"
        if self.backup is not None:
            text += f" (your previous file is kept as {self.backup})"
        return "\n".join([text + "."] + self.notes)


def _platform(platform: Optional[str]) -> str:
    p = platform or sys.platform
    return "windows" if p.startswith("win") else "macos" if p == "darwin" else "linux"


def default_destination(
    host: str,
    *,
    platform: Optional[str] = None,
    environ: Mapping[str, str] = os.environ,
    home: Optional[Path] = None,
    version: Optional[str] = None,
) -> Path:
    """The host's per-user folder for its entry file, by the host's own rules.

    * Nuke: ``~/.nuke``; on Windows under ``%HOME%`` when set, else ``%USERPROFILE%``.
    * Houdini: ``$HOUDINI_USER_PREF_DIR/packages``, else ``~/houdiniX.Y`` (Linux),
      ``~/Library/Preferences/houdini/X.Y`` (macOS), ``Documents\\houdiniX.Y`` (Windows);
      the newest existing version folder unless ``version`` is given.
    * Maya: ``$MAYA_APP_DIR/modules``, else ``~/maya`` (Linux),
      ``~/Library/Preferences/Autodesk/maya`` (macOS), ``Documents\\maya`` (Windows).
    """
    os_name = _platform(platform)
    home = Path(home) if home is not None else Path.home()
    if host == "nuke":
        if os_name == "windows":
            base = environ.get("HOME") or environ.get("USERPROFILE")
            return (Path(base) if base else home) / ".nuke"
        return home / ".nuke"
    if host == "houdini":
        pref = environ.get("HOUDINI_USER_PREF_DIR")
        if pref:  # may hold __HVER__, Houdini's placeholder for its X.Y version
            return Path(pref.replace("__HVER__", version or DEFAULT_VERSIONS["houdini"])) / "packages"
        return _houdini_prefs(os_name, environ, home, version) / "packages"
    if host == "maya":
        app_dir = environ.get("MAYA_APP_DIR")
        if app_dir:
            return Path(app_dir) / "modules"
        if os_name == "windows":
            return Path(environ.get("USERPROFILE") or home) / "Documents" / "maya" / "modules"
        if os_name == "macos":
            return home / "Library" / "Preferences" / "Autodesk" / "maya" / "modules"
        return home / "maya" / "modules"
    raise SettingsError(f"Unknown host {host!r}; use one of {', '.join(HOSTS)}.")


def _houdini_prefs(os_name: str, environ: Mapping[str, str], home: Path, version: Optional[str]) -> Path:
    if os_name == "macos":
        parent, prefix = home / "Library" / "Preferences" / "houdini", ""
    elif os_name == "windows":
        parent, prefix = Path(environ.get("HOME") or Path(environ.get("USERPROFILE") or home) / "Documents"), "houdini"
    else:
        parent, prefix = home, "houdini"
    if version is None:
        found = sorted(
            parent.glob(f"{prefix}[0-9]*.[0-9]*"),
            key=lambda p: tuple(int(x) for x in p.name[len(prefix) :].split(".") if x.isdigit()),
        )
        if found:
            return found[-1]
        version = DEFAULT_VERSIONS["houdini"]
    return parent / f"{prefix}{version}"


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


def install(
    host: str,
    dest: Optional[Path] = None,
    *,
    dry_run: bool = False,
    root: Optional[Path] = None,
    version: Optional[str] = None,
) -> InstallResult:
    """Write (or, with ``dry_run``, only plan) the host's entry file; idempotent.

    Raises :class:`SettingsError` for an unknown host, :class:`OutputError` when the
    folder cannot be written.
    """
    if host not in HOSTS:
        raise SettingsError(f"Unknown host {host!r}; use one of {', '.join(HOSTS)}.")
    root = root or repo_root()
    folder = Path(dest).expanduser() if dest is not None else default_destination(host, version=version)
    path = folder / ENTRY_NAMES[host]
    if path.exists() and not path.is_file():
        raise OutputError(f"{path} exists and is not a file; remove it or pass another --dest.")
    existing = path.read_text(encoding="utf-8") if path.is_file() else None
    new = (
        nuke_text(existing or "", root)
        if host == "nuke"
        else houdini_text(root)
        if host == "houdini"
        else maya_text(root)
    )
    notes = dependency_notes(host, version or DEFAULT_VERSIONS[host])
    if existing == new:
        return InstallResult(host, path, changed=False, notes=notes)
    backup = (
        path.with_name(f"{path.name}.nexture-backup-{time.strftime('%Y%m%d-%H%M%S')}") if existing is not None else None
    )
    if dry_run:
        return InstallResult(host, path, changed=True, backup=backup, notes=["(dry run: nothing was written)"] + notes)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if backup is not None:
            shutil.copy2(path, backup)
        with atomic_destination(path) as tmp:
            tmp.write_text(new, encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"{path} cannot be written ({exc.strerror}); pass a writable --dest.") from None
    return InstallResult(host, path, changed=True, backup=backup, notes=notes)


def dependency_notes(host: str, version: str) -> List[str]:
    """How to give this host version's Python torch & co (skipped when its variable is set)."""
    variable = env_name(host, version)
    if os.environ.get(variable) or os.environ.get("NEXTURE_PYTHONPATH"):
        return []
    target = default_target(host, version)
    return [
        f"{host} {version}: install the engine's packages for its own Python, then set {variable}={target}:",
        "  " + install_command(host, version, host_python(host, executable=f"<{host} install>/nuke"), target),
    ]


def houdini_build_command(otls: Path, environ: Mapping[str, str] = os.environ) -> List[str]:
    """The hython command that builds the Nexture HDAs into ``otls`` (a user folder)."""
    hython = shutil.which("hython") or (
        str(Path(environ["HFS"]) / "bin" / "hython") if environ.get("HFS") else "hython"
    )
    return [hython, str(repo_root() / "plugins" / "houdini" / "build_hda.py"), "--dest", str(otls)]


def build_houdini_assets(package_folder: Path) -> str:
    """Run the HDA build with hython (needs a Houdini licence); returns what it printed.

    Raises :class:`NextureError` with the command to run by hand when hython is missing or fails.
    """
    command = houdini_build_command(package_folder.parent / "otls")
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise NextureError(f"hython could not build the Nexture HDAs ({exc}); run: {' '.join(command)}") from None
    if done.returncode != 0:
        raise NextureError(
            f"hython failed to build the Nexture HDAs ({done.stderr.strip()[-300:]}); run: {' '.join(command)}"
        )
    return done.stdout.strip()
