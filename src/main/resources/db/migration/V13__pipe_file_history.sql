-- The pipe loader's per-file history as the API lists it: an id in load order and when each file's load began.
ALTER TABLE pipe_file ADD COLUMN history_id bigserial, ADD COLUMN started_at timestamptz;
CREATE INDEX pipe_file_history ON pipe_file (pipe_table_id, history_id);
