"""Turn OpenImageIO's error text into one readable clause.

OIIO messages can span lines, repeat the file name, carry library prefixes
(``EXR Error (f.exr): EXR_ERR_...``, ``libpng warning: ...``) and even bytes
from a damaged header that are not UTF-8 (the binding then raises
UnicodeDecodeError instead of returning the text). An artist needs one
sentence: keep the first line that states an error, in plain words.
"""

from __future__ import annotations

import re

# Prefixes and codes that name the library rather than the problem.
_NOISE = (
    re.compile(r"^EXR Error \([^)]*\):\s*"),
    re.compile(r"\bEXR_ERR_[A-Z_]+\s*"),
    re.compile(r"^libpng (error|warning):\s*", re.IGNORECASE),
    re.compile(r"\s*\(libpng\)"),
)
# Lines that only warn: never the reason a read or write failed.
_WARNING_LINE = re.compile(r"^\s*(libpng warning|warning)\b", re.IGNORECASE)
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffd\udc80-\udcff]")


def clean_text(text: str) -> str:
    """``text`` without library prefixes, control or undecodable characters ('?' instead)."""
    for pattern in _NOISE:
        text = pattern.sub("", text)
    return _UNPRINTABLE.sub("?", text).strip()


def oiio_reason(text: str, fallback: str = "unknown reason") -> str:
    """First line of an OIIO error that states an error (warnings skipped), cleaned; ``fallback`` when none."""
    lines = [line for line in (text or "").splitlines() if line.strip()]
    errors = [line for line in lines if not _WARNING_LINE.match(line)] or lines
    for line in errors:
        line = clean_text(line).rstrip(".")
        if line:
            return line[:300]
    return fallback


def decoded(call) -> str:
    """``call()`` (an OIIO ``geterror``), whose bytes may not be UTF-8: decoded with
    replacement characters instead of raising UnicodeDecodeError."""
    try:
        return call() or ""
    except UnicodeDecodeError as exc:
        raw = exc.object if isinstance(exc.object, (bytes, bytearray)) else b""
        return bytes(raw).decode("utf-8", errors="replace")


def last_oiio_error(obj=None) -> str:
    """The pending error of ``obj`` (an ImageInput/ImageOutput) or the global one.

    Reading the error also clears it, so a later message is not polluted.
    """
    import OpenImageIO as oiio

    text = ""
    if obj is not None:
        try:
            text = decoded(obj.geterror)
        except Exception:  # noqa: BLE001 - a closed handle must not hide the real error
            text = ""
    return text or decoded(oiio.geterror)
