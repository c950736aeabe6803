"""Keep libpng's own stderr lines out of the terminal.

libpng prints ``libpng error: IHDR: CRC error`` (and warnings) straight to the
process's stderr before OpenImageIO reports the same problem, so an artist saw
a library line above Nexture's one-line error. While OIIO reads or writes a
PNG we point file descriptor 2 at a temporary file, then pass on whatever was
not a libpng line. Only the main thread does this: a host's worker threads
must not redirect the process's stderr under the host's feet.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import threading
from pathlib import Path
from typing import Iterator, Union

_LIBPNG = ("libpng error:", "libpng warning:")
_PNG_MAGIC = b"\x89PNG"


def is_png(path: Union[str, Path]) -> bool:
    """True when ``path`` ends in .png or starts with the PNG signature."""
    if str(path).lower().endswith(".png"):
        return True
    try:
        with open(path, "rb") as f:
            return f.read(4) == _PNG_MAGIC
    except OSError:
        return False


@contextlib.contextmanager
def quiet_libpng(active: bool = True) -> Iterator[None]:
    """Hold back fd-2 output while the block runs; re-emit all but libpng's lines."""
    if not active or threading.current_thread() is not threading.main_thread():
        yield
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):
        yield
        return
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            kept = [
                line
                for line in sink.read().splitlines(keepends=True)
                if not line.decode("utf-8", "replace").startswith(_LIBPNG)
            ]
            if kept:
                os.write(2, b"".join(kept))
