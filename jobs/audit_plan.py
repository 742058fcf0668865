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
class Increment:
    """What an audit run reads of one Iceberg table: the snapshots after `since` (all of them
    when None) up to `snapshot`, which the seals name."""

    snapshot: int | None  # the snapshot read up to; None: the table has none (or is a topic)
    since: int | None = None  # the last sealed snapshot: rows committed after it only
    whole: bool = False  # a folder of files, read whole (the `parquet` profile)

    @property
    def unchanged(self) -> bool:
        """Nothing committed since the snapshot the last seal names."""
        return self.since is not None and self.snapshot == self.since

    @property
    def has_rows(self) -> bool:
        """Rows to read: committed files, or snapshots no seal names yet."""
        return self.whole or (self.snapshot is not None and not self.unchanged)

    def hint(self) -> str:
        """The Iceberg source hint that reads exactly this increment."""
        if self.snapshot and self.since:
            return (
                f" /*+ OPTIONS('start-snapshot-id'='{int(self.since)}', "
                f"'end-snapshot-id'='{int(self.snapshot)}') */"
            )
        if self.snapshot:
            return f" /*+ OPTIONS('snapshot-id'='{int(self.snapshot)}') */"
        return ""


NO_INCREMENT = Increment(None)


@dataclass(frozen=True)
class AuditPlan:
    prev_seal: str | None  # the chain's last seal, which this run's first seal links to
    masked: Increment = NO_INCREMENT  # what the run reads of the masked table
    # What the run counts of the quarantine table; None when it counts no quarantine (a
    # streaming audit of a topic: its windows say "not counted", never 0).
    quarantine: Increment | None = None

    @property
    def snapshot(self) -> int | None:
        return self.masked.snapshot

    @property
    def since(self) -> int | None:
        return self.masked.since

    @property
    def reads_quarantine(self) -> bool:
        """Quarantined records were committed that no seal has counted yet."""
        return self.quarantine is not None and self.quarantine.has_rows

    @property
    def nothing_new(self) -> bool:
        """Iceberg tables with no snapshot since the ones the last seal names."""
        return self.masked.unchanged and not self.reads_quarantine


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


def _since(tail: dict[str, Any] | None, column: str) -> int | None:
    value = None if tail is None else tail.get(column)
    return int(value) if value else None


def plan_audit(config: JobConfig, policy: Policy, batch: bool) -> AuditPlan:
    tail = chain_tail(read_seals(config), policy.dataset)
    prev = None if tail is None else str(tail["seal"])
    masked = table_ref(config, "masked" if batch else "masked_events")
    if not batch or masked is None or not masked.is_table:
        return AuditPlan(prev)  # a topic: the consumer group knows where it was
    if not masked.is_iceberg:
        if _has_committed_files(config, "audit"):
            raise ConfigError(
                f"{masked.ddl}: table `{masked.name}` is a folder of files, which the audit "
                "reads whole, and it is sealed already: a second audit would seal its rows "
                "twice. Fix: use the default profile (Iceberg tables), whose audit seals only "
                "what is new"
            )
        # The quarantine folder is read whole too (a run with no rejected record has none).
        whole = _has_committed_files(config, "quarantine")
        return AuditPlan(None, quarantine=Increment(None, whole=whole))
    if tail is not None and not tail.get("masked_snapshot"):
        raise ConfigError(
            f"the last seal of {policy.dataset} names no snapshot of {masked.name}, so what "
            "it covers is unknown and new rows cannot be told apart. Fix: audit into a new "
            "audit table (AUDIT table of another warehouse) or re-audit from scratch"
        )
    return AuditPlan(
        prev,
        Increment(current_snapshot_id(config, "masked"), _since(tail, "masked_snapshot")),
        # Seals older than quarantine counting name no quarantine snapshot: all of it is new.
        Increment(current_snapshot_id(config, "quarantine"), _since(tail, "quarantine_snapshot")),
    )
