"""FLINK-36298's planning NPE is planned again; any other error is raised at once."""

from __future__ import annotations

import pytest

from jobs.flink_env import is_planner_thread_race, planned

RACE = (
    "java.lang.NullPointerException: metadataHandlerProvider\n"
    "\tat org.apache.calcite.rel.metadata.RelMetadataQueryBase.getMetadataHandlerProvider"
)


class _Failing:
    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "submitted"


def test_the_race_is_planned_again() -> None:
    submit = _Failing(RuntimeError(RACE), RuntimeError(RACE))
    assert planned(submit) == "submitted" and submit.calls == 3


def test_the_race_gives_up_after_the_last_attempt() -> None:
    submit = _Failing(*(RuntimeError(RACE) for _ in range(3)))
    with pytest.raises(RuntimeError):
        planned(submit, attempts=3)
    assert submit.calls == 3


@pytest.mark.parametrize(
    "error",
    [
        RuntimeError("java.lang.NullPointerException: something else"),
        ValueError("Object 'x' not found"),
        RuntimeError("metadataHandlerProvider"),  # no NPE: not the race
    ],
)
def test_other_errors_are_raised_at_once(error: Exception) -> None:
    submit = _Failing(error)
    with pytest.raises(type(error)):
        planned(submit)
    assert submit.calls == 1 and not is_planner_thread_race(error)
