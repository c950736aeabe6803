"""SIGTERM (a farm's or a shell's kill) stops a run like Ctrl-C: one line, no file left (issue 17)."""

from __future__ import annotations

import os
import signal

import pytest
from cli_helpers import FAST, smooth, write_exr

import nexture_core.io.writing as writing


@pytest.mark.parametrize(
    "sig, code, line",
    [
        (signal.SIGTERM, 143, "nexture: terminated (SIGTERM); no output was written."),
        (signal.SIGINT, 130, "nexture: interrupted; no output was written."),
    ],
)
def test_a_signal_during_the_write_leaves_no_file_and_one_line(tmp_path, cli, with_tiny, monkeypatch, sig, code, line):
    src = write_exr(tmp_path / "in.exr", smooth())
    real = writing._write_with

    def write_then_signal(oiio, tmp, dest, arr, spec):
        real(oiio, tmp, dest, arr, spec)
        assert tmp.exists()  # the half-finished file the signal must not leave behind
        os.kill(os.getpid(), sig)

    monkeypatch.setattr(writing, "_write_with", write_then_signal)
    before = cli.files()
    got, err, out = cli("synth", src, "-p", with_tiny, "-o", tmp_path / "out.exr", *FAST)
    assert got == code and [e for e in err if not e.startswith("nexture: note:")] == [line] and out == ""
    assert cli.files() == before


def test_the_previous_sigterm_handler_is_restored(tmp_path, cli, with_tiny):
    previous = signal.getsignal(signal.SIGTERM)
    cli("synth", write_exr(tmp_path / "in.exr", smooth()), "-p", with_tiny, "-o", tmp_path / "out.exr", *FAST)
    assert signal.getsignal(signal.SIGTERM) is previous
