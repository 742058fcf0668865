"""Where a stopped job resumes from: the newest savepoint (Ctrl-C stops a run with one) or
retained checkpoint (a killed or cancelled run keeps its last ones) under the profile's
CHECKPOINT_DIR. Once a resumed run has finished, its restore point is removed, so that no later
run replays it."""

from __future__ import annotations

import shutil
from pathlib import Path

from jobs.config import ConfigError

SAVEPOINTS = "savepoints"


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


def discard(point: Path, checkpoint_dir: Path) -> None:
    """Remove a used restore point: a savepoint folder, or the whole checkpoint folder of the
    job it belongs to (its other retained checkpoints are older still)."""
    target = point if point.parent.name == SAVEPOINTS else point.parent
    if target.resolve().is_relative_to(checkpoint_dir.resolve()):
        shutil.rmtree(target, ignore_errors=True)
