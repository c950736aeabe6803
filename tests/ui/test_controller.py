"""Job -> Qt bridge: signals from the worker thread arrive on the UI thread."""

from __future__ import annotations

import time

from nexture_core.errors import InputError
from nexture_core.job import Job, JobState
from nexture_core.progress import check_cancel
from nexture_core.ui.controller import PROGRESS_RATE_HZ, JobBridge, format_eta
from nexture_core.ui.qt import QtCore


def _counting_work(steps: int, delay: float):
    def work(progress, cancel):
        for i in range(steps):
            check_cancel(cancel)
            time.sleep(delay)
            progress((i + 1) / steps, f"step {i + 1}")
        return steps

    return work


def test_signals_arrive_on_the_ui_thread(qtbot):
    bridge = JobBridge()
    ui_thread = QtCore.QThread.currentThread()
    threads = []
    bridge.progressed.connect(lambda job: threads.append(QtCore.QThread.currentThread() is ui_thread))
    with qtbot.waitSignal(bridge.finished, timeout=5000) as blocker:
        job = bridge.start(Job(_counting_work(100, 0.005)))
    assert blocker.args[0] is job
    assert job.state is JobState.DONE and job.result == 100
    assert threads and all(threads)
    # Throttled to PROGRESS_RATE_HZ: far fewer queued signals than engine steps.
    assert len(threads) <= job.elapsed * PROGRESS_RATE_HZ + 2 and len(threads) < 100


def test_cancel_ends_as_cancelled(qtbot):
    bridge = JobBridge()
    with qtbot.waitSignal(bridge.finished, timeout=5000) as blocker:
        job = bridge.start(Job(_counting_work(1000, 0.01)))
        QtCore.QTimer.singleShot(100, bridge.cancel)
    assert blocker.args[0].state is JobState.CANCELLED
    assert job.progress < 1.0
    assert not bridge.busy


def test_failure_carries_the_readable_message(qtbot):
    def broken(progress, cancel):
        raise InputError("/tmp/x.tif: the file is truncated.")

    bridge = JobBridge()
    with qtbot.waitSignal(bridge.finished, timeout=5000) as blocker:
        bridge.start(Job(broken))
    assert blocker.args[0].state is JobState.FAILED
    assert blocker.args[0].error_text == "/tmp/x.tif: the file is truncated."


def test_format_eta():
    assert format_eta(None) == ""
    assert format_eta(12.4) == "12 s left"
    assert format_eta(125) == "2 min 05 s left"
    assert format_eta(7300).startswith("2 h")
