-- Pipe tables: Iceberg tables the service keeps loading from the parquet files under a prefix of a storage.
CREATE TABLE pipe_table (
    id                       uuid PRIMARY KEY,
    organization_id          uuid NOT NULL REFERENCES organization (id),
    warehouse_id             uuid NOT NULL REFERENCES warehouse (id) ON DELETE CASCADE,
    namespace                text NOT NULL,
    table_name               text NOT NULL,
    source_storage_id        uuid NOT NULL REFERENCES object_storage (id),
    path_prefix              text NOT NULL,
    -- the create request as given (overrides, key, partition and distribution configs, properties)
    definition               jsonb NOT NULL,
    -- [{name, type}] and the Hive partition columns, known once the footers were read
    columns                  jsonb,
    partition_columns        jsonb,
    polling_interval_seconds int NOT NULL DEFAULT 0,
    state                    text NOT NULL CHECK (state IN ('creating', 'active', 'deleting', 'failed')),
    state_detail             text,
    -- the poller: when the table is due, and which worker holds it (every load and refresh takes the lease)
    next_poll_at             timestamptz NOT NULL DEFAULT now(),
    lease_owner              text,
    lease_until              timestamptz,
    last_polled_at           timestamptz,
    last_error               text,
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    UNIQUE (warehouse_id, table_name)
);
CREATE INDEX pipe_table_due ON pipe_table (next_poll_at) WHERE state = 'active';
CREATE INDEX pipe_table_by_storage ON pipe_table (source_storage_id);

-- Every source file a pipe table has taken, written in the same transaction as the table commit that
-- loaded it: the primary key is what makes each file load exactly once.
CREATE TABLE pipe_file (
    pipe_table_id uuid NOT NULL REFERENCES pipe_table (id) ON DELETE CASCADE,
    -- relative to the pipe's prefix
    path          text NOT NULL,
    size          bigint NOT NULL,
    record_count  bigint NOT NULL DEFAULT 0,
    -- loaded, or failed (with why): a failed file is not retried until its partition is refreshed
    state         text NOT NULL CHECK (state IN ('loaded', 'failed')),
    error         text,
    loaded_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pipe_table_id, path)
);
