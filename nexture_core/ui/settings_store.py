"""Panel state kept between sessions in ``QSettings("Nexture", "Nexture")``.

QSettings returns strings from INI files and native types from the registry or
plist, so every read here converts explicitly and falls back to the default on
anything unparsable: a hand-edited or stale settings file must never stop the
panel from opening.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, List

from .qt import QtCore

ORGANISATION = "Nexture"
APPLICATION = "Nexture"
MAX_RECENT = 10


class SettingsStore:
    """Typed get/set over QSettings, plus the recent-files list."""

    def __init__(self, group: str = "panel") -> None:
        # Honour setDefaultFormat/setPath (tests, studio-wide INI files); the plain
        # (organisation, application) constructor would always use the native format.
        QSettings = QtCore.QSettings
        self.qsettings = QSettings(QSettings.defaultFormat(), QSettings.UserScope, ORGANISATION, APPLICATION)
        self.group = group

    def _key(self, name: str) -> str:
        return f"{self.group}/{name}"

    def set(self, name: str, value: Any) -> None:
        if isinstance(value, (list, tuple)):
            value = ",".join(str(v) for v in value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        self.qsettings.setValue(self._key(name), value)

    def get_str(self, name: str, default: str = "") -> str:
        value = self.qsettings.value(self._key(name), None)
        return default if value is None else str(value)

    def get_float(self, name: str, default: float) -> float:
        try:
            return float(self.qsettings.value(self._key(name), default))
        except (TypeError, ValueError):
            return default

    def get_int(self, name: str, default: int) -> int:
        try:
            return int(float(self.qsettings.value(self._key(name), default)))
        except (TypeError, ValueError):
            return default

    def get_bool(self, name: str, default: bool) -> bool:
        value = self.qsettings.value(self._key(name), None)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in ("1", "true", "yes", "on")

    def get_list(self, name: str, default: List[str]) -> List[str]:
        value = self.qsettings.value(self._key(name), None)
        if value is None:
            return list(default)
        if isinstance(value, (list, tuple)):
            return [str(v) for v in value if str(v)]
        return [v for v in str(value).split(",") if v]

    # -- recent files ------------------------------------------------------------
    def recent_files(self) -> List[str]:
        """Most recent first; files that no longer exist are dropped."""
        value = self.qsettings.value("recent/files", [])
        items = [value] if isinstance(value, str) else list(value or [])
        return [p for p in (str(v) for v in items) if p and Path(p).exists()][:MAX_RECENT]

    def add_recent_file(self, path) -> List[str]:
        path = str(Path(path).resolve())
        items = [path] + [p for p in self.recent_files() if p != path]
        self.qsettings.setValue("recent/files", items[:MAX_RECENT])
        return items[:MAX_RECENT]

    def sync(self) -> None:
        self.qsettings.sync()
