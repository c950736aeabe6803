"""``nexture batch JOB.toml``: run a TOML job of maps and UDIM sets here or on a Ray cluster.

Exit code: 0 when every task succeeded (or was already done), 1 when some
failed (each is reported with its error), 2 for a bad job file.
"""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "batch",
        help="run a TOML job of maps and UDIM sets, locally or on a Ray cluster",
        description="Run every work item of JOB (a TOML file). Finished tiles are recorded in "
        ".nexture-manifest.json beside the outputs, so a rerun does only what changed or failed.",
    )
    p.add_argument("job", help="job file (TOML): [[item]] tables with input, patterns, output, settings")
    p.add_argument(
        "--engine",
        choices=("local", "ray"),
        default="local",
        help="local: this machine, one task per GPU; ray: a Ray cluster",
    )
    p.add_argument(
        "--address", help="Ray cluster address ('auto', 'ray://head:10001'); default: start a local Ray instance"
    )
    p.add_argument(
        "--export-commands",
        action="store_true",
        help="print one self-contained 'nexture synth' command per tile and exit",
    )
    p.add_argument("--retries", type=int, help="retries per failed task (overrides the job file's [batch] retries)")
    p.add_argument("--force", action="store_true", help="redo every task, even those the manifest records as done")
    p.add_argument("--dry-run", action="store_true", help="validate the job and list its tasks without running them")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..batch import load_job, plan_job, run_batch
    from ..errors import SettingsError
    from ..progress import TerminalProgress

    job = load_job(args.job)
    if args.retries is not None:
        if not 0 <= args.retries <= 20:
            raise SettingsError(f"--retries {args.retries} must be from 0 to 20.")
        job.retries = args.retries
    if args.export_commands:
        from ..batch.commands import export_commands

        lines, notes = export_commands(job)
        for note in notes:
            print(f"nexture: note: {note}", file=sys.stderr)
        print("\n".join(lines))
        return 0
    if args.dry_run:
        for task in plan_job(job):
            deps = f"  after {', '.join(task.deps)}" if task.deps else ""
            print(f"{task.id}  [{task.kind}]  seed {task.request.settings.seed}{deps}")
        return 0
    progress = TerminalProgress(enabled=not args.quiet)
    try:
        report = run_batch(
            job, args.engine, address=args.address, progress=progress, log=progress.write, force=args.force
        )
    finally:
        progress.close()
    done = sum(1 for o in report.outcomes if o.ok)
    summary = f"{done} task(s) done, {len(report.skipped)} already done, {len(report.failed)} failed"
    print(summary, file=sys.stderr)
    for o in report.failed:
        print(f"nexture: failed: {o.task.label}: {o.error}", file=sys.stderr)
    return report.exit_code
