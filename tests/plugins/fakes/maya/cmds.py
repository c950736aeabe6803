"""Fake ``maya.cmds``: nodes with typed attributes and one-input-per-plug connections.

Emulates what the plugin relies on, Maya's rules included: ``connectAttr``
refuses a second incoming connection unless ``force``; ``listConnections``
answers per node or per plug; there is one ``progressWindow`` (creating a
second while one is open is an error) with a cancel flag the test can raise;
``polyEvaluate`` answers areas in the scene's linear unit (``currentUnit``,
cm by default); shelf, workspace controls (with a real Qt widget and layout
when Qt is installed, found through ``maya.OpenMayaUI.MQtUtil``), menus and
UI callbacks exist by name.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from fakes import host_call

NODES: Dict[str, Dict[str, Any]] = {}  # name -> {"type": str, "attrs": {attr: value}}
CONNECTIONS: List[Tuple[str, str]] = []  # (source plug, destination plug)
SELECTION: List[str] = []
UI: Dict[str, Dict[str, Any]] = {}  # shelves, buttons, workspace controls by name
PROGRESS: Dict[str, Any] = {"open": False, "progress": 0, "status": "", "cancelled": False, "interruptable": False}
DIALOG_ANSWERS: List[str] = []
WARNINGS: List[str] = []
BATCH = {"value": False}
SCENE = {"name": "", "linear": "cm", "version": "2025", "qt": "6.5.3"}
MESHES: Dict[str, Dict[str, Any]] = {}  # shape -> {"transform": str, "faces": [(world cm^2, uv area)]}
SET_MEMBERS: Dict[str, List[str]] = {}  # shading group -> members ("shape" or "shape.f[a:b]")
CALLBACKS: Dict[str, List[Any]] = {}  # hook -> callables
MENU_ITEMS: List[Dict[str, Any]] = []
IN_VIEW: List[str] = []  # in-view messages shown to the artist
WIDGETS: Dict[str, Any] = {}  # workspace control name -> its Qt widget


def reset() -> None:
    NODES.clear()
    CONNECTIONS.clear()
    SELECTION.clear()
    UI.clear()
    UI["ShelfLayout"] = {"kind": "shelfTabLayout", "children": []}
    PROGRESS.update(open=False, progress=0, status="", cancelled=False, interruptable=False)
    DIALOG_ANSWERS.clear()
    WARNINGS.clear()
    BATCH["value"] = False
    SCENE.update(name="", linear="cm", version="2025", qt="6.5.3")
    MESHES.clear()
    SET_MEMBERS.clear()
    CALLBACKS.clear()
    MENU_ITEMS.clear()
    IN_VIEW.clear()
    for widget in WIDGETS.values():
        widget.deleteLater()
    WIDGETS.clear()


reset()


def _split(plug: str) -> Tuple[str, str]:
    node, _, attr = plug.partition(".")
    if node not in NODES:
        raise RuntimeError(f"No object matches name: {plug}")
    return node, attr


def _unique(name: str) -> str:
    if name not in NODES:
        return name
    base, i = name.rstrip("0123456789"), 1
    while f"{base}{i}" in NODES:
        i += 1
    return f"{base}{i}"


@host_call("maya.cmds.createNode")
def createNode(type: str, name: Optional[str] = None, **flags: Any) -> str:
    node = _unique(name or f"{type}1")
    NODES[node] = {"type": type, "attrs": {}}
    return node


@host_call("maya.cmds.shadingNode")
def shadingNode(
    type: str,
    asTexture: bool = False,
    asShader: bool = False,
    asUtility: bool = False,
    name: Optional[str] = None,
    **flags: Any,
) -> str:
    assert asTexture or asShader or asUtility, "shadingNode needs asTexture, asShader or asUtility"
    node = createNode(type, name=name)
    if type == "file":
        NODES[node]["attrs"].update(fileTextureName="", colorSpace="sRGB", alphaIsLuminance=False, uvTilingMode=0)
    return node


@host_call("maya.cmds.objExists")
def objExists(name: str) -> bool:
    return name.partition(".")[0] in NODES


@host_call("maya.cmds.nodeType")
def nodeType(name: str) -> str:
    return NODES[name.partition(".")[0]]["type"]


@host_call("maya.cmds.setAttr")
def setAttr(attr: str, *values: Any, type: Optional[str] = None) -> None:
    node, name = _split(attr)
    if type == "string" and not isinstance(values[0], str):
        raise RuntimeError(f"setAttr {attr}: a string is expected")
    NODES[node]["attrs"][name] = values[0] if len(values) == 1 else values


@host_call("maya.cmds.getAttr")
def getAttr(attr: str) -> Any:
    node, name = _split(attr)
    return NODES[node]["attrs"].get(name)


@host_call("maya.cmds.connectAttr")
def connectAttr(source: str, destination: str, force: bool = False) -> None:
    _split(source)
    _split(destination)
    existing = [c for c in CONNECTIONS if c[1] == destination]
    if existing and not force:
        raise RuntimeError(f"{destination} is already connected to {existing[0][0]}")
    for c in existing:
        CONNECTIONS.remove(c)
    CONNECTIONS.append((source, destination))


@host_call("maya.cmds.listConnections")
def listConnections(
    obj: str, source: bool = True, destination: bool = True, plugs: bool = False, type: Optional[str] = None
) -> Optional[List[str]]:
    is_plug = "." in obj
    found: List[str] = []
    for src, dst in CONNECTIONS:
        if destination and (src == obj or (not is_plug and src.partition(".")[0] == obj)):
            found.append(dst if plugs else dst.partition(".")[0])
        if source and (dst == obj or (not is_plug and dst.partition(".")[0] == obj)):
            found.append(src if plugs else src.partition(".")[0])
    if type is not None:
        found = [f for f in found if NODES[f.partition(".")[0]]["type"] == type]
    return found or None


@host_call("maya.cmds.ls")
def ls(*names: str, selection: bool = False, type: Union[None, str, Sequence[str]] = None) -> List[str]:
    pool = list(SELECTION) if selection else (list(names) or list(NODES))
    types = None if type is None else ({type} if isinstance(type, str) else set(type))
    return [n for n in pool if n in NODES and (types is None or NODES[n]["type"] in types)]


@host_call("maya.cmds.select")
def select(*names: str, clear: bool = False, replace: bool = False) -> None:
    SELECTION.clear()
    if not clear:
        SELECTION.extend(names)


@host_call("maya.cmds.sets")
def sets(
    *members: str,
    renderable: bool = False,
    noSurfaceShader: bool = False,
    empty: bool = False,
    name: Optional[str] = None,
    query: bool = False,
) -> Any:
    if query:
        return list(SET_MEMBERS.get(members[0], [])) or None
    node = createNode("shadingEngine" if renderable else "objectSet", name=name)
    SET_MEMBERS[node] = list(members)
    return node


def make_mesh(name: str, faces: Sequence[Tuple[float, float]]) -> str:
    """Test helper: a mesh transform + shape whose faces have (world area in cm^2, UV area)."""
    transform = createNode("transform", name=name)
    shape = createNode("mesh", name=f"{name}Shape")
    MESHES[shape] = {"transform": transform, "faces": list(faces)}
    return transform


def _faces_of(member: str) -> List[Tuple[float, float]]:
    shape, _, component = member.partition(".")
    if shape not in MESHES:
        shape = next(s for s, m in MESHES.items() if m["transform"] == shape)
    faces = MESHES[shape]["faces"]
    if not component:
        return faces
    lo, _, hi = component[len("f[") : -1].partition(":")
    return faces[int(lo) : int(hi or lo) + 1]


_CM = {"mm": 0.1, "cm": 1.0, "m": 100.0, "in": 2.54, "ft": 30.48, "yd": 91.44}


@host_call("maya.cmds.polyEvaluate")
def polyEvaluate(
    *objects: str, worldArea: bool = False, uvArea: bool = False, worldFaceArea: bool = False, uvFaceArea: bool = False
) -> Any:
    """Areas in the scene's linear unit; the *FaceArea flags answer one value per face."""
    faces = [f for obj in objects for f in _faces_of(obj)]
    per_unit = _CM[SCENE["linear"]] ** 2
    if worldArea:
        return sum(f[0] for f in faces) / per_unit
    if uvArea:
        return sum(f[1] for f in faces)
    if worldFaceArea:
        return [f[0] / per_unit for f in faces]
    if uvFaceArea:
        return [f[1] for f in faces]
    raise AssertionError("fake polyEvaluate: pass an area flag")


@host_call("maya.cmds.currentUnit")
def currentUnit(query: bool = False, linear: Any = None) -> Any:
    if query and linear:
        return SCENE["linear"]
    SCENE["linear"] = str(linear)
    return SCENE["linear"]


@host_call("maya.cmds.listRelatives")
def listRelatives(item: str, shapes: bool = False, parent: bool = False) -> Optional[List[str]]:
    if shapes:
        found = [s for s, m in MESHES.items() if m["transform"] == item]
    else:
        found = [m["transform"] for s, m in MESHES.items() if s == item]
    return found or None


@host_call("maya.cmds.file")
def file(query: bool = False, sceneName: bool = False) -> Any:
    assert query and sceneName, "fake file(): only query sceneName"
    return SCENE["name"]


@host_call("maya.cmds.about")
def about(batch: bool = False, version: bool = False, qtVersion: bool = False) -> Union[bool, str]:
    if batch:
        return BATCH["value"]
    return SCENE["qt"] if qtVersion else SCENE["version"]


@host_call("maya.cmds.warning")
def warning(message: str) -> None:
    WARNINGS.append(message)


@host_call("maya.cmds.confirmDialog")
def confirmDialog(
    title: str = "",
    message: str = "",
    button: Sequence[str] = (),
    defaultButton: str = "",
    cancelButton: str = "",
    dismissString: str = "",
) -> str:
    UI.setdefault("_dialogs", {"messages": []})["messages"].append(message)
    return DIALOG_ANSWERS.pop(0) if DIALOG_ANSWERS else (defaultButton or (button[0] if button else ""))


@host_call("maya.cmds.progressWindow")
def progressWindow(
    title: str = "",
    progress: Optional[int] = None,
    status: Optional[str] = None,
    isInterruptable: Optional[bool] = None,
    edit: bool = False,
    query: bool = False,
    isCancelled: bool = False,
    endProgress: bool = False,
) -> Any:
    if query:
        assert PROGRESS["open"], "progressWindow queried while closed"
        return PROGRESS["cancelled"] if isCancelled else PROGRESS["progress"]
    if endProgress:
        PROGRESS.update(open=False, cancelled=False)
        return None
    if not edit:
        assert not PROGRESS["open"], "a second progressWindow while one is open"
        PROGRESS.update(open=True, cancelled=False, interruptable=bool(isInterruptable), title=title)
    if progress is not None:
        PROGRESS["progress"] = int(progress)
    if status is not None:
        PROGRESS["status"] = status
    return None


def press_escape() -> None:
    """The artist cancels an interruptable progress window."""
    if PROGRESS["open"] and PROGRESS["interruptable"]:
        PROGRESS["cancelled"] = True


@host_call("maya.cmds.shelfLayout")
def shelfLayout(
    name: str, exists: bool = False, parent: Optional[str] = None, query: bool = False, childArray: bool = False
) -> Any:
    if exists:
        return name in UI and UI[name].get("kind") == "shelfLayout"
    if query:
        return list(UI[name]["children"]) if childArray else None
    assert parent in UI, f"no parent layout {parent}"
    UI[name] = {"kind": "shelfLayout", "children": []}
    UI[parent]["children"].append(name)
    return name


@host_call("maya.cmds.shelfButton")
def shelfButton(
    name: Optional[str] = None,
    parent: Optional[str] = None,
    query: bool = False,
    label: Any = None,
    annotation: str = "",
    image: str = "",
    command: str = "",
    sourceType: str = "mel",
) -> Any:
    if query:
        return UI[str(name)]["label"]
    assert parent in UI, f"no shelf {parent}"
    button = f"shelfButton{sum(1 for v in UI.values() if v.get('kind') == 'shelfButton') + 1}"
    UI[button] = {"kind": "shelfButton", "label": label, "command": command, "sourceType": sourceType, "image": image}
    UI[parent]["children"].append(button)
    return button


@host_call("maya.cmds.workspaceControl")
def workspaceControl(
    name: str, exists: bool = False, label: str = "", floating: bool = False, retain: bool = True, uiScript: str = ""
) -> Any:
    if exists:
        return name in UI
    assert name not in UI, f"workspaceControl {name} already exists"
    UI[name] = {"kind": "workspaceControl", "label": label, "floating": floating}
    try:
        from PySide6 import QtWidgets
    except ImportError:
        return name
    if QtWidgets.QApplication.instance() is None:  # Maya always runs a QApplication
        QtWidgets.QApplication([])
    widget = QtWidgets.QWidget()
    QtWidgets.QVBoxLayout(widget)
    WIDGETS[name] = widget
    return name


@host_call("maya.cmds.deleteUI")
def deleteUI(*names: str, control: bool = False) -> None:
    for name in names:
        if name not in UI:
            raise RuntimeError(f"Object '{name}' not found.")
        del UI[name]
        widget = WIDGETS.pop(name, None)
        if widget is not None:
            widget.deleteLater()


@host_call("maya.cmds.callbacks")
def callbacks(addCallback: Any = None, clearCallbacks: bool = False, hook: str = "", owner: str = "") -> List[str]:
    if clearCallbacks:
        CALLBACKS[hook] = [c for c in CALLBACKS.get(hook, []) if c[0] != owner]
    if addCallback is not None:
        assert owner, "callbacks -addCallback needs an -owner"
        CALLBACKS.setdefault(hook, []).append((owner, addCallback))
    return []


def run_hook(hook: str, *args: Any) -> None:
    """Test helper: Maya builds a UI that runs ``hook``."""
    for _owner, callback in CALLBACKS.get(hook, []):
        callback(*args)


@host_call("maya.cmds.inViewMessage")
def inViewMessage(assistMessage: str = "", position: str = "", fade: bool = False) -> None:
    IN_VIEW.append(assistMessage)


@host_call("maya.cmds.menuItem")
def menuItem(label: str = "", command: Any = None, divider: bool = False) -> str:
    MENU_ITEMS.append({"label": label, "command": command, "divider": divider})
    return f"menuItem{len(MENU_ITEMS)}"
