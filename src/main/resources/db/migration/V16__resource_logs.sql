-- What the service did for an operation, pipe table, sync or database instance (docs/logs.md): one row a
-- line, read oldest first by id, kept ailake.logs.retention.
CREATE TABLE resource_log (
    id               bigserial PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organization (id),
    subject_kind     text NOT NULL CHECK (subject_kind IN ('OPERATION', 'PIPE_TABLE', 'SYNC', 'DATABASE_INSTANCE')),
    -- the operation's public id, the pipe table's or database's uuid, the sync's number
    subject_id       text NOT NULL,
    logged_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    level            text NOT NULL CHECK (level IN ('info', 'warn', 'error')),
    message          text NOT NULL,
    fields           jsonb
);
-- a subject's lines in order: the tail, since and follow reads
CREATE INDEX resource_log_of_subject ON resource_log (organization_id, subject_kind, subject_id, id);
-- lines are written in time order, so a block-range index finds the expired ones for the sweep cheaply
CREATE INDEX resource_log_age ON resource_log USING brin (logged_at);
