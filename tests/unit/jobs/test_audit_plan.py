"""What an audit run seals: the chain's last seal, and only the snapshots since it."""

from __future__ import annotations

import pytest

from jobs.audit_plan import AuditPlan, chain_tail
from jobs.audit_projection import compile_scan_view
from jobs.config import ConfigError
from tests.paths import REPO
from udfs.policy.model import load_policy


def _seal(seal: str, prev: str | None, dataset: str = "customers") -> dict:
    return {"dataset": dataset, "seal": seal, "prev_seal": prev, "masked_snapshot": "7"}


@pytest.mark.parametrize(
    ("seals", "tail"),
    [
        ([], None),
        ([_seal("a", None)], "a"),
        ([_seal("a", None), _seal("b", "a"), _seal("c", "b")], "c"),
        ([_seal("c", "b"), _seal("a", None), _seal("b", "a")], "c"),  # any order
        ([_seal("a", None), _seal("x", None, "payments")], "a"),  # other datasets ignored
    ],
)
def test_the_chain_is_continued_from_its_last_seal(seals: list[dict], tail: str | None) -> None:
    found = chain_tail(seals, "customers")
    assert (found and found["seal"]) == tail


def test_a_chain_with_two_ends_is_refused_naming_the_fix() -> None:
    seals = [_seal("a", None), _seal("b", "a"), _seal("c", "a")]
    with pytest.raises(ConfigError, match=r"customers has 2 ends .*maskstream verify"):
        chain_tail(seals, "customers")


@pytest.mark.parametrize(
    ("plan", "nothing_new"),
    [
        (AuditPlan(None, 5, None), False),  # first audit
        (AuditPlan("s", 9, 5), False),  # new snapshots since the last seal
        (AuditPlan("s", 5, 5), True),  # the table has not changed since
        (AuditPlan("s", None, None), False),  # a topic
    ],
)
def test_nothing_new_only_when_the_table_has_not_changed(
    plan: AuditPlan, nothing_new: bool
) -> None:
    assert plan.nothing_new is nothing_new


@pytest.mark.parametrize(
    ("snapshot", "since", "hint"),
    [
        (None, None, None),
        (5, None, "OPTIONS('snapshot-id'='5')"),
        (9, 5, "OPTIONS('start-snapshot-id'='5', 'end-snapshot-id'='9')"),
    ],
)
def test_the_scan_reads_the_snapshots_since_the_last_seal(snapshot, since, hint) -> None:
    policy = load_policy(REPO / "conf/policies/customers.yaml")
    sql = compile_scan_view(policy, "f", ["notes"], "t", snapshot_id=snapshot, since=since)
    assert (hint in sql) if hint else ("OPTIONS" not in sql)
