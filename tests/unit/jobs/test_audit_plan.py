"""What an audit run seals: the chain's last seal, and only the snapshots since it."""

from __future__ import annotations

import pytest

from jobs.audit_plan import AuditPlan, Increment, chain_tail
from jobs.audit_projection import compile_scan_view, compile_window_query
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


M = Increment  # the masked table's increment; Q: the quarantine table's


@pytest.mark.parametrize(
    ("plan", "nothing_new"),
    [
        (AuditPlan(None, M(5), M(None)), False),  # first audit
        (AuditPlan("s", M(9, 5), M(3, 3)), False),  # new masked snapshots since the last seal
        (AuditPlan("s", M(5, 5), M(3, 3)), True),  # neither table has changed since
        (AuditPlan("s", M(5, 5), M(None)), True),  # nothing was ever quarantined
        (AuditPlan("s", M(5, 5), M(4, 3)), False),  # only newly quarantined records
        (AuditPlan("s", M(5, 5), M(4, None)), False),  # quarantine never counted before
        (AuditPlan("s"), False),  # a topic
        (AuditPlan(None, M(None), M(None, whole=True)), False),  # a folder, read whole
    ],
)
def test_nothing_new_only_when_neither_table_has_changed(
    plan: AuditPlan, nothing_new: bool
) -> None:
    assert plan.nothing_new is nothing_new


@pytest.mark.parametrize(
    ("snapshot", "since", "hint"),
    [
        (None, None, None),
        (5, None, "OPTIONS('snapshot-id'='5')"),
        (9, 5, "OPTIONS('start-snapshot-id'='5', 'end-snapshot-id'='9')"),
        (5, 5, "WHERE FALSE"),  # only quarantine is new: the masked rows are sealed already
    ],
)
def test_the_scan_reads_the_snapshots_since_the_last_seal(snapshot, since, hint) -> None:
    policy = load_policy(REPO / "conf/policies/customers.yaml")
    sql = compile_scan_view(policy, "f", ["notes"], "t", Increment(snapshot, since))
    assert (hint in sql) if hint else ("OPTIONS" not in sql and "WHERE" not in sql)


@pytest.mark.parametrize(
    ("quarantine", "expected"),
    [
        (None, None),
        (Increment(4, 3), "FROM `customers_quarantine` /*+ OPTIONS('start-snapshot-id'='3', "),
        (Increment(None, whole=True), "FROM `customers_quarantine`\n  WHERE"),
    ],
)
def test_the_windows_count_quarantine_by_event_or_ingestion_time(quarantine, expected) -> None:
    policy = load_policy(REPO / "conf/policies/customers.yaml")
    part = None if quarantine is None else ("customers_quarantine", quarantine)
    sql = compile_window_query(policy, 60, "w", part)
    if expected is None:
        assert "UNION" not in sql and "quarantine" not in sql
    else:
        assert expected in sql
        assert "COALESCE(`event_time`, `ingested_at`)" in sql
        assert "`error_class`, `leak_count`" in sql
