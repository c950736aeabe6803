"""No "nanobind: leaked ..." lines when a process that used OpenImageIO exits.

nanobind prints them when OIIO objects (ImageSpec, TypeDesc) are still alive at
interpreter exit. The cause in this project was exceptions kept for the whole
run (pytest parameters) whose tracebacks held frames with ImageSpecs; these
checks run the real flows in a fresh interpreter and read its stderr.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

LIBRARY_FLOWS = textwrap.dedent(
    """
    import threading
    from pathlib import Path

    import numpy as np

    from nexture_core.errors import NextureError
    from nexture_core.io import inspect_image, read_image, read_map, write_image
    from nexture_core.job import Job
    from nexture_core.patterns import load_bank
    from nexture_core.relief import label_bar, write_before_after

    folder = Path({folder!r})
    ramp = np.linspace(0, 1, 64 * 48, dtype=np.float32).reshape(48, 64)
    for name, dtype in (("a.exr", "half"), ("a.tif", "uint16"), ("a.png", "uint8")):
        path = write_image(folder / name, ramp, dtype=dtype)
        read_map(path), read_image(path), inspect_image(path)
    (folder / "broken.tif").write_bytes(b"II*\\x00" + b"\\x13" * 64)
    KEPT = []  # errors kept until exit, as a panel keeps its last failed job
    for work in (lambda p, c: read_map(folder / "broken.tif"), lambda p, c: read_map(folder / "a.exr", min_size=512),
                 lambda p, c: write_image(folder / "a.exr", ramp, protect=[folder / "a.exr"])):
        job = Job(work, name="fails")
        job.start().wait(30)
        assert job.error is not None
        KEPT.append(job)
    try:
        write_image(folder / "out.exr", ramp[..., None].repeat(5, axis=2), channel_names=["R", "R", "G", "B", "A"])
    except NextureError as exc:
        KEPT.append(exc)
    label_bar("before", 64)
    write_before_after(folder / "sheet.png", ramp, ramp)
    bank = load_bank()
    bank.get(bank.ids()[0]).load_map("displacement")
    print("flows ran")
    """
)


def _run(args, **kwargs) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, **kwargs)


def test_reading_writing_and_kept_errors_exit_without_leak_messages(tmp_path):
    proc = _run([sys.executable, "-c", LIBRARY_FLOWS.format(folder=str(tmp_path))])
    assert proc.returncode == 0 and "flows ran" in proc.stdout, proc.stderr[-3000:]
    assert "leaked" not in proc.stderr, proc.stderr[-3000:]


def test_the_io_tests_exit_without_leak_messages():
    """The pair of test files that printed 114 'leaked function' lines at the end of every run."""
    files = ["tests/io/test_atomic.py", "tests/io/test_read_errors.py"]
    proc = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *files])
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "leaked" not in proc.stderr + proc.stdout, proc.stderr[-3000:]
