"""Batches: many maps and UDIM sets, split into tasks, run locally or on a Ray cluster, resumable.

``run_batch(job, engine)`` plans the tasks (:mod:`.plan`), skips those the resume
manifest (:mod:`.manifest`) records as finished with the same inputs and
settings, runs the rest with the chosen engine (:mod:`.local`, :mod:`.ray_engine`)
and records each success as it arrives. ``run_udim_set(request)`` is the same
for one UDIM set given as a file request (``nexture synth face.<UDIM>.exr``).
Ray is imported only when the Ray engine runs (seconds of start-up).
"""

from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional

from ..errors import Cancelled, NextureError, SettingsError
from ..progress import ProgressFn
from .jobfile import BatchJob, WorkItem, item_from_request, load_job
from .local import run_local
from .manifest import Manifests, digest_inputs, fingerprint
from .outcome import Outcome, Runner
from .plan import Task, plan_job
from .tasks import run_task, scratch_folders

ENGINES = ("local", "ray")
FINGERPRINT_VERSION = 1

__all__ = [
    "BatchJob",
    "BatchReport",
    "WorkItem",
    "load_job",
    "plan_job",
    "run_batch",
    "run_udim_set",
    "run_task",
    "Task",
    "Outcome",
]


@dataclass
class BatchReport:
    """What a batch did: outcomes of the tasks that ran and the ids skipped as already done."""

    outcomes: List[Outcome] = field(default_factory=list)
    skipped: List[str] = field(default_factory=list)
    recorded: Dict[str, List[str]] = field(default_factory=dict)  # id -> outputs, also of skipped tasks
    tasks: List[Task] = field(default_factory=list)

    @property
    def failed(self) -> List[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def exit_code(self) -> int:
        """0 when every task succeeded (or was already done), 1 when some failed."""
        return 0 if self.ok else 1

    def outputs(self) -> List[str]:
        """Final output files (not scratch), in task order, including skipped tasks'."""
        out: List[str] = []
        for t in self.tasks:
            if t.kind != "context":
                out.extend(self.recorded.get(t.id, []))
        return out

    def raise_for_failures(self) -> None:
        """Raise a NextureError naming every failed task (its own sentence first)."""
        if self.failed:
            first = self.failed[0]
            others = f" ({len(self.failed) - 1} more task(s) failed too)" if len(self.failed) > 1 else ""
            if first.status == "cancelled":
                raise Cancelled()
            raise NextureError(f"{first.task.label}: {first.error}{others}")


def _fingerprints(tasks: List[Task], manifests: Manifests) -> None:
    """Fill ``task.fingerprint`` from settings, templates, input bytes and dependencies."""
    by_id: Dict[str, Task] = {}
    for t in tasks:
        req = t.request
        manifest = manifests.for_folder(t.folder)
        parts = {
            "version": FINGERPRINT_VERSION,
            "kind": t.kind,
            "settings": req.settings.to_dict(),
            "patterns": list(req.patterns),
            "output": req.output,
            "read": [req.channel, req.part, req.nan, req.output_format, req.output_dtype, req.id_values],
            "inputs": digest_inputs(manifest, t.inputs),
            "sides": t.context.get("sides"),
            "deps": [by_id[d].fingerprint for d in t.deps if d in by_id],
        }
        t.fingerprint = fingerprint(parts)
        by_id[t.id] = t


def run_batch(
    job: BatchJob,
    engine: str = "local",
    *,
    runner: Optional[Runner] = None,
    address: Optional[str] = None,
    progress: Optional[ProgressFn] = None,
    cancel: Optional[threading.Event] = None,
    use_manifest: bool = True,
    force: bool = False,
    slots: Optional[int] = None,
    log: Optional[Callable[[str], None]] = print,
    keep_scratch: bool = False,
) -> BatchReport:
    """Run a job's tasks on ``engine`` ("local" or "ray"); returns a :class:`BatchReport`.

    ``runner(task, progress, cancel) -> [paths]`` does one task (default
    :func:`run_task`, which calls ``nexture_core.api.synthesize_file``). With
    ``use_manifest`` finished tasks are recorded in ``.nexture-manifest.json`` in
    their output folder, and tasks already recorded with the same fingerprint and
    existing outputs are skipped (``force`` redoes everything). ``log`` gets one
    line per finished task. Raises NextureError for a bad job before any work.
    """
    if engine not in ENGINES:
        raise SettingsError(f"--engine {engine!r} is unknown; use 'local' or 'ray'.")
    tasks = plan_job(job)
    manifests = Manifests()
    _fingerprints(tasks, manifests)
    report = BatchReport(tasks=tasks)
    pending = _tasks_to_run(tasks, manifests, report, skip_done=use_manifest and not force)
    if use_manifest:
        manifests.save_all()  # the file-digest cache, even if nothing runs
    if log is not None and report.skipped:
        log(f"skipping {len(report.skipped)} task(s) already done (see .nexture-manifest.json)")
    # The local engine reports progress per task itself; Ray's is counted here, task by task.
    recorder = _Recorder(
        report, manifests if use_manifest else None, len(pending), log, progress if engine == "ray" else None
    )
    if engine == "local":
        report.outcomes = run_local(
            pending,
            runner or run_task,
            retries=job.retries,
            slots=slots,
            progress=progress,
            cancel=cancel,
            on_done=recorder,
        )
    else:
        from .ray_engine import run_ray  # imports Ray, seconds of start-up

        report.outcomes = run_ray(pending, runner or run_task, retries=job.retries, address=address, on_done=recorder)
    if not keep_scratch:
        _clean_scratch(tasks, report)
    return report


def _tasks_to_run(tasks: List[Task], manifests: Manifests, report: BatchReport, skip_done: bool) -> List[Task]:
    """The tasks still to do; with ``skip_done`` those the manifest records as done go to ``report.skipped``."""
    pending: List[Task] = []
    for t in tasks:
        m = manifests.for_folder(t.folder)
        if skip_done and m.is_done(t.id, t.fingerprint):
            report.skipped.append(t.id)
            report.recorded[t.id] = list(m.tasks[t.id]["outputs"])
        else:
            pending.append(t)
    return _drop_unneeded_contexts(pending, report.skipped)


class _Recorder:
    """Called as each task ends (from any thread): fills the report, the manifest, the log and Ray's progress."""

    def __init__(
        self, report: BatchReport, manifests: Optional[Manifests], total: int, log, progress: Optional[ProgressFn]
    ) -> None:
        self.report = report
        self.manifests = manifests
        self.total = total
        self.log = log
        self.progress = progress
        self.count = 0
        self.lock = threading.Lock()

    def __call__(self, outcome: Outcome) -> None:
        with self.lock:
            self.count += 1
            if outcome.ok:
                self.report.recorded[outcome.task.id] = outcome.outputs
            self._save(outcome)
            self._log(outcome)
            if self.progress is not None:
                self.progress(self.count / max(1, self.total), f"{self.count}/{self.total} tasks", None)

    def _save(self, outcome: Outcome) -> None:
        if self.manifests is None:
            return
        t = outcome.task
        m = self.manifests.for_folder(t.folder)
        if outcome.ok:
            m.record(t.id, t.fingerprint, outcome.outputs, outcome.seconds)
        else:
            m.forget(t.id)
        m.save()

    def _log(self, outcome: Outcome) -> None:
        if self.log is None:
            return
        where = f"[{self.count}/{self.total}]"
        if outcome.ok:
            self.log(f"{where} done   {outcome.task.label}  {outcome.seconds:.1f} s")
        else:
            self.log(f"{where} {outcome.status.upper():6s} {outcome.task.label}: {outcome.error}")


def run_udim_set(
    request, progress: Optional[ProgressFn] = None, cancel: Optional[threading.Event] = None, joins: str = "auto"
) -> List[Path]:
    """Synthesize every tile of ``request.input`` (a UDIM pattern) on this machine; returns the paths.

    Each tile uses ``udim.tile_seed(request.settings.seed, udim)``; outputs follow
    ``request.output`` with the same tile token (default
    ``{name}_{pattern}_{map}.<UDIM>.{ext}`` beside the input). Masks, the id map and
    base maps may be UDIM patterns too. Joined edges are handled as in a batch.
    Raises InputError/OutputError/SettingsError before any work, Cancelled when asked,
    and a NextureError naming the tiles that failed.
    """
    item = item_from_request(request, joins=joins)
    job = BatchJob(path=None, items=[item], retries=0)
    report = run_batch(job, engine="local", progress=progress, cancel=cancel, use_manifest=False, log=None)
    report.raise_for_failures()
    return [Path(p) for p in report.outputs()]


def _drop_unneeded_contexts(pending: List[Task], skipped: List[str]) -> List[Task]:
    """A context synthesis whose joins are all done already need not run again."""
    done = set(skipped)
    needed = {d for t in pending for d in t.deps}
    return [t for t in pending if t.kind != "context" or t.id in needed or t.id.rsplit("/", 1)[0] not in done]


def _clean_scratch(tasks: List[Task], report: BatchReport) -> None:
    """Delete an item's context syntheses once every join of the item is done."""
    ok = set(report.skipped) | {o.task.id for o in report.outcomes if o.ok}
    for item, folders in scratch_folders(tasks).items():
        joins = [t for t in tasks if t.item == item and t.kind == "join"]
        if joins and all(t.id in ok for t in joins):
            for folder in folders:
                shutil.rmtree(folder, ignore_errors=True)
            for parent in sorted(
                {f.parent for f in folders} | {f.parent.parent for f in folders}, key=lambda p: -len(p.parts)
            ):
                try:
                    parent.rmdir()  # only when empty
                except OSError:
                    pass
