"""Restore points of runs that follow their folder and of runs that read it once are not
interchangeable: each kind resumes only its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobs.config import ConfigError
from jobs.restore import (
    SAVEPOINTS,
    check_no_stopped_run,
    check_resume_kind,
    followed,
    latest_restore_point,
    mark_followed,
)


def _point(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "_metadata").write_bytes(b"")
    return folder


def test_a_following_runs_savepoint_and_checkpoints_are_marked(tmp_path: Path) -> None:
    savepoint = _point(tmp_path / SAVEPOINTS / "savepoint-1")
    checkpoint = _point(tmp_path / "0123abcd" / "chk-4")
    assert not followed(savepoint) and not followed(checkpoint)
    mark_followed(savepoint)
    mark_followed(tmp_path / "0123abcd")  # at start-up, before its first checkpoint
    assert followed(savepoint) and followed(checkpoint)
    assert latest_restore_point(tmp_path) in {savepoint, checkpoint}  # the marks are no points


@pytest.mark.parametrize(
    ("marked", "follow", "refusal"),
    [
        (False, False, None),
        (True, True, None),
        # the source of a run that read the folder once keeps no seen paths: a following run
        # would list the files of its splits again
        (False, True, r"read its folder once.*`maskstream run mask --resume`, then"),
        (True, False, r"followed its folder.*`maskstream run mask --follow --resume`"),
    ],
)
def test_each_kind_of_run_resumes_only_its_own_kind(
    tmp_path: Path, marked: bool, follow: bool, refusal: str | None
) -> None:
    point = _point(tmp_path / SAVEPOINTS / "savepoint-1")
    if marked:
        mark_followed(point)
    if refusal is None:
        check_resume_kind(point, follow)
    else:
        with pytest.raises(ConfigError, match=refusal):
            check_resume_kind(point, follow)


@pytest.mark.parametrize(
    ("points", "marked", "refusal"),
    [
        ([], False, None),
        # a job folder without a complete checkpoint (a finished run's) is no stopped run
        (["0123abcd/chk-1/partial"], False, None),
        ([f"{SAVEPOINTS}/savepoint-1"], False, r"not finished.*`maskstream run mask --resume`"),
        ([f"{SAVEPOINTS}/savepoint-1"], True, r"`maskstream run mask --follow --resume`"),
        ([f"{SAVEPOINTS}/s-1", "0123abcd/chk-4"], False, r"and 1 older restore point"),
    ],
)
def test_a_new_run_waits_until_the_stopped_one_is_finished_or_dropped(
    tmp_path: Path, points: list[str], marked: bool, refusal: str | None
) -> None:
    """Stopped at a file boundary, no file is part masked; the savepoint must still not outlive
    a new run that masks the rest (a later --resume would read those files again)."""
    for name in points:
        if name.endswith("partial"):
            (tmp_path / name).mkdir(parents=True)
        else:
            point = _point(tmp_path / name)
            if marked:
                mark_followed(point)
    if refusal is None:
        check_no_stopped_run(tmp_path)
        check_no_stopped_run(tmp_path / "missing")
    else:
        with pytest.raises(ConfigError, match=refusal) as err:
            check_no_stopped_run(tmp_path)
        assert "Fix:" in str(err.value) and str(tmp_path) in str(err.value)
