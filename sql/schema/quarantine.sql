-- Records the mask job rejected: where they came from, why, a keyed digest and a masked shape
-- of the payload. Never the payload. Every dataset's <dataset>_quarantine table is LIKE this.
CREATE TEMPORARY TABLE IF NOT EXISTS quarantine_schema (
  `dataset`         STRING,
  `policy_version`  INT,
  `source_ref`      STRING,   -- file:<path> or kafka:<topic>/<partition>/<offset>
  `error_class`     STRING,   -- malformed_json, invalid_utf8, missing_field, wrong_type, ...
  `error_field`     STRING,   -- the field at fault, when there is one
  `payload_digest`  STRING,   -- HMAC-SHA256 of the raw bytes under the active token key
  `payload_bytes`   BIGINT,
  `payload_shape`   STRING    -- letters -> X/x, digits -> n, other non-ASCII -> *, cut at 160
) WITH ('connector' = 'blackhole');
