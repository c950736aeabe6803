"""The local engine's scheduling (no synthesis): order, blocked dependants, cycles, slots; the manifest's atomic save."""

from __future__ import annotations

import os
import threading
from types import SimpleNamespace

import pytest

from nexture_core.batch.local import run_local
from nexture_core.batch.manifest import MANIFEST_NAME, Manifest
from nexture_core.batch.outcome import Outcome, blocked_outcome
from nexture_core.batch.plan import Task
from nexture_core.errors import OutputError
from nexture_core.settings import Settings


def task(tid: str, *deps: str) -> Task:
    request = SimpleNamespace(settings=Settings())
    return Task(tid, "item", "file", request, None, "", deps=tuple(deps))


class Recorder:
    """A runner that records the order it ran tasks in and fails the ids it is told to."""

    def __init__(self, fail=()) -> None:
        self.ran = []
        self.fail = set(fail)
        self.lock = threading.Lock()

    def __call__(self, t, progress=None, cancel=None):
        with self.lock:
            self.ran.append(t.id)
        if progress is not None:
            progress(0.5, "half way")
        if t.id in self.fail:
            raise RuntimeError(f"{t.id} broke")
        return [f"{t.id}.exr"]


@pytest.mark.parametrize("slots", [1, 3])
def test_dependencies_run_first_and_a_failure_blocks_every_task_after_it(slots):
    tasks = [task("join", "ctx_a", "ctx_b"), task("ctx_a"), task("ctx_b"), task("after_join", "join"), task("free")]
    runner = Recorder(fail={"ctx_b"})
    outcomes = {o.task.id: o for o in run_local(tasks, runner, retries=0, slots=slots)}
    assert sorted(runner.ran) == ["ctx_a", "ctx_b", "free"]  # nothing that needs ctx_b ran
    assert {k: o.status for k, o in outcomes.items()} == {
        "ctx_a": "done",
        "ctx_b": "failed",
        "free": "done",
        "join": "blocked",
        "after_join": "blocked",
    }
    assert "ctx_b" in outcomes["join"].error and "join" in outcomes["after_join"].error


def test_a_cycle_is_refused_before_anything_runs():
    runner = Recorder()
    with pytest.raises(RuntimeError, match="cycle"):
        run_local([task("a", "b"), task("b", "a"), task("c")], runner, retries=0)
    assert runner.ran == []


def test_dependencies_outside_the_run_count_as_done():
    runner = Recorder()
    outcomes = run_local([task("join", "ctx_already_done")], runner, retries=0)
    assert [o.status for o in outcomes] == ["done"] and runner.ran == ["join"]


def test_progress_is_the_mean_of_the_tasks_and_reaches_one():
    seen = []
    run_local(
        [task("a"), task("b", "a")],
        Recorder(),
        retries=0,
        progress=lambda f, stage, preview=None: seen.append((f, stage)),
    )
    assert seen[0] == (0.25, "item: half way")  # a half done, b not started
    assert seen[-1][0] == pytest.approx(0.75)  # a done, b half done


def test_cancel_before_start_reports_every_task_cancelled():
    cancel = threading.Event()
    cancel.set()
    runner = Recorder()
    outcomes = run_local([task("a"), task("b", "a")], runner, retries=0, cancel=cancel)
    assert runner.ran == [] and [o.status for o in outcomes] == ["cancelled", "blocked"]


def test_blocked_outcome_names_the_failed_dependencies_only():
    finished = {"a": Outcome(task("a"), "done", ["a.exr"]), "b": Outcome(task("b"), "failed", [], "boom")}
    assert blocked_outcome(task("c", "a"), finished) is None
    blocked = blocked_outcome(task("c", "a", "b"), finished, seconds=2.0)
    assert blocked.status == "blocked" and blocked.seconds == 2.0
    assert blocked.error == "not run: it needs b, which did not finish."


def test_manifest_save_that_fails_keeps_the_old_file_and_leaves_no_temp(tmp_path, monkeypatch):
    manifest = Manifest(tmp_path)
    manifest.record("face/1001", "fp1", [str(tmp_path / "a.exr")], 1.0)
    manifest.save()
    before = (tmp_path / MANIFEST_NAME).read_bytes()
    manifest.record("face/1002", "fp2", [str(tmp_path / "b.exr")], 1.0)

    def crash(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OutputError, match="manifest"):
        manifest.save()
    assert (tmp_path / MANIFEST_NAME).read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [MANIFEST_NAME]
