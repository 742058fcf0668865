"""What an audit run seals, decided on the client at start-up from the audit table itself: only
the masked rows committed since the last seal, continuing the one seal chain.

- An Iceberg masked table: the run reads the snapshots after the one the chain's last seal names
  (an incremental append scan) up to the current snapshot, and names that snapshot in its seals.
  Nothing new since then: the run has nothing to do, and adds nothing.
- A topic: the audit job's consumer group resumes where the last run stopped; its first seal
  links to the chain's last one.
- Files (the `parquet` profile): the folder is read whole, so it is sealed once; a second audit
  is refused rather than sealing the same rows twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jobs.config import ConfigError, JobConfig
from jobs.iceberg_catalog import current_snapshot_id, load_iceberg, table_ref
from jobs.input_files import committed_files
from udfs.policy.model import Policy


@dataclass(frozen=True)
class AuditPlan:
    prev_seal: str | None  # the chain's last seal, which this run's first seal links to
    snapshot: int | None  # the masked Iceberg snapshot read up to (and named in the seals)
    since: int | None  # the last sealed snapshot: rows committed after it only

    @property
    def nothing_new(self) -> bool:
        """An Iceberg table with no snapshot since the one the last seal names."""
        return self.since is not None and self.snapshot == self.since


def chain_tail(seals: list[dict[str, Any]], dataset: str) -> dict[str, Any] | None:
    """The last seal of the dataset's chain: the one no other seal links to. Fails, naming the
    count, when the chain has no single end (verify says what is wrong with it)."""
    mine = [s for s in seals if s.get("dataset") == dataset]
    if not mine:
        return None
    linked = {s.get("prev_seal") for s in mine}
    tails = [s for s in mine if s["seal"] not in linked]
    if len(tails) != 1:
        raise ConfigError(
            f"the audit chain of {dataset} has {len(tails)} ends (expected 1), so a new seal "
            "cannot be linked to it. Fix: run `maskstream verify` to see what happened to the "
            "audit table"
        )
    return tails[0]


def read_seals(config: JobConfig) -> list[dict[str, Any]]:
    """Every row of the profile's Iceberg audit table, read with pyiceberg; none for files."""
    ref = table_ref(config, "audit")
    table = load_iceberg(ref) if ref is not None and ref.is_iceberg else None
    if table is None or table.current_snapshot() is None:
        return []
    return table.scan().to_arrow().to_pylist()


def _has_committed_files(config: JobConfig, suffix: str) -> bool:
    ref = table_ref(config, suffix)
    if ref is None or ref.is_iceberg or not ref.path.is_dir():
        return False
    return bool(committed_files(ref.path))


def plan_audit(config: JobConfig, policy: Policy, batch: bool) -> AuditPlan:
    tail = chain_tail(read_seals(config), policy.dataset)
    prev = None if tail is None else str(tail["seal"])
    masked = table_ref(config, "masked" if batch else "masked_events")
    if not batch or masked is None or not masked.is_table:
        return AuditPlan(prev, None, None)  # a topic: the consumer group knows where it was
    if not masked.is_iceberg:
        if _has_committed_files(config, "audit"):
            raise ConfigError(
                f"{masked.ddl}: table `{masked.name}` is a folder of files, which the audit "
                "reads whole, and it is sealed already: a second audit would seal its rows "
                "twice. Fix: use the default profile (Iceberg tables), whose audit seals only "
                "what is new"
            )
        return AuditPlan(None, None, None)
    since = None
    if tail is not None:
        if not tail.get("masked_snapshot"):
            raise ConfigError(
                f"the last seal of {policy.dataset} names no snapshot of {masked.name}, so what "
                "it covers is unknown and new rows cannot be told apart. Fix: audit into a new "
                "audit table (AUDIT table of another warehouse) or re-audit from scratch"
            )
        since = int(tail["masked_snapshot"])
    return AuditPlan(prev, current_snapshot_id(config, "masked"), since)
