-- Flink SQL client session for analysts: batch queries over the masked and audit tables.
-- `maskstream sql-init` writes this file followed by the DDL of every analyst table (masked,
-- audit, leaks, quarantine of each dataset; never raw), with the profile's paths filled in:
--   maskstream sql-init --out .flink/analyst-init.sql
--   $FLINK_HOME/bin/sql-client.sh -i .flink/analyst-init.sql      (or: make sql-client)
SET 'execution.runtime-mode' = 'batch';
SET 'sql-client.execution.result-mode' = 'tableau';
SET 'table.display.max-column-width' = '40';
