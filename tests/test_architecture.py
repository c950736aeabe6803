"""The map of nexture_core's rooms (docs/architecture.md), checked on every import.

Every ``import`` in nexture_core is parsed (ast, lazy imports inside functions
included) and must follow the map: a room imports only from rooms before it,
no two parts of the package import each other, the front ends keep their own
direction, nothing imports a host (nuke, hou, maya) or the command line, and no
private ``_name`` crosses from one room into another.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "nexture_core"
DOC = ROOT / "docs" / "architecture.md"

# The rooms in import order: a room may import from the rooms before it and
# from itself, never from a room after it. Each names the modules/packages
# (directly under nexture_core) it holds.
ROOMS: List[Tuple[str, Set[str]]] = [
    ("foundation", {"errors", "settings", "progress", "job", "units", "requests"}),
    ("io", {"io"}),
    ("maps", {"maps", "filters", "lookdev", "crossmaps", "relief"}),
    ("patterns", {"patterns", "example"}),
    ("network", {"network"}),
    ("synthesis", {"synthesis"}),
    ("api", {"api", "preflight", "run_files"}),
    ("metrics", {"metrics"}),
    ("batch", {"batch", "udim"}),
    ("front ends", {"hosts", "ui", "cli", "__main__"}),
]
# The front ends share a room; between them only these directions are refused.
FRONT_END_FORBIDDEN = {("ui", "hosts"), ("ui", "cli"), ("hosts", "cli")}
# Host applications' own modules: the core never imports them (plugins/ does).
HOST_MODULES = {"nuke", "nukescripts", "hou", "hdefereval", "toolutils", "maya", "pymel", "mtoa"}
# The package root re-exports the public API lazily (``nexture_core.synthesize``),
# so its import of api is allowed; nothing else may look upwards.
ROOT_UNIT = ""

# Imports that break the map and are being removed on another branch right now.
# The lead empties this at merge; an entry that no longer matches fails below.
ALLOWED_FOR_NOW: Set[Tuple[str, str]] = set()


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. nexture_core.ui.panel
    target: str  # the imported module, e.g. nexture_core.hosts.requests
    names: Tuple[str, ...]  # names taken with ``from target import ...``
    line: int

    def __str__(self) -> str:
        return f"{self.module} (line {self.line}) imports {self.target}" + (
            f" [{', '.join(self.names)}]" if self.names else ""
        )


def module_files() -> Dict[str, Path]:
    files = {}
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        files[".".join(parts)] = path
    return files


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(module: str, path: Path, known: Set[str]) -> Iterator[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, alias.name, (), node.lineno)
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, is_package, node)
            plain = []
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in known:  # ``from .. import udim``: the module itself
                    yield Import(module, sub, (), node.lineno)
                else:
                    plain.append(alias.name)
            if plain:
                yield Import(module, target, tuple(plain), node.lineno)


def all_imports() -> List[Import]:
    files = module_files()
    known = set(files)
    return [imp for module, path in files.items() for imp in imports_of(module, path, known)]


def unit_of(module: str) -> str:
    """The module or package directly under nexture_core that holds ``module``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ROOT_UNIT


RANK = {unit: rank for rank, (_, units) in enumerate(ROOMS) for unit in units}
ROOM = {unit: name for name, units in ROOMS for unit in units}


def internal(imports: List[Import]) -> List[Import]:
    return [i for i in imports if i.target == PACKAGE or i.target.startswith(PACKAGE + ".")]


def test_every_part_of_the_package_is_on_the_map():
    units = {unit_of(m) for m in module_files()} - {ROOT_UNIT}
    missing = sorted(units - set(RANK))
    assert not missing, f"place {missing} in a room of ROOMS (tests/test_architecture.py) and docs/architecture.md"
    stale = sorted(set(RANK) - units)
    assert not stale, f"ROOMS names {stale}, which no longer exist"
    text = DOC.read_text(encoding="utf-8")
    undocumented = sorted(u for u in units if f"`{u}`" not in text)
    assert not undocumented, f"docs/architecture.md does not mention {undocumented}"


def test_rooms_import_only_from_rooms_before_them():
    bad = []
    for imp in internal(all_imports()):
        src, dst = unit_of(imp.module), unit_of(imp.target)
        if ROOT_UNIT in (src, dst) or (imp.module, imp.target) in ALLOWED_FOR_NOW:
            continue
        if RANK[dst] > RANK[src] or (src, dst) in FRONT_END_FORBIDDEN:
            bad.append(f"{imp}: room '{ROOM[src]}' may not import from room '{ROOM[dst]}'")
    assert not bad, "imports against the map (docs/architecture.md):\n" + "\n".join(bad)


def test_no_two_parts_of_the_package_import_each_other():
    graph: Dict[str, Set[str]] = {}
    for imp in internal(all_imports()):
        src, dst = unit_of(imp.module), unit_of(imp.target)
        if src != dst and ROOT_UNIT not in (src, dst) and (imp.module, imp.target) not in ALLOWED_FOR_NOW:
            graph.setdefault(src, set()).add(dst)
    cycles = []
    for start in sorted(graph):
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in sorted(graph.get(node, ())):
                if nxt == start:
                    cycles.append(" -> ".join(path + [start]))
                elif nxt not in path and nxt > start:  # report each cycle once, from its smallest unit
                    stack.append((nxt, path + [nxt]))
    assert not cycles, "import cycles:\n" + "\n".join(sorted(cycles))


def test_the_core_never_imports_a_host_or_the_command_line():
    bad = []
    for imp in all_imports():
        top = imp.target.split(".")[0]
        if top in HOST_MODULES:
            bad.append(f"{imp}: the core never imports a host; plugins/ hands pixels over")
        src = unit_of(imp.module)
        if unit_of(imp.target) == "cli" and imp.target.startswith(PACKAGE) and src not in ("cli", "__main__"):
            bad.append(f"{imp}: the library never imports the command line")
    assert not bad, "\n".join(bad)


def test_no_private_name_crosses_rooms():
    bad = []
    for imp in internal(all_imports()):
        src, dst = unit_of(imp.module), unit_of(imp.target)
        if ROOT_UNIT in (src, dst) or ROOM[src] == ROOM[dst]:
            continue
        private = [n for n in imp.names if n.startswith("_") and not n.startswith("__")]
        private += [p for p in imp.target.split(".") if p.startswith("_") and not p.startswith("__")]
        if private:
            bad.append(f"{imp}: private {private} used outside its room; make it public where it belongs")
    assert not bad, "\n".join(bad)


def test_the_allow_list_holds_only_imports_that_still_exist():
    present = {(i.module, i.target) for i in all_imports()}
    stale = sorted(ALLOWED_FOR_NOW - present)
    assert not stale, f"remove {stale} from ALLOWED_FOR_NOW: the import is gone"
