"""Fake ``hou``: COP nodes with parms and pixels, InterruptableOperation, layers, ui.

Emulates what the plugin relies on: ``allPixelsAsString`` returns interleaved
float32 bytes **bottom row first**; ``setPixelsOfCookingPlaneFromString`` stores
them the same way; ``layer().allBufferElements`` likewise; ``updateProgress``
raises ``OperationInterrupted`` once the artist has pressed Esc.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from fakes import host_call

UI_AVAILABLE = {"value": True}
STATUS_MESSAGES: List[str] = []
DIALOGS: List[str] = []


class Error(Exception):
    def __init__(self, message: str = "") -> None:
        super().__init__(message)


class OperationInterrupted(Error):
    pass


class NodeError(Error):
    pass


class _Enum:
    def __init__(self, name: str) -> None:
        self.name = name


class imageLayerStorageType:
    Float32 = _Enum("Float32")
    Float16 = _Enum("Float16")


class severityType:
    Error = _Enum("Error")
    Message = _Enum("Message")


class Parm:
    def __init__(self, value: Any, menu: Optional[List[str]] = None) -> None:
        self.value = value
        self.menu = menu

    @host_call("hou.Parm.eval")
    def eval(self) -> Any:
        return self.menu.index(self.value) if self.menu else self.value

    @host_call("hou.Parm.evalAsString")
    def evalAsString(self) -> str:
        return str(self.value)

    @host_call("hou.Parm.set")
    def set(self, value: Any) -> None:
        if self.menu is not None and isinstance(value, int):
            value = self.menu[value]
        self.value = value


class ImageLayer:
    def __init__(self, pixels: np.ndarray) -> None:  # top-row-first HxWxC
        self._pixels = np.asarray(pixels, dtype=np.float32)

    @host_call("hou.ImageLayer.bufferResolution")
    def bufferResolution(self) -> Tuple[int, ...]:
        return (self._pixels.shape[1], self._pixels.shape[0])

    @host_call("hou.ImageLayer.channelCount")
    def channelCount(self) -> int:
        return int(self._pixels.shape[2])

    @host_call("hou.ImageLayer.allBufferElements")
    def allBufferElements(self, *args: Any) -> bytes:
        storage, channels = args
        assert storage is imageLayerStorageType.Float32 and channels == self._pixels.shape[2]
        return np.ascontiguousarray(self._pixels[::-1]).tobytes()


class CopNode:
    """A COP node: parms, inputs, children, and (for sources) an image."""

    def __init__(self, path: str, pixels: Optional[np.ndarray] = None, parms: Optional[Dict[str, Parm]] = None) -> None:
        self._path = path
        self.pixels = None if pixels is None else np.asarray(pixels, dtype=np.float32)  # top-row-first HxWxC
        self._parms = parms or {}
        self._inputs: List[Optional[CopNode]] = []
        self.children: Dict[str, CopNode] = {}
        self.cooked: Optional[np.ndarray] = None

    @host_call("hou.Node.path")
    def path(self) -> str:
        return self._path

    @host_call("hou.Node.parm")
    def parm(self, name: str) -> Optional[Parm]:
        return self._parms.get(name)

    @host_call("hou.Node.inputs")
    def inputs(self) -> Tuple[Optional["CopNode"], ...]:
        return tuple(self._inputs)

    @host_call("hou.Node.node")
    def node(self, path: str) -> Optional["CopNode"]:
        return self.children.get(path)

    def setInput(self, index: int, node: "CopNode") -> None:
        while len(self._inputs) <= index:
            self._inputs.append(None)
        self._inputs[index] = node

    @host_call("hou.CopNode.layer")
    def layer(self, output_index: int = 0) -> Optional[ImageLayer]:
        return None if self.pixels is None else ImageLayer(self.pixels)

    @host_call("hou.Cop2Node.allPixelsAsString")
    def allPixelsAsString(self, plane: str = "C", component: Optional[str] = None, interleaved: bool = True, time: float = -1.0) -> bytes:
        assert self.pixels is not None and plane == "C"
        return np.ascontiguousarray(self.pixels[::-1, :, :3]).tobytes()

    @host_call("hou.Cop2Node.setPixelsOfCookingPlaneFromString")
    def setPixelsOfCookingPlaneFromString(self, values: bytes, component: Optional[str] = None, interleaved: bool = True, depth: Any = None, flip_vertically: bool = False) -> None:
        self.cooked = np.frombuffer(values, dtype=np.float32).copy()


Cop2Node = CopNode  # the fake serves both the old-network and Copernicus node classes


class InterruptableOperation:
    """Esc is simulated by :attr:`interrupt_after` (updates before the artist presses it)."""

    interrupt_after: Optional[int] = None
    instances: List["InterruptableOperation"] = []

    @host_call("hou.InterruptableOperation")
    def __init__(self, operation_name: str, long_operation_name: Optional[str] = None, open_interrupt_dialog: bool = False, timeout_ms: int = 0) -> None:
        self.name = operation_name
        self.open_interrupt_dialog = open_interrupt_dialog
        self.updates: List[float] = []
        InterruptableOperation.instances.append(self)

    def __enter__(self) -> "InterruptableOperation":
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    @host_call("hou.InterruptableOperation.updateProgress")
    def updateProgress(self, percentage: float = -1.0) -> None:
        self.updates.append(percentage)
        limit = InterruptableOperation.interrupt_after
        if limit is not None and len(self.updates) > limit:
            raise OperationInterrupted("interrupted")


@host_call("hou.isUIAvailable")
def isUIAvailable() -> bool:
    return UI_AVAILABLE["value"]


class _UI:
    @host_call("hou.ui.setStatusMessage")
    def setStatusMessage(self, message: str, severity: Any = None) -> None:
        STATUS_MESSAGES.append(message)

    @host_call("hou.ui.displayMessage")
    def displayMessage(self, text: str, buttons: Tuple[str, ...] = ("OK",), severity: Any = None, title: Optional[str] = None) -> int:
        DIALOGS.append(text)
        return 0


ui = _UI()


def reset() -> None:
    UI_AVAILABLE["value"] = True
    STATUS_MESSAGES.clear()
    DIALOGS.clear()
    InterruptableOperation.interrupt_after = None
    InterruptableOperation.instances.clear()
