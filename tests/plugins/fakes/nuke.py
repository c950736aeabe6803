"""A fake ``nuke`` module: nodes, knobs, groups, layers, Write rendering, the main-thread queue.

Emulates Nuke's documented behaviour that the plugin relies on, rules included:
``executeInMainThread(call, args)`` wraps a non-tuple ``args`` in a tuple and must
not be called from the main thread (in Nuke that hangs); a script knob on a Group
runs with that group as the current context (nodes it creates land inside it, as
``with group:`` does); ``setInput`` refuses (returns False) to wire nodes that
live in different groups; connecting a Group's input calls its ``knobChanged``
with the ``inputChange`` knob; a ``Copy`` can only write channels of a layer made
with ``nuke.Layer``; ``execute`` on a Write renders its input's ``channels`` to a
real EXR (through OpenImageIO); a source node holds a numpy image in ``pixels``.
Images travel as ``{layer: HxWxN}`` (``rgba`` has 4 channels).
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

import numpy as np

from fakes import host_call, queue_main

env: Dict[str, Any] = {"gui": True}
NUKE_VERSION_MAJOR = 15
NUKE_VERSION_STRING = "15.1v3"
LAYERS: Dict[str, List[str]] = {}  # layer -> channel names ("red", ...)
BUILTIN_LAYERS = {"rgba": ["red", "green", "blue", "alpha"], "rgb": ["red", "green", "blue"], "alpha": ["alpha"]}
MESSAGES: List[str] = []
MENUS: Dict[str, Menu] = {}
PLUGIN_PATHS: List[str] = []
_context: List[Node] = []
_this: List[tuple] = []
_root_nodes: List[Node] = []


# ----------------------------------------------------------------------------- knobs
class Knob:
    def __init__(self, name: str, label: Optional[str] = None, value: Any = None) -> None:
        self._name = name
        self._label = label or name
        self._value = value
        self.visible = True
        self.node: Optional[Node] = None

    @host_call("nuke.Knob.name")
    def name(self) -> str:
        return self._name

    @host_call("nuke.Knob.value")
    def value(self) -> Any:
        return self._value

    @host_call("nuke.Knob.setVisible")
    def setVisible(self, visible: bool) -> None:
        self.visible = bool(visible)

    @host_call("nuke.Knob.setValue")
    def setValue(self, value: Any) -> bool:
        self._value = self._coerce(value)
        if self.node is not None:
            self.node._knob_changed(self)
        return True

    def _coerce(self, value: Any) -> Any:
        return value


class Double_Knob(Knob):
    def __init__(self, name: str, label: Optional[str] = None) -> None:
        super().__init__(name, label, 0.0)

    def _coerce(self, value: Any) -> Any:
        return float(value)


class Int_Knob(Knob):
    def __init__(self, name: str, label: Optional[str] = None) -> None:
        super().__init__(name, label, 0)

    def _coerce(self, value: Any) -> Any:
        return int(value)


class Boolean_Knob(Knob):
    def __init__(self, name: str, label: Optional[str] = None, value: bool = False) -> None:
        super().__init__(name, label, bool(value))

    def _coerce(self, value: Any) -> Any:
        return bool(value)


class String_Knob(Knob):
    def __init__(self, name: str, label: Optional[str] = None, value: str = "") -> None:
        super().__init__(name, label, value)

    def _coerce(self, value: Any) -> Any:
        return str(value)


class File_Knob(String_Knob):
    pass


class Text_Knob(String_Knob):
    pass


class Tab_Knob(Knob):
    pass


class Enumeration_Knob(Knob):
    """value() is the item's text; setValue accepts the text or an index, as in Nuke."""

    def __init__(self, name: str, label: str, values: Sequence[str]) -> None:
        super().__init__(name, label, str(values[0]) if values else "")
        self._values = [str(v) for v in values]

    def values(self) -> List[str]:
        return list(self._values)

    def _coerce(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return self._values[value]
        if str(value) not in self._values:
            raise ValueError(f"Invalid value {value!r} for {self._name}")
        return str(value)


class Script_Knob(Knob):
    def __init__(self, name: str, label: Optional[str] = None, script: str = "") -> None:
        super().__init__(name, label, script)
        self.executions = 0

    @host_call("nuke.Script_Knob.execute")
    def execute(self) -> None:
        self.executions += 1
        if self._value and self.node is not None:
            _run_script(self._value, self.node, self)


class PyScript_Knob(Script_Knob):
    pass


# ----------------------------------------------------------------------------- nodes
_HOLD = ["hold", "loop", "bounce", "black"]
_CLASS_KNOBS: Dict[str, Callable[[], List[Knob]]] = {
    "Read": lambda: [
        File_Knob("file"),
        Boolean_Knob("raw"),
        Int_Knob("first"),
        Int_Knob("last"),
        Enumeration_Knob("before", "before", _HOLD),
        Enumeration_Knob("after", "after", _HOLD),
    ],
    "Write": lambda: [
        File_Knob("file"),
        String_Knob("file_type"),
        String_Knob("channels", value="rgb"),
        String_Knob("datatype", value="16 bit half"),
        Boolean_Knob("raw"),
    ],
    "Switch": lambda: [Int_Knob("which")],
    "Group": lambda: [String_Knob("knobChanged")],
    "Copy": lambda: [String_Knob(f"{side}{i}", value="none") for i in range(4) for side in ("from", "to")],
    "Root": lambda: [File_Knob("name")],
}


class Node:
    def __init__(self, cls: str, parent: Optional[Node]) -> None:
        self._class = cls
        self._name = cls + "1"
        self.parent = parent
        self._knobs: Dict[str, Knob] = {}
        self._inputs: Dict[int, Optional[Node]] = {}
        self.children: List[Node] = []
        self.pixels: Optional[np.ndarray] = None  # a source image, HxWxC float32
        for knob in [String_Knob("label")] + _CLASS_KNOBS.get(cls, lambda: [])():
            self._attach(knob)

    def _attach(self, knob: Knob) -> None:
        knob.node = self
        self._knobs[knob._name] = knob

    @host_call("nuke.Node.Class")
    def Class(self) -> str:
        return self._class

    @host_call("nuke.Node.name")
    def name(self) -> str:
        return self._name

    @host_call("nuke.Node.setName")
    def setName(self, name: str, uncollide: bool = True, updateExpressions: bool = False) -> None:
        """As in Nuke, a taken name gets a number appended unless ``uncollide`` is False."""
        siblings = [n for n in (self.parent.children if self.parent else _root_nodes) if n is not self]
        taken = {n._name for n in siblings}
        if name in taken and not uncollide:
            raise ValueError(f"name {name} already used")
        base, i, candidate = name.rstrip("0123456789"), 1, name
        while candidate in taken:
            candidate, i = f"{base}{i}", i + 1
        self._name = candidate

    @host_call("nuke.Node.fullName")
    def fullName(self) -> str:
        return f"{self.parent.fullName()}.{self._name}" if self.parent else self._name

    @host_call("nuke.Node.__getitem__")
    def __getitem__(self, name: str) -> Knob:
        return self._knobs[name]

    @host_call("nuke.Node.knob")
    def knob(self, p: str, follow_link: bool = False) -> Optional[Knob]:
        return self._knobs.get(p)

    @host_call("nuke.Node.knobs")
    def knobs(self) -> Dict[str, Knob]:
        return dict(self._knobs)

    @host_call("nuke.Node.addKnob")
    def addKnob(self, knob: Knob) -> None:
        if knob._name in self._knobs:
            raise ValueError(f"knob {knob._name} already exists")
        self._attach(knob)

    @host_call("nuke.Node.input")
    def input(self, index: int) -> Optional[Node]:
        return self._inputs.get(index)

    @host_call("nuke.Node.setInput")
    def setInput(self, i: int, node: Optional[Node]) -> bool:
        """Nuke only wires nodes of the same group; otherwise nothing changes and False is returned."""
        if node is not None and node.parent is not self.parent:
            return False
        self._inputs[i] = node
        if self._class == "Group":
            self._knob_changed(Knob("inputChange"))
        return True

    @host_call("nuke.Node.begin")
    def begin(self) -> Node:
        _context.append(self)
        return self

    @host_call("nuke.Node.end")
    def end(self) -> None:
        assert _context and _context[-1] is self, "end() without matching begin()"
        _context.pop()

    def __enter__(self) -> Node:
        return self.begin()

    def __exit__(self, type: Any, value: Any, traceback: Any) -> None:
        self.end()

    @host_call("nuke.Node.node")
    def node(self, s: str) -> Optional[Node]:
        return next((n for n in self.children if n._name == s), None)

    @host_call("nuke.Node.nodes")
    def nodes(self) -> List[Node]:
        return list(self.children)

    def _knob_changed(self, knob: Knob) -> None:
        script = self._knobs.get("knobChanged")
        if script is not None and knob is not script and script._value:
            _run_script(script._value, self, knob)


Group = Node  # the fake serves nodes and groups with one class


def tab_of(node: Node, knob_name: str) -> str:
    """The name of the Tab_Knob a knob sits under (knobs follow their tab, in order)."""
    tab = ""
    for name, knob in node._knobs.items():
        if isinstance(knob, Tab_Knob):
            tab = name
        if name == knob_name:
            return tab
    raise KeyError(knob_name)


def _run_script(script: str, node: Node, knob: Knob) -> None:
    """Knob scripts run on the main thread with the node's group as context (a Group's own
    buttons run inside the Group), as in Nuke."""
    assert threading.current_thread() is threading.main_thread(), "Nuke runs knob scripts on the main thread"
    context = node if node._class == "Group" else node.parent
    _this.append((node, knob))
    if context is not None:
        _context.append(context)
    try:
        exec(script, {"nuke": __import__("nuke")})
    finally:
        if context is not None:
            _context.pop()
        _this.pop()


def _unique(parent_list: List[Node], cls: str) -> str:
    i = 1
    while any(n._name == f"{cls}{i}" for n in parent_list):
        i += 1
    return f"{cls}{i}"


def _make(cls: str, **knobs: Any) -> Node:
    parent = _context[-1] if _context else None
    siblings = parent.children if parent else _root_nodes
    node = Node(cls, parent)
    node._name = _unique(siblings, cls)
    siblings.append(node)
    for key, value in knobs.items():
        if key not in node._knobs:
            node._attach(String_Knob(key))
        node._knobs[key]._value = value
    return node


@host_call("nuke.createNode")
def createNode(node: str, args: str = "", inpanel: bool = True) -> Node:
    return _make(node)


class _Nodes:
    """``nuke.nodes.Write(file=...)``: create in the current context without auto-connection."""

    def __getattr__(self, cls: str) -> Callable[..., Node]:
        @host_call(f"nuke.nodes.{cls}")
        def factory(**knobs: Any) -> Node:
            return _make(cls, **knobs)

        return factory


nodes = _Nodes()
_ROOT: List[Node] = [Node("Root", None)]


@host_call("nuke.root")
def root() -> Node:
    """The script's root; its ``name`` knob holds the script path ('' while untitled)."""
    return _ROOT[0]


@host_call("nuke.Layer")
def Layer(name: str, channels: Sequence[str]) -> str:
    """Create a layer from ``layer.channel`` names (idempotent, as in Nuke)."""
    names = [c.split(".", 1)[1] for c in channels]
    assert all(c.startswith(name + ".") for c in channels), "channels are named layer.channel"
    LAYERS.setdefault(name, [])
    for channel in names:
        if channel not in LAYERS[name]:
            LAYERS[name].append(channel)
    return name


@host_call("nuke.layers")
def layers(node: Optional[Node] = None) -> List[str]:
    return list(BUILTIN_LAYERS) + list(LAYERS)


def _current_children() -> List[Node]:
    return _context[-1].children if _context else _root_nodes


@host_call("nuke.toNode")
def toNode(s: str) -> Optional[Node]:
    """Looks the name up in the current context (inside a group while a button script runs)."""
    return next((n for n in _current_children() if n._name == s), None)


@host_call("nuke.allNodes")
def allNodes(filter: Optional[str] = None, group: Optional[Node] = None) -> List[Node]:
    pool = group.children if group is not None else _current_children()
    return [n for n in pool if filter is None or n._class == filter]


@host_call("nuke.delete")
def delete(n: Optional[Node]) -> None:
    if n is None:
        return
    siblings = n.parent.children if n.parent else _root_nodes
    siblings.remove(n)


@host_call("nuke.frame")
def frame(f: Optional[int] = None) -> int:
    return 1


@host_call("nuke.thisNode")
def thisNode() -> Node:
    return _this[-1][0]


@host_call("nuke.thisKnob")
def thisKnob() -> Knob:
    return _this[-1][1]


@host_call("nuke.message")
def message(prompt: str) -> None:
    MESSAGES.append(prompt)


@host_call("nuke.pluginAddPath")
def pluginAddPath(args: Union[str, Sequence[str]], addToSysPath: bool = True) -> None:
    PLUGIN_PATHS.append(str(args))


class Menu:
    def __init__(self, name: str) -> None:
        self.name = name
        self.commands: Dict[str, str] = {}

    @host_call("nuke.Menu.addCommand")
    def addCommand(
        self,
        name: str,
        command: Union[str, Callable[[], Any]] = "",
        shortcut: str = "",
        icon: str = "",
        tooltip: str = "",
        index: int = -1,
    ) -> None:
        self.commands[name] = command if isinstance(command, str) else repr(command)


@host_call("nuke.menu")
def menu(name: str) -> Menu:
    return MENUS.setdefault(name, Menu(name))


class ProgressTask:
    """Nuke's progress bar; the test presses its cancel button with :meth:`press_cancel`."""

    instances: List[ProgressTask] = []

    @host_call("nuke.ProgressTask")
    def __init__(self, name: str) -> None:
        self.name = name
        self.progress = 0
        self.message_text = ""
        self._cancelled = False
        ProgressTask.instances.append(self)

    @host_call("nuke.ProgressTask.isCancelled")
    def isCancelled(self) -> bool:
        return self._cancelled

    @host_call("nuke.ProgressTask.setProgress")
    def setProgress(self, i: int) -> None:
        self.progress = int(i)

    @host_call("nuke.ProgressTask.setMessage")
    def setMessage(self, s: str) -> None:
        self.message_text = s

    def press_cancel(self) -> None:
        self._cancelled = True


@host_call("nuke.executeInMainThread")
def executeInMainThread(call: Callable[..., Any], args: Any = (), kwargs: Any = None) -> None:
    assert threading.current_thread() is not threading.main_thread(), (
        "executeInMainThread from the main thread hangs Nuke"
    )
    if not isinstance(args, tuple):
        args = (args,)
    queue_main(call, args, kwargs)


@host_call("nuke.execute")
def execute(nameOrNode: Union[Node, str], start: int, end: int, incr: int = 1) -> None:
    node = toNode(nameOrNode) if isinstance(nameOrNode, str) else nameOrNode
    assert node is not None and node._class == "Write", "execute() renders Write nodes"
    planes = _planes_of(node.input(0))
    layer = node["channels"].value()
    rgba = planes["rgba"]
    _write_exr(node["file"].value(), rgba[..., :3] if layer == "rgb" else planes[layer])


def _planes_of(node: Optional[Node]) -> Dict[str, np.ndarray]:
    """What a node outputs, as {layer: HxWxN}: a source's pixels, a Read's file, a Switch's
    chosen input, a Copy's B with A's channels copied in, a Group's Output."""
    if node is None:
        raise RuntimeError("a node has no input")
    if node.pixels is not None:
        return {"rgba": _to_rgba(node.pixels)}
    cls = node._class
    if cls == "Read":
        if not node["file"].value():
            raise RuntimeError(f"{node.fullName()}: no file")
        return {"rgba": _to_rgba(_read_exr(node["file"].value()))}
    if cls == "Switch":
        return _planes_of(node.input(node["which"].value()))
    if cls == "Copy":
        out = {k: v.copy() for k, v in _planes_of(node.input(0)).items()}
        a = _planes_of(node.input(1))
        for i in range(4):
            src, dst = node[f"from{i}"].value(), node[f"to{i}"].value()
            if src == "none" or dst == "none":
                continue
            out = _copy_channel(out, a, src, dst)
        return out
    if cls == "Group":
        out_node = next(n for n in node.children if n._class == "Output")
        return _planes_of(out_node.input(0))
    if cls == "Output":
        return _planes_of(node.input(0))
    if cls == "Input" and node.parent is not None:
        return _planes_of(node.parent.input(0))
    raise RuntimeError(f"fake nuke cannot render a {cls} node")


def _channels_of(layer: str) -> List[str]:
    known = {**BUILTIN_LAYERS, **LAYERS}
    if layer not in known:
        raise RuntimeError(f"unknown layer {layer!r}; create it with nuke.Layer first")
    return known[layer]


def _copy_channel(out: Dict[str, np.ndarray], a: Dict[str, np.ndarray], src: str, dst: str) -> Dict[str, np.ndarray]:
    src_layer, src_channel = src.split(".", 1)
    dst_layer, dst_channel = dst.split(".", 1)
    src_names, dst_names = _channels_of(src_layer), _channels_of(dst_layer)
    if dst_channel not in dst_names:
        raise RuntimeError(f"unknown channel {dst}")
    values = a[src_layer][..., src_names.index(src_channel)]
    plane = out.setdefault(dst_layer, np.zeros(values.shape + (len(dst_names),), np.float32))
    if plane.shape[-1] < len(dst_names):
        plane = np.concatenate([plane, np.zeros(values.shape + (len(dst_names) - plane.shape[-1],), np.float32)], -1)
        out[dst_layer] = plane
    plane[..., dst_names.index(dst_channel)] = values
    return out


def _to_rgba(image: np.ndarray) -> np.ndarray:
    """An image as Nuke's rgba: one channel lands in red, three in rgb, alpha 0."""
    arr = np.asarray(image, dtype=np.float32)
    arr = arr[..., None] if arr.ndim == 2 else arr
    out = np.zeros(arr.shape[:2] + (4,), np.float32)
    out[..., : min(arr.shape[2], 4)] = arr[..., :4]
    return out


def _image_of(node: Optional[Node]) -> np.ndarray:
    """What downstream nodes see in rgb."""
    return _planes_of(node)["rgba"][..., :3]


def _write_exr(path: str, image: np.ndarray) -> None:
    import OpenImageIO as oiio

    arr = np.ascontiguousarray(image, dtype=np.float32)
    arr = arr[..., None] if arr.ndim == 2 else arr
    spec = oiio.ImageSpec(arr.shape[1], arr.shape[0], arr.shape[2], "float")
    out = oiio.ImageOutput.create(path)
    assert out is not None and out.open(path, spec), oiio.geterror()
    out.write_image(arr)
    out.close()


def _read_exr(path: str) -> np.ndarray:
    import OpenImageIO as oiio

    inp = oiio.ImageInput.open(path)
    if inp is None:
        raise RuntimeError(f"Read error: {path}")
    try:
        return np.asarray(inp.read_image(0, 0, 0, -1, "float"), dtype=np.float32)
    finally:
        inp.close()


class _Dock:
    def __init__(self, name: str) -> None:
        self.name = name
        self.panels: List[Any] = []


PANES: Dict[str, _Dock] = {}


@host_call("nuke.getPaneFor")
def getPaneFor(panelName: str) -> _Dock:
    return PANES.setdefault(panelName, _Dock(panelName))


def reset() -> None:
    """A new empty script."""
    _root_nodes.clear()
    _context.clear()
    _ROOT[0] = Node("Root", None)
    LAYERS.clear()
    PANES.clear()
    MESSAGES.clear()
    MENUS.clear()
    ProgressTask.instances.clear()
    env["gui"] = True
