"""TOML job files: many work items (single maps or UDIM sets), validated before any work.

A job file::

    [batch]                 # optional
    retries = 2             # per task, then reported and the rest go on
    joins = "auto"          # default for UDIM items: "auto" | "on" | "off"

    [settings]              # optional defaults for every item (any Settings field)
    preset = "draft"
    seed = 7

    [[item]]
    name = "hero_face"                          # optional; default: the input's name
    input = "disp/hero_face.<UDIM>.exr"         # relative paths: from the job file's folder
    patterns = ["cheek"]
    output = "out/hero_face_{pattern}.<UDIM>.exr"
    [item.settings]                             # overrides the defaults for this item
    strength = 1.2

Every problem is a :class:`SettingsError` naming the file, the item and the key.
``nexture_core.api`` (torch) is imported only when a request is built, so
validating a job (``--dry-run``) stays quick.
"""

from __future__ import annotations

import dataclasses
import difflib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Union

from .. import udim
from ..errors import InputError, NextureError, OutputError, SettingsError
from ..patterns import DEFAULT_PATTERN, load_bank
from ..settings import Settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT_RETRIES = 2
SETTINGS_FIELDS = tuple(f.name for f in dataclasses.fields(Settings) if f.name != "extra")
ITEM_KEYS = (
    "name",
    "input",
    "patterns",
    "pattern",
    "output",
    "masks",
    "id_map",
    "id_values",
    "base_albedo",
    "base_specular",
    "channel",
    "part",
    "nan",
    "format",
    "dtype",
    "joins",
    "settings",
)
BATCH_KEYS = ("retries", "joins")
TOP_KEYS = ("batch", "settings", "item")
PATH_KEYS = ("input", "output", "id_map", "base_albedo", "base_specular")
FORMATS = ("exr", "tif", "png")
DTYPES = ("uint8", "uint16", "half", "float")
NAN_MODES = ("error", "zero", "fill")


@dataclass
class WorkItem:
    """One input (a map or a UDIM set) with its patterns, settings and output template."""

    name: str
    input: str
    patterns: List[str]
    settings: Settings
    output: Optional[str] = None
    masks: Optional[List[str]] = None
    id_map: Optional[str] = None
    id_values: Optional[List[float]] = None
    base_albedo: Optional[str] = None
    base_specular: Optional[str] = None
    channel: Optional[str] = None
    part: Optional[Union[str, int]] = None
    nan: str = "error"
    output_format: Optional[str] = None
    output_dtype: Optional[str] = None
    joins: str = "auto"

    @property
    def is_set(self) -> bool:
        return udim.is_udim_path(self.input)

    def tiles(self) -> List[udim.Tile]:
        """The set's tiles on disk (InputError when none); a single map has none."""
        return udim.find_tiles(self.input) if self.is_set else []

    def output_template(self) -> Optional[str]:
        """The set's output template with ``{name}`` filled (tile token kept)."""
        if not self.is_set:
            return self.output
        if self.output is None:
            token = udim.UVTILE_TOKEN if udim.UVTILE_TOKEN.lower() in self.input.lower() else "<UDIM>"
            return str(Path(self.input).parent / f"{udim.set_name(self.input)}_{{pattern}}_{{map}}.{token}.{{ext}}")
        return self.output.replace("{name}", udim.set_name(self.input))

    def request_for(self, tile: Optional[udim.Tile]):
        """The file-level request of one tile (or of the single map when ``tile`` is None)."""
        from ..api import FileRequest  # torch

        if tile is None:
            return FileRequest(
                input=self.input,
                patterns=list(self.patterns),
                settings=self.settings,
                output=self.output,
                channel=self.channel,
                part=self.part,
                masks=self.masks,
                id_map=self.id_map,
                id_values=self.id_values,
                base_albedo=self.base_albedo,
                base_specular=self.base_specular,
                nan=self.nan,
                output_format=self.output_format,
                output_dtype=self.output_dtype,
            )
        template = self.output_template()
        return FileRequest(
            input=str(tile.path),
            patterns=list(self.patterns),
            settings=self.settings.replace(seed=udim.tile_seed(self.settings.seed, tile.number)),
            output=udim.output_path_for(template, tile) if template else None,
            channel=self.channel,
            part=self.part,
            masks=[udim.resolve_for_tile(m, tile) for m in self.masks] if self.masks else None,
            id_map=udim.resolve_for_tile(self.id_map, tile),
            id_values=self.id_values,
            base_albedo=udim.resolve_for_tile(self.base_albedo, tile),
            base_specular=udim.resolve_for_tile(self.base_specular, tile),
            nan=self.nan,
            output_format=self.output_format,
            output_dtype=self.output_dtype,
        )


@dataclass
class BatchJob:
    """A validated job: its file (None when built in code), items and retry count."""

    path: Optional[Path]
    items: List[WorkItem] = field(default_factory=list)
    retries: int = DEFAULT_RETRIES


def item_from_request(request, joins: str = "auto", name: Optional[str] = None) -> WorkItem:
    """A work item for one :class:`~nexture_core.api.FileRequest` (``nexture synth`` on a set)."""
    if joins not in udim.JOIN_MODES:
        raise SettingsError(f"--joins {joins!r} is unknown; use 'auto', 'on' or 'off'.")
    src = str(request.input)
    return WorkItem(
        name=name or (udim.set_name(src) if udim.is_udim_path(src) else Path(src).stem),
        input=src,
        patterns=list(request.patterns),
        settings=request.settings.validated(),
        output=request.output,
        masks=[str(m) for m in request.masks] if request.masks else None,
        id_map=str(request.id_map) if request.id_map else None,
        id_values=request.id_values,
        base_albedo=str(request.base_albedo) if request.base_albedo else None,
        base_specular=str(request.base_specular) if request.base_specular else None,
        channel=request.channel,
        part=request.part,
        nan=request.nan,
        output_format=request.output_format,
        output_dtype=request.output_dtype,
        joins=joins,
    )


# ------------------------------------------------------------------- loading
def load_job(path: Union[str, Path], check_files: bool = True) -> BatchJob:
    """Read and fully validate a job file; raises SettingsError/InputError naming file, item and key."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: job file not found.")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise SettingsError(f"{path}: not a text file; a job file is TOML.") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML ({exc}).") from None
    return parse_job(data, path, check_files=check_files)


def parse_job(data: Dict[str, Any], path: Path, check_files: bool = True) -> BatchJob:
    """Validate an already-parsed job table (``path`` names it in errors and anchors relative paths)."""
    where = str(path)
    _unknown(data, TOP_KEYS, where, "top level")
    batch = _table(data.get("batch", {}), where, "[batch]")
    _unknown(batch, BATCH_KEYS, where, "[batch]")
    retries = batch.get("retries", DEFAULT_RETRIES)
    if not isinstance(retries, int) or isinstance(retries, bool) or not 0 <= retries <= 20:
        raise SettingsError(f"{where}: [batch] retries = {retries!r} must be a whole number from 0 to 20.")
    default_joins = _joins(batch.get("joins", "auto"), where, "[batch]")
    defaults = _table(data.get("settings", {}), where, "[settings]")
    _unknown(defaults, SETTINGS_FIELDS, where, "[settings]")
    raw_items = data.get("item")
    if not isinstance(raw_items, list) or not raw_items:
        raise SettingsError(f"{where}: no work items; add at least one [[item]] table with input and patterns.")
    items = []
    names = set()
    for index, raw in enumerate(raw_items, start=1):
        item = _parse_item(raw, index, defaults, default_joins, path, check_files)
        if item.name in names:
            raise SettingsError(
                f"{where}: item {index}: name {item.name!r} is used twice; give each item its own name."
            )
        names.add(item.name)
        items.append(item)
    job = BatchJob(path=path.resolve(), items=items, retries=retries)
    if check_files:
        _check_outputs_distinct(job)
    return job


def _parse_item(raw: Any, index: int, defaults: dict, default_joins: str, path: Path, check_files: bool) -> WorkItem:
    label = f"item {index}"
    if isinstance(raw, dict) and isinstance(raw.get("name"), str):
        label = f"item {index} ({raw['name']})"
    where = f"{path}: {label}"
    raw = _table(raw, str(path), label)
    _unknown(raw, ITEM_KEYS, str(path), label)
    if "input" not in raw:
        raise SettingsError(f"{where}: the key 'input' is missing; give the map or UDIM set to process.")
    base = path.resolve().parent
    values: Dict[str, Any] = {}
    for key in PATH_KEYS:
        if key in raw:
            values[key] = _path(raw[key], base, where, key)
    patterns = raw.get("patterns", raw.get("pattern"))
    if "patterns" in raw and "pattern" in raw:
        raise SettingsError(f"{where}: give 'patterns' or 'pattern', not both.")
    if isinstance(patterns, str):
        patterns = [patterns]
    if patterns is None:
        patterns = [DEFAULT_PATTERN]
    if not isinstance(patterns, list) or not patterns or not all(isinstance(p, str) and p for p in patterns):
        raise SettingsError(f"{where}: 'patterns' must be a list of pattern ids, e.g. [\"cheek\"].")
    masks = raw.get("masks")
    if masks is not None:
        if not isinstance(masks, list) or not all(isinstance(m, str) for m in masks):
            raise SettingsError(f"{where}: 'masks' must be a list of file paths, one per pattern.")
        if len(masks) != len(patterns):
            raise SettingsError(
                f"{where}: 'masks' has {len(masks)} file(s) for {len(patterns)} pattern(s); give one mask per pattern, in order."
            )
        masks = [_path(m, base, where, "masks") for m in masks]
    if masks and "id_map" in values:
        raise SettingsError(f"{where}: give 'masks' or 'id_map', not both.")
    id_values = raw.get("id_values")
    if id_values is not None and (
        not isinstance(id_values, list)
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in id_values)
    ):
        raise SettingsError(f"{where}: 'id_values' must be a list of numbers, one per pattern.")
    own_settings = _table(raw.get("settings", {}), str(path), f"{label} settings")
    _unknown(own_settings, SETTINGS_FIELDS, str(path), f"{label} settings")
    settings = _settings({**defaults, **own_settings}, where)
    item = WorkItem(
        name=_name(raw, values["input"], where),
        input=values["input"],
        patterns=patterns,
        settings=settings,
        output=values.get("output"),
        masks=masks,
        id_map=values.get("id_map"),
        id_values=[float(v) for v in id_values] if id_values else None,
        base_albedo=values.get("base_albedo"),
        base_specular=values.get("base_specular"),
        channel=_opt_str(raw, "channel", where),
        part=_part(raw.get("part"), where),
        nan=_choice(raw, "nan", NAN_MODES, "error", where),
        output_format=_choice(raw, "format", FORMATS, None, where),
        output_dtype=_choice(raw, "dtype", DTYPES, None, where),
        joins=_joins(raw.get("joins", default_joins), where, label),
    )
    _check_patterns(item, where)
    if check_files:
        _check_files(item, where)
    return item


def _settings(values: dict, where: str) -> Settings:
    kwargs = dict(values)
    if "maps" in kwargs:
        maps = kwargs["maps"]
        if isinstance(maps, str):
            maps = [m.strip() for m in maps.split(",") if m.strip()]
        if not isinstance(maps, list):
            raise SettingsError(f'{where}: settings key \'maps\' must be a list such as ["displacement", "normal"].')
        kwargs["maps"] = tuple(maps)
    types = {f.name: f.type for f in dataclasses.fields(Settings)}
    for key, value in kwargs.items():
        expected = str(types.get(key, ""))
        if "float" in expected and isinstance(value, int) and not isinstance(value, bool):
            kwargs[key] = float(value)
        elif "bool" in expected and not isinstance(value, bool):
            raise SettingsError(f"{where}: settings key '{key}' must be true or false, not {value!r}.")
        elif expected.startswith("int") or expected == "Optional[int]":
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise SettingsError(f"{where}: settings key '{key}' must be a whole number, not {value!r}.")
        elif "float" in expected and not isinstance(value, (int, float)):
            raise SettingsError(f"{where}: settings key '{key}' must be a number, not {value!r}.")
        elif "str" in expected and value is not None and not isinstance(value, str):
            raise SettingsError(f"{where}: settings key '{key}' must be text, not {value!r}.")
    try:
        return Settings(**kwargs).validated()
    except SettingsError as exc:
        raise SettingsError(f"{where}: {exc}") from None
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{where}: bad settings ({exc}).") from None


def _check_patterns(item: WorkItem, where: str) -> None:
    bank = load_bank()
    for pid in item.patterns:
        try:
            bank.get(pid)
        except NextureError as exc:
            raise SettingsError(f"{where}: key 'patterns': {exc}") from None


def _check_files(item: WorkItem, where: str) -> None:
    """Inputs exist (every tile of a set; companions for every tile); the output template fits."""
    try:
        tiles = item.tiles()
    except InputError as exc:
        raise InputError(f"{where}: key 'input': {exc}") from None
    if not item.is_set and not Path(item.input).is_file():
        raise InputError(f"{where}: key 'input': {item.input} does not exist.")
    if item.is_set and item.output is not None and not udim.is_udim_path(item.output):
        raise SettingsError(
            f"{where}: key 'output': {item.output!r} has no <UDIM> or <UVTILE> token, so every tile would write the same file."
        )
    companions = [("masks", m) for m in (item.masks or [])] + [
        (k, getattr(item, k)) for k in ("id_map", "base_albedo", "base_specular") if getattr(item, k)
    ]
    for key, comp in companions:
        for tile in tiles or [None]:
            p = udim.resolve_for_tile(comp, tile) if tile is not None else comp
            if not Path(p).is_file():
                what = f" for tile {tile.number}" if tile is not None else ""
                raise InputError(f"{where}: key '{key}': {p} does not exist{what}.")


def _check_outputs_distinct(job: BatchJob) -> None:
    """No two items write the same file (the core already refuses overwriting inputs)."""
    seen: Dict[str, str] = {}
    for item in job.items:
        for tile in item.tiles() or [None]:
            template = item.request_for(tile).output
            if template is None:
                continue
            key = str(Path(template).resolve())
            if key in seen and seen[key] != item.name:
                raise OutputError(
                    f"{job.path}: items {seen[key]!r} and {item.name!r} write the same output {template}; give them different 'output' templates."
                )
            seen[key] = item.name


# ------------------------------------------------------------------- helpers
def _unknown(table: dict, allowed: Sequence[str], where: str, label: str) -> None:
    for key in table:
        if key not in allowed:
            near = difflib.get_close_matches(key, allowed, n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else f"; known keys: {', '.join(allowed)}"
            raise SettingsError(f"{where}: {label}: unknown key '{key}'{hint}.")


def _table(value: Any, where: str, label: str) -> dict:
    if not isinstance(value, dict):
        raise SettingsError(f"{where}: {label} must be a table, not {type(value).__name__}.")
    return value


def _path(value: Any, base: Path, where: str, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SettingsError(f"{where}: key '{key}' must be a file path (text).")
    p = Path(value).expanduser()
    return str(p if p.is_absolute() else base / p)


def _name(raw: dict, input_path: str, where: str) -> str:
    name = raw.get("name")
    if name is None:
        return udim.set_name(input_path) if udim.is_udim_path(input_path) else Path(input_path).stem
    if not isinstance(name, str) or not name.strip() or "/" in name or "\\" in name:
        raise SettingsError(f"{where}: key 'name' must be a short text without slashes.")
    return name


def _opt_str(raw: dict, key: str, where: str) -> Optional[str]:
    value = raw.get(key)
    if value is not None and not isinstance(value, str):
        raise SettingsError(f"{where}: key '{key}' must be text.")
    return value


def _part(value: Any, where: str):
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
        return value
    if isinstance(value, str):
        return int(value) if value.isdigit() else value
    raise SettingsError(f"{where}: key 'part' must be an EXR part name or index.")


def _choice(raw: dict, key: str, choices: Sequence[str], default, where: str):
    value = raw.get(key, default)
    if value is not None and value not in choices:
        raise SettingsError(f"{where}: key '{key}' = {value!r} is unknown; use one of {', '.join(choices)}.")
    return value


def _joins(value: Any, where: str, label: str) -> str:
    if value not in udim.JOIN_MODES:
        raise SettingsError(f"{where}: {label}: key 'joins' = {value!r} is unknown; use 'auto', 'on' or 'off'.")
    return value
