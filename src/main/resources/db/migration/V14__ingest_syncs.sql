-- File-upload syncs (docs/ingest.md): a sync takes files into one table and ends in one Iceberg commit.
CREATE TABLE ingest_sync (
    id               bigserial PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organization (id),
    warehouse_id     uuid NOT NULL REFERENCES warehouse (id) ON DELETE CASCADE,
    name             text NOT NULL,
    -- the table: namespace levels separated by dots, and its name
    namespace        text NOT NULL,
    table_name       text NOT NULL,
    sync_type        text NOT NULL CHECK (sync_type IN ('FULL', 'INCREMENTAL')),
    format           text NOT NULL CHECK (format IN ('parquet', 'csv', 'ndjson')),
    create_table     boolean NOT NULL DEFAULT false,
    -- {header, delimiter, quote, nullValue} of a csv sync
    csv              jsonb,
    on_file_error    text NOT NULL CHECK (on_file_error IN ('fail', 'skip')),
    -- ENDING: an end took it (no more uploads) and its commit has not landed; shown as SYNCING
    status           text NOT NULL CHECK (status IN ('SYNCING', 'ENDING', 'FINISHED', 'FAILED', 'ABORTED')),
    message          text,
    -- the snapshot the end committed, written in the transaction that swapped the table's pointer
    snapshot_id      bigint,
    -- a FULL sync's tag on the snapshot it replaced (none when the table had none)
    trash_tag        text,
    start_time       timestamptz NOT NULL DEFAULT now(),
    end_time         timestamptz,
    -- an open sync past this is aborted by the sweep
    expires_at       timestamptz NOT NULL
);
CREATE INDEX ingest_sync_of_database ON ingest_sync (warehouse_id, id DESC);
CREATE INDEX ingest_sync_open ON ingest_sync (expires_at) WHERE status IN ('SYNCING', 'ENDING');

-- Every file uploaded into a sync: SYNCING while it streams, then FINISHED (its data files listed) or FAILED.
CREATE TABLE ingest_file (
    id              bigserial PRIMARY KEY,
    sync_id         bigint NOT NULL REFERENCES ingest_sync (id) ON DELETE CASCADE,
    file_name       text NOT NULL,
    content_sha256  text,
    bytes           bigint NOT NULL DEFAULT 0,
    rows            bigint NOT NULL DEFAULT 0,
    status          text NOT NULL CHECK (status IN ('SYNCING', 'FINISHED', 'FAILED', 'ABORTED')),
    message         text,
    -- where the upload streams to, known before the first byte: an abort deletes it even half-written
    upload_location text,
    -- the Iceberg data files (ContentFileParser JSON) the end commits
    data_files      jsonb,
    start_time      timestamptz NOT NULL DEFAULT now(),
    end_time        timestamptz
);
CREATE INDEX ingest_file_of_sync ON ingest_file (sync_id, id);
-- the same file (name and content) is taken once per sync
CREATE UNIQUE INDEX ingest_file_once ON ingest_file (sync_id, file_name, content_sha256) WHERE status = 'FINISHED';
