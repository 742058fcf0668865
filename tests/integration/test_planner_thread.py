"""FLINK-36298: planning on a py4j connection whose Java thread never had Calcite's metadata
provider fails with "NullPointerException: metadataHandlerProvider" (and keeps failing in that
environment); jobs.flink_env.planned binds the provider first. The race is made here on purpose:
a new py4j connection on top of the pool, as a second Python thread's call leaves one."""

from __future__ import annotations

import pytest

from jobs.config import load_config
from jobs.flink_env import create_table_env, is_planner_thread_race, planned

pytestmark = pytest.mark.flink
QUERY = "SELECT a + 1 FROM (VALUES (1), (2)) AS t(a) WHERE a > 0"


def _new_connection_on_top() -> None:
    from pyflink.java_gateway import get_gateway

    client = get_gateway()._gateway_client
    client.deque.append(client._create_connection())  # the next call is served by a new thread


def test_planned_binds_the_provider_on_a_new_connection_and_plain_planning_fails() -> None:
    for _ in range(2):  # twice: each time on a thread that never planned before
        t_env = create_table_env(load_config("local").flink)
        _new_connection_on_top()
        assert "Calc" in planned(t_env, lambda: t_env.explain_sql(QUERY))  # noqa: B023
    # The same without binding: the race is real, so the test above can fail.
    t_env = create_table_env(load_config("local").flink)
    _new_connection_on_top()
    with pytest.raises(Exception) as failed:
        t_env.explain_sql(QUERY)
    assert is_planner_thread_race(failed.value)
