"""Following the input folder: the interval a profile or `--follow` gives, and the files the
source leaves out when it starts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jobs.config import ConfigError, load_config
from jobs.input_files import EVERY_FILE, InputPlan, follow_interval, parse_interval
from tests.paths import REPO


@pytest.mark.parametrize(
    ("text", "flink", "seconds"),
    [
        ("5s", "5s", 5.0),
        ("500ms", "500ms", 0.5),
        ("1min", "1min", 60.0),
        ("2 m", "2min", 120.0),  # Flink's short name for minutes, spaces allowed
        ("1H", "1h", 3600.0),  # any case
        (" 10 seconds ", "10s", 10.0),
    ],
)
def test_an_interval_is_passed_on_in_flinks_own_words(
    text: str, flink: str, seconds: float
) -> None:
    assert parse_interval(text) == (flink, seconds)


@pytest.mark.parametrize(
    "text",
    [
        "5",  # Flink would read milliseconds: a unit is required
        "0s",  # the source refuses 0
        "1.5s",  # Flink takes whole numbers only
        "5 fortnights",
        "soon",
        "",
    ],
)
def test_a_bad_interval_names_the_setting_and_the_fix(text: str) -> None:
    with pytest.raises(ConfigError, match=r"FOLLOW_INTERVAL .*not an interval. Fix: .*5s"):
        parse_interval(text)


def test_the_profile_reads_its_folder_once_unless_an_interval_is_set() -> None:
    assert follow_interval(load_config("local")) is None  # conf/maskstream.yaml: ""
    config = load_config("local", variables={"FOLLOW_INTERVAL": "30 s"})
    assert follow_interval(config) == "30s"


def test_the_follow_ddl_adds_the_monitor_option_to_the_raw_table() -> None:
    config = load_config("local", variables={"FOLLOW_INTERVAL": "5s"})
    ddl = config.ddl_file("raw_follow")
    assert ddl == REPO / "sql" / "filesystem" / "raw_follow.sql"
    from jobs.sql_files import load_sql_file

    (statement,) = load_sql_file(ddl, config.sql_variables())
    assert statement.text == ("ALTER TABLE customers_raw SET ('source.monitor-interval' = '5s')")


def test_the_source_leaves_out_done_files_and_those_a_resumed_run_finishes(
    tmp_path: Path,
) -> None:
    done, partial, new = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    assert InputPlan([new]).pattern == EVERY_FILE
    pattern = re.compile(InputPlan([new], [done], {partial: (3, 10)}).pattern)
    # A source that follows the folder must not find the partial file again as new: the
    # restored checkpoint reads its rest.
    assert not pattern.fullmatch(str(done)) and not pattern.fullmatch(str(partial))
    assert pattern.fullmatch(str(new))
    assert pattern.fullmatch(str(tmp_path / "a.jsonl.later"))  # whole paths only
