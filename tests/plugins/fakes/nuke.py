"""A fake ``nuke`` module: nodes, knobs, groups, Write rendering, the main-thread queue.

Emulates Nuke's documented behaviour that the plugin relies on:
``executeInMainThread(call, args)`` wraps a non-tuple ``args`` in a tuple and must
not be called from the main thread (in Nuke that hangs); ``execute`` on a Write
renders its input to a real EXR (through OpenImageIO); a source node holds a
numpy image in ``pixels``.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

import numpy as np

from fakes import host_call, queue_main

env: Dict[str, Any] = {"gui": True}
MESSAGES: List[str] = []
MENUS: Dict[str, "Menu"] = {}
PLUGIN_PATHS: List[str] = []
_context: List["Node"] = []
_this: List[tuple] = []
_root_nodes: List["Node"] = []


# ----------------------------------------------------------------------------- knobs
class Knob:
    def __init__(self, name: str, label: Optional[str] = None, value: Any = None) -> None:
        self._name = name
        self._label = label or name
        self._value = value
        self.node: Optional["Node"] = None

    @host_call("nuke.Knob.name")
    def name(self) -> str:
        return self._name

    @host_call("nuke.Knob.value")
    def value(self) -> Any:
        return self._value

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
_CLASS_KNOBS: Dict[str, Callable[[], List[Knob]]] = {
    "Read": lambda: [File_Knob("file"), Boolean_Knob("raw"), Script_Knob("reload")],
    "Write": lambda: [File_Knob("file"), String_Knob("file_type"), String_Knob("channels", value="rgb"), String_Knob("datatype", value="16 bit half"), Boolean_Knob("raw")],
    "Switch": lambda: [Int_Knob("which")],
    "Group": lambda: [String_Knob("knobChanged")],
}


class Node:
    def __init__(self, cls: str, parent: Optional["Node"]) -> None:
        self._class = cls
        self._name = cls + "1"
        self.parent = parent
        self._knobs: Dict[str, Knob] = {}
        self._inputs: Dict[int, Optional[Node]] = {}
        self.children: List[Node] = []
        self.pixels: Optional[np.ndarray] = None  # a source image, HxWxC float32
        for knob in _CLASS_KNOBS.get(cls, lambda: [])():
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
    def knob(self, name: str) -> Optional[Knob]:
        return self._knobs.get(name)

    @host_call("nuke.Node.knobs")
    def knobs(self) -> Dict[str, Knob]:
        return dict(self._knobs)

    @host_call("nuke.Node.addKnob")
    def addKnob(self, knob: Knob) -> None:
        if knob._name in self._knobs:
            raise ValueError(f"knob {knob._name} already exists")
        self._attach(knob)

    @host_call("nuke.Node.input")
    def input(self, i: int) -> Optional["Node"]:
        return self._inputs.get(i)

    @host_call("nuke.Node.setInput")
    def setInput(self, i: int, node: Optional["Node"]) -> bool:
        self._inputs[i] = node
        return True

    @host_call("nuke.Node.begin")
    def begin(self) -> "Node":
        _context.append(self)
        return self

    @host_call("nuke.Node.end")
    def end(self) -> None:
        assert _context and _context[-1] is self, "end() without matching begin()"
        _context.pop()

    @host_call("nuke.Node.node")
    def node(self, name: str) -> Optional["Node"]:
        return next((n for n in self.children if n._name == name), None)

    @host_call("nuke.Node.nodes")
    def nodes(self) -> List["Node"]:
        return list(self.children)

    def _knob_changed(self, knob: Knob) -> None:
        script = self._knobs.get("knobChanged")
        if script is not None and knob is not script and script._value:
            _run_script(script._value, self, knob)


def _run_script(script: str, node: Node, knob: Knob) -> None:
    assert threading.current_thread() is threading.main_thread(), "Nuke runs knob scripts on the main thread"
    _this.append((node, knob))
    try:
        exec(script, {"nuke": __import__("nuke")})
    finally:
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
    """``nuke.nodes.Write(file=...)``: create without auto-connection."""

    def __getattr__(self, cls: str) -> Callable[..., Node]:
        @host_call(f"nuke.nodes.{cls}")
        def factory(**knobs: Any) -> Node:
            return _make(cls, **knobs)

        return factory


nodes = _Nodes()


@host_call("nuke.toNode")
def toNode(s: str) -> Optional[Node]:
    return next((n for n in _root_nodes if n._name == s), None)


@host_call("nuke.allNodes")
def allNodes(filter: Optional[str] = None, group: Optional[Node] = None) -> List[Node]:
    pool = group.children if group is not None else (_context[-1].children if _context else _root_nodes)
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
    def addCommand(self, name: str, command: Union[str, Callable[[], Any]] = "", shortcut: str = "", icon: str = "", tooltip: str = "", index: int = -1) -> None:
        self.commands[name] = command if isinstance(command, str) else repr(command)


@host_call("nuke.menu")
def menu(name: str) -> Menu:
    return MENUS.setdefault(name, Menu(name))


class ProgressTask:
    """Nuke's progress bar; the test presses its cancel button with :meth:`press_cancel`."""

    instances: List["ProgressTask"] = []

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
def executeInMainThread(call: Callable[..., Any], args: Any = (), kwargs: Any = {}) -> None:
    assert threading.current_thread() is not threading.main_thread(), "executeInMainThread from the main thread hangs Nuke"
    if not isinstance(args, tuple):
        args = (args,)
    queue_main(call, args, kwargs)


@host_call("nuke.execute")
def execute(nameOrNode: Union[Node, str], start: int, end: int, incr: int = 1) -> None:
    node = toNode(nameOrNode) if isinstance(nameOrNode, str) else nameOrNode
    assert node is not None and node._class == "Write", "execute() renders Write nodes"
    image = _image_of(node.input(0))
    _write_exr(node["file"].value(), image)


def _image_of(node: Optional[Node]) -> np.ndarray:
    """What a node outputs: a source's pixels, a Read's file, a Switch's chosen input, a Group's Output."""
    if node is None:
        raise RuntimeError("Write has no input")
    if node.pixels is not None:
        return node.pixels
    if node._class == "Read":
        return _read_exr(node["file"].value())
    if node._class == "Switch":
        return _image_of(node.input(node["which"].value()))
    if node._class == "Group":
        out = next(n for n in node.children if n._class == "Output")
        return _image_of(out.input(0))
    if node._class == "Output":
        return _image_of(node.input(0))
    if node._class == "Input" and node.parent is not None:
        return _image_of(node.parent.input(0))
    raise RuntimeError(f"fake nuke cannot render a {node._class} node")


def _write_exr(path: str, image: np.ndarray) -> None:
    import OpenImageIO as oiio

    arr = np.asarray(image, dtype=np.float32)
    if arr.ndim == 2:
        arr = arr[..., None]
    if arr.shape[2] == 1:
        arr = np.repeat(arr, 3, axis=2)
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


def reset() -> None:
    """A new empty script."""
    _root_nodes.clear()
    _context.clear()
    MESSAGES.clear()
    MENUS.clear()
    ProgressTask.instances.clear()
    env["gui"] = True
