"""Where a stopped job resumes from: the newest savepoint (Ctrl-C stops a run with one) or
retained checkpoint (a killed or cancelled run keeps its last ones) under the profile's
CHECKPOINT_DIR. Once a resumed run has finished, its restore point is removed, so that no later
run replays it.

A run that follows its input folder marks its restore points (FOLLOWED): its source keeps the
paths it has seen in its state, a run that reads the folder once does not, so neither kind of
run may resume the other's (one would read again the files the other's state still holds)."""

from __future__ import annotations

import shutil
from pathlib import Path

from jobs.config import ConfigError

SAVEPOINTS = "savepoints"
# In a savepoint's folder, or the checkpoint folder of a job (CHECKPOINT_DIR/<job id>): written
# by a run that follows its input folder.
FOLLOWED = "maskstream-followed"


def restore_points(checkpoint_dir: Path) -> list[Path]:
    """Complete savepoints and checkpoints (folders holding `_metadata`), newest first."""
    found = [
        *checkpoint_dir.glob(f"{SAVEPOINTS}/*/_metadata"),
        *checkpoint_dir.glob("*/chk-*/_metadata"),
    ]
    return [p.parent for p in sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)]


def latest_restore_point(checkpoint_dir: Path) -> Path:
    points = restore_points(checkpoint_dir) if checkpoint_dir.is_dir() else []
    if not points:
        raise ConfigError(
            f"--resume: no savepoint or retained checkpoint under {checkpoint_dir} "
            "(CHECKPOINT_DIR), so there is no stopped run to finish. Fix: run without --resume"
        )
    return points[0]


def check_no_stopped_run(checkpoint_dir: Path) -> None:
    """A new run starts only when no stopped one waits to be finished: its restore point would
    otherwise outlive the files the new run masks, and a later --resume read them again."""
    points = restore_points(checkpoint_dir) if checkpoint_dir.is_dir() else []
    if not points:
        return
    how = "--follow --resume" if followed(points[0]) else "--resume"
    older = f" (and {len(points) - 1} older restore point(s))" if len(points) > 1 else ""
    raise ConfigError(
        f"a stopped run was not finished: it stopped at {points[0]}{older}. Fix: "
        f"`maskstream run mask {how}` finishes it; or, to drop it, remove its restore point(s) "
        f"under {checkpoint_dir} (CHECKPOINT_DIR), and a new run masks what it did not commit"
    )


def discard(point: Path, checkpoint_dir: Path) -> None:
    """Remove a used restore point: a savepoint folder, or the whole checkpoint folder of the
    job it belongs to (its other retained checkpoints are older still)."""
    target = point if point.parent.name == SAVEPOINTS else point.parent
    if target.resolve().is_relative_to(checkpoint_dir.resolve()):
        shutil.rmtree(target, ignore_errors=True)


def mark_followed(folder: Path) -> None:
    """Mark a savepoint's folder, or a job's checkpoint folder, as a following run's."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / FOLLOWED).write_text("written by `maskstream run mask --follow`\n")


def followed(point: Path) -> bool:
    """Whether a restore point is of a run that followed its input folder."""
    owner = point if point.parent.name == SAVEPOINTS else point.parent
    return (owner / FOLLOWED).is_file()


def check_resume_kind(point: Path, follow: bool) -> None:
    """A following run resumes only a following run's restore point, and the other way round."""
    if follow and not followed(point):
        raise ConfigError(
            f"--follow --resume: {point} is of a run that read its folder once; its files "
            "would be read again by a run that follows the folder. Fix: finish it with "
            "`maskstream run mask --resume`, then start `maskstream run mask --follow`"
        )
    if not follow and followed(point):
        raise ConfigError(
            f"--resume: {point} is of a run that followed its folder (--follow). Fix: "
            "`maskstream run mask --follow --resume` continues it; Ctrl-C stops it again"
        )
