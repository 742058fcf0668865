"""The columns of the tables the mask job writes, defined once: the masked table (every policy
field as its rule outputs it, then the row metadata) and the quarantine table (never the
payload). The worker's result, the tables' DDL, `preview` and `verify` all derive from these."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from udfs.sql_types import SqlType

if TYPE_CHECKING:
    from udfs.policy.model import Policy

STRING, INT, BIGINT = SqlType("STRING"), SqlType("INT"), SqlType("BIGINT")
TIMESTAMP = SqlType("TIMESTAMP(3)")


class Column(NamedTuple):
    name: str
    type: SqlType
    comment: str = ""


# The columns every masked row carries after the policy's fields, in sink order; their names are
# reserved in policies.
SINK_METADATA: tuple[Column, ...] = (
    Column("policy_version", INT, "version of the policy that masked the row"),
    Column("token_key_id", STRING, "id of the key behind the row's tokens"),
    Column("source_ref", STRING, "file:<path> or kafka:<topic>/<partition>/<offset>"),
    Column("masked_fields", STRING, "the fields of this row a rule changed"),
    Column("residual_fields", STRING, "field@column: raw values the residual check replaced"),
    Column("row_digest", STRING, "SHA-256 of the row's canonical JSON: what the seals cover"),
)
METADATA_COLUMNS = tuple(c.name for c in SINK_METADATA)
# Metadata the masking function computes per row; policy_version is a constant of the job and
# source_ref comes from the source table.
COMPUTED_METADATA = ("token_key_id", "masked_fields", "residual_fields", "row_digest")

# What a rejected record leaves behind, in table order. The first two are constants of the job,
# source_ref comes from the source, the others from the masking function's verdict.
QUARANTINE_COLUMNS: tuple[Column, ...] = (
    Column("dataset", STRING),
    Column("policy_version", INT),
    Column("source_ref", STRING, "file:<path> or kafka:<topic>/<partition>/<offset>"),
    Column(
        "error_class",
        STRING,
        "malformed_json, invalid_utf8, missing_field, wrong_type, duplicate_key, ...",
    ),
    Column("error_field", STRING, "the field at fault, when there is one"),
    Column("payload_digest", STRING, "HMAC-SHA256 of the raw bytes under the active token key"),
    Column("payload_bytes", BIGINT),
    Column("payload_shape", STRING, "letters -> X/x, digits -> n, other non-ASCII -> *, cut"),
    # The audit counts each rejected record in the window of its event time, or of the time it
    # was taken in when its event time could not be read.
    Column("event_time", TIMESTAMP, "the record's event time, when it could be read"),
    Column("ingested_at", TIMESTAMP, "when the mask job took the record in (UTC)"),
)
VERDICT_FIELDS = tuple(c.name for c in QUARANTINE_COLUMNS[3:])


def masked_columns(policy: Policy) -> list[Column]:
    """The masked table's columns: every field as its rule outputs it, then SINK_METADATA."""
    fields = [
        Column(f.name, f.output_type, "" if f.is_keep else f.describe()) for f in policy.fields
    ]
    return fields + list(SINK_METADATA)


def masked_types(policy: Policy) -> dict[str, SqlType]:
    """Column -> type of the masked table, in sink order."""
    return {c.name: c.type for c in masked_columns(policy)}
