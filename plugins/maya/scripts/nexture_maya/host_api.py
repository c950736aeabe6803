"""Every ``maya.cmds`` / ``maya.utils`` / ``maya.OpenMayaUI`` call the plugin makes, as Protocols.

``typing_check*.py`` assigns the public stubs (types-maya) and the test fakes to
them under mypy (``tools/check_hosts.sh``); the plugin's own modules are
type-checked against the stubs as well. Maya nodes are names (strings), so the
call shapes are all on ``cmds``.

One documented call the types-maya 0.6.1 stub has no overload for (checked
against the fake only, :class:`MayaCmdsExtraAPI`): ``sets(shading_group,
query=True)``, the members of a set.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol, overload


class MayaCmdsAPI(Protocol):
    """The call shapes the plugin uses (positional-only where it passes positionally)."""

    def shadingNode(
        self,
        nodetype: str,
        /,
        *,
        asTexture: bool = ...,
        asShader: bool = ...,
        asUtility: bool = ...,
        name: str = ...,
        isColorManaged: bool = ...,
    ) -> Any: ...
    def connectAttr(self, source: str, destination: str, /, *, force: bool = ...) -> Any: ...
    def setAttr(self, attr: str, /, *values: Any, type: str = ...) -> Any: ...
    def getAttr(self, attr: str, /) -> Any: ...
    def listConnections(self, obj: str, /, *, source: bool = ..., destination: bool = ...) -> Any: ...
    def listRelatives(self, obj: str, /, *, shapes: bool = ..., parent: bool = ...) -> Any: ...
    def nodeType(self, name: str, /) -> Any: ...
    def ls(self, *, selection: bool = ..., type: str | list[str] = ...) -> Any: ...
    def select(self, name: str, /, *, replace: bool = ...) -> Any: ...
    def about(self, *, batch: bool = ..., version: bool = ..., qtVersion: bool = ...) -> Any: ...
    def warning(self, message: str, /) -> Any: ...
    def inViewMessage(self, *, assistMessage: str = ..., position: str = ..., fade: bool = ...) -> Any: ...
    def confirmDialog(
        self,
        *,
        title: str = ...,
        message: str = ...,
        button: Any = ...,
        defaultButton: str = ...,
        cancelButton: str = ...,
        dismissString: str = ...,
    ) -> Any: ...
    def polyEvaluate(
        self,
        obj: str,
        /,
        *,
        worldArea: bool = ...,
        uvArea: bool = ...,
        worldFaceArea: bool = ...,
        uvFaceArea: bool = ...,
    ) -> Any: ...
    def currentUnit(self, *, query: Literal[True], linear: Literal[True]) -> Any: ...
    def file(self, *, query: Literal[True], sceneName: Literal[True]) -> Any: ...
    @overload
    def progressWindow(
        self,
        *,
        title: str = ...,
        progress: int = ...,
        status: str = ...,
        isInterruptable: bool = ...,
        endProgress: bool = ...,
    ) -> Any: ...
    @overload
    def progressWindow(self, *, query: Literal[True], isCancelled: Literal[True]) -> Any: ...
    @overload
    def progressWindow(self, *, edit: Literal[True], progress: int = ..., status: str = ...) -> Any: ...
    @overload
    def shelfLayout(self, name: str, /, *, exists: bool = ..., parent: str = ...) -> Any: ...
    @overload
    def shelfLayout(self, name: str, /, *, query: Literal[True], childArray: Literal[True]) -> Any: ...
    @overload
    def shelfButton(
        self,
        *,
        parent: str = ...,
        label: str = ...,
        annotation: str = ...,
        image: str = ...,
        command: str = ...,
        sourceType: str = ...,
    ) -> Any: ...
    @overload
    def shelfButton(self, name: str, /, *, query: Literal[True], label: Literal[True]) -> Any: ...
    def workspaceControl(
        self, name: str, /, *, exists: bool = ..., label: str = ..., floating: bool = ..., retain: bool = ...
    ) -> Any: ...
    def deleteUI(self, name: str, /) -> Any: ...
    def callbacks(
        self, *, addCallback: Any = ..., clearCallbacks: bool = ..., hook: str = ..., owner: str = ...
    ) -> Any: ...
    def menuItem(self, *, label: str = ..., command: Any = ..., divider: bool = ...) -> Any: ...


class MayaCmdsExtraAPI(Protocol):
    """Documented calls missing from the types-maya stub (see the module docstring); fake only."""

    def sets(self, name: str, /, *, query: Literal[True]) -> Any: ...


class MayaUtilsAPI(Protocol):
    def executeDeferred(self, fn: Any, *args: Any, **kwargs: Any) -> None: ...


class MQtUtilAPI(Protocol):
    """``maya.OpenMayaUI.MQtUtil`` (types-maya ships no stub for it: fake only)."""

    def findControl(self, name: str) -> Any: ...
    def mainWindow(self) -> Any: ...
