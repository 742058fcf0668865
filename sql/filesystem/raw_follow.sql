-- Follow the raw files' folder (`run mask --follow`, or FOLLOW_INTERVAL in the profile): list
-- ${INPUT_PATH} again every ${FOLLOW_INTERVAL} and read each new file once, for as long as the
-- job runs. The job runs this after the raw table's DDL (raw.sql, or <dataset>_raw.sql), and
-- only when following: without the option the source reads the folder once and ends.
-- The paths the source has seen are in its checkpoints and savepoints, so a resumed run reads
-- on where it stopped. Drop a file in whole: write it under a hidden name (".tmp-events") and
-- rename it into the folder; a file still being written would be read as it is then.
ALTER TABLE ${DATASET}_raw SET ('source.monitor-interval' = '${FOLLOW_INTERVAL}');
