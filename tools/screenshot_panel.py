"""Render docs/panel.png: the panel at 1400x900 with a real result in the split view.

Runs the real panel offscreen on the bundled eye-corner example at its real
texel size (0.02 mm, 1 unit = 10 mm) with the VGG-19 backbone and the default
pattern, and waits for the synthesis like an artist would; the viewer shows
the split before/after at 1:1. Settings are kept in a temporary folder so the
artist's own QSettings are untouched; outputs go to a temporary folder too
(the example is never written next to).

    python tools/screenshot_panel.py [--input examples/eye_corner_1k.tif] [--out docs/panel.png]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", default=str(REPO / "examples" / "eye_corner_1k.tif"))
    parser.add_argument("--out", default=str(REPO / "docs" / "panel.png"))
    parser.add_argument("--patterns", default="cheek")
    parser.add_argument("--backbone", default="vgg19", choices=("random", "vgg19"))
    parser.add_argument("--iterations", type=int, default=0, help="per level; 0 keeps the preset's schedule")
    parser.add_argument("--preset", default="draft")
    parser.add_argument("--texel-mm", type=float, default=0.02, help="mm per texel of the input; 0: unknown")
    parser.add_argument("--height-mm", type=float, default=10.0, help="mm of relief per map unit; 0: the default")
    parser.add_argument("--zoom", type=float, default=1.0, help="viewer zoom (1 = 1:1); 0 fits the map")
    parser.add_argument("--timeout", type=float, default=3600.0)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(REPO))

    from nexture_core.ui.qt import QtCore, application

    app = application()
    app.setApplicationName("Nexture")
    settings_dir = tempfile.mkdtemp(prefix="nexture-shot-settings-")
    QtCore.QSettings.setDefaultFormat(QtCore.QSettings.IniFormat)
    QtCore.QSettings.setPath(QtCore.QSettings.IniFormat, QtCore.QSettings.UserScope, settings_dir)
    from nexture_core.ui.panel import NexturePanel

    panel = NexturePanel()
    panel.resize(1400, 900)
    panel.show()
    panel.live_preview.setChecked(False)
    panel.preset_combo.setCurrentIndex(panel.preset_combo.findData(args.preset))
    panel.advanced_box.setChecked(True)
    panel.backbone_combo.setCurrentIndex(panel.backbone_combo.findData(args.backbone))
    panel.iterations_spin.setValue(args.iterations)
    if args.texel_mm:
        panel.scale_by_texel.click()
        panel.texel_spin.setValue(args.texel_mm)
    panel.height_spin.setValue(args.height_mm)
    panel.set_patterns(args.patterns.split(","))
    out_dir = Path(tempfile.mkdtemp(prefix="nexture-shot-"))
    panel.output_edit.setText(str(out_dir / "{name}_{pattern}_{map}.{ext}"))

    def wait_for(condition, what: str) -> None:
        """Run the event loop until ``condition()`` holds (a QEventLoop, not a processEvents spin)."""
        deadline = time.monotonic() + args.timeout
        loop = QtCore.QEventLoop()
        poll = QtCore.QTimer()
        poll.setInterval(20)
        poll.timeout.connect(lambda: loop.quit() if condition() or time.monotonic() > deadline else None)
        poll.start()
        if not condition():
            loop.exec()
        poll.stop()
        if not condition():
            raise SystemExit(f"timed out waiting for {what}")

    panel.set_input_path(args.input)
    wait_for(lambda: panel.loaded is not None or panel.error_text, "the input")
    if panel.error_text:
        raise SystemExit(panel.error_text)
    done: list = []
    panel.finished.connect(done.append)
    started = time.monotonic()
    panel.run()
    wait_for(
        lambda: done or (panel.job is not None and panel.job.state.finished and panel.job.state.value != "done"),
        "the synthesis",
    )
    if not done:
        raise SystemExit(panel.error_text or "synthesis did not finish")
    print(f"synthesis of {args.patterns} took {time.monotonic() - started:.1f} s; outputs: {done[0]}")
    panel.set_view_mode("split")
    if args.zoom:
        panel.viewer.zoom_about(
            args.zoom / panel.viewer.zoom, QtCore.QPointF(panel.viewer.width() / 2, panel.viewer.height() / 2)
        )
    panel.viewer.set_split(0.5)
    settle = time.monotonic() + 0.3
    wait_for(lambda: time.monotonic() > settle, "the view to settle")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    if not panel.grab().save(args.out):
        raise SystemExit(f"could not write {args.out}")
    print(f"wrote {args.out}")
    panel.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
