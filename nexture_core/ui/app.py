"""The standalone window: ``nexture gui [INPUT]``.

A QMainWindow around :class:`NexturePanel` with File > Open, Open Recent,
Save Output As (a copy of any written output in another path/format through
:func:`nexture_core.io.write_image`), Quit, and drag and drop of a map.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import List, Optional

from ..errors import OutputError
from ..io import read_image, write_image
from ..job import Job, JobState
from .controller import JobBridge
from .drops import FileDrops
from .panel import NexturePanel
from .qt import QAction, QtGui, QtWidgets, application, exec_
from .settings_store import SettingsStore

WINDOW_SIZE = (1400, 900)


def save_output_copy(source, destination, progress=None, cancel=None) -> Path:
    """Copy an output map to ``destination``, converting format by its extension.

    Integer outputs go to 16 bits unless the target is 8-bit only (JPEG); never
    overwrites ``source``. Returns the written path.
    """
    src, dst = Path(source), Path(destination)
    if dst.resolve() == src.resolve():
        raise OutputError(f"{dst}: Save As would overwrite the output itself; choose another name.")
    pixels, info = read_image(src)
    if pixels.shape[2] == 1:
        pixels = pixels[..., 0]
    ext = dst.suffix.lower()
    dtype = "uint8" if ext in (".jpg", ".jpeg") else ("uint16" if ext in (".tif", ".tiff", ".png") else "float")
    return write_image(dst, pixels, dtype=dtype, protect=(src,))


class NextureWindow(QtWidgets.QMainWindow):  # type: ignore[misc,name-defined]
    """The standalone main window."""

    def __init__(self, *, bank=None) -> None:
        super().__init__()
        self.setWindowTitle("Nexture")
        self.store = SettingsStore()
        self.panel = NexturePanel(bank=bank, store=self.store)
        self.setCentralWidget(self.panel)
        self.drops = FileDrops(self, self.panel.set_input_path)  # the menu and status bars too
        self.save_bridge = JobBridge(self)
        self.save_bridge.finished.connect(self._on_saved)
        self._build_menus()
        self.panel.input_loaded.connect(self._on_input_loaded)
        self.panel.finished.connect(lambda _result: self._fill_save_menu())
        self.resize(*WINDOW_SIZE)
        self.statusBar().showMessage("Open a displacement map (Ctrl+O) or drop one on the window.")

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.open_action = QAction("&Open…", self)
        self.open_action.setShortcut(QtGui.QKeySequence.Open)
        self.open_action.triggered.connect(self.panel.browse_input)
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.save_menu = file_menu.addMenu("&Save Output As")
        file_menu.addSeparator()
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QtGui.QKeySequence.Quit)
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.quit_action)
        run_menu = self.menuBar().addMenu("&Synthesis")
        self.run_action = QAction("&Run", self)
        self.run_action.setShortcut(QtGui.QKeySequence("Ctrl+Return"))
        self.run_action.triggered.connect(self.panel.run)
        self.cancel_action = QAction("&Cancel", self)
        self.cancel_action.setShortcut(QtGui.QKeySequence("Esc"))
        self.cancel_action.triggered.connect(self.panel.cancel)
        run_menu.addAction(self.run_action)
        run_menu.addAction(self.cancel_action)
        self._fill_recent_menu()
        self._fill_save_menu()

    # -- recent files --------------------------------------------------------------
    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.store.recent_files()
        for path in recent:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.setData(path)
            action.triggered.connect(partial(self.panel.set_input_path, path))
        self.recent_menu.setEnabled(bool(recent))

    def _on_input_loaded(self, name: str) -> None:
        loaded = self.panel.loaded
        if loaded is not None and loaded.path is not None:
            self.store.add_recent_file(loaded.path)
            self._fill_recent_menu()
            self.setWindowTitle(f"Nexture — {loaded.path.name}")
        self.statusBar().showMessage(f"Loaded {name}.", 5000)

    # -- save as -----------------------------------------------------------------
    def _fill_save_menu(self) -> None:
        self.save_menu.clear()
        for path in self.panel.output_paths:
            action = self.save_menu.addAction(path.name + "…")
            action.setData(str(path))
            action.triggered.connect(partial(self.save_output_as, path))
        self.save_menu.setEnabled(bool(self.panel.output_paths))

    def save_output_as(self, source, destination: Optional[str] = None) -> Optional[Job]:
        """Ask for a path (unless given) and copy ``source`` there on a worker thread."""
        if destination is None:
            start = str(Path(source).with_suffix(".exr"))
            destination, _ = QtWidgets.QFileDialog.getSaveFileName(
                self, "Save output as", start, "OpenEXR (*.exr);;TIFF (*.tif *.tiff);;PNG (*.png)"
            )
            if not destination:
                return None
        self.statusBar().showMessage(f"Saving {Path(destination).name}…")
        return self.save_bridge.start(Job(partial(save_output_copy, source, destination), name="save as"))

    def _on_saved(self, job: Job) -> None:
        if job is not self.save_bridge.job:
            return
        if job.state is JobState.DONE:
            self.statusBar().showMessage(f"Saved {job.result}.", 8000)
        else:
            self.panel.show_error(job.error_text)

    def closeEvent(self, event) -> None:  # noqa: N802
        self.panel.shutdown()
        self.store.sync()
        super().closeEvent(event)


def run_app(input_path=None, argv: Optional[List[str]] = None) -> int:
    """Open the window (loading ``input_path`` if given) and run the event loop; returns 0."""
    app = application() if argv is None else (QtWidgets.QApplication.instance() or QtWidgets.QApplication(argv))
    app.setApplicationName("Nexture")
    app.setOrganizationName("Nexture")
    window = NextureWindow()
    window.show()
    if input_path:
        window.panel.set_input_path(input_path)
    exec_(app)
    return 0


__all__ = ["NextureWindow", "run_app", "save_output_copy"]
