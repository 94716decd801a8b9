-- Registered object storages. Credentials are sealed with AES-GCM (see SecretBox) and never returned.
CREATE TABLE object_storage (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organization (id),
    name            text NOT NULL,
    storage_type    text NOT NULL CHECK (storage_type IN ('S3', 'MINIO', 'LOCAL')),
    -- s3://bucket/prefix or file:/directory: where the storage's objects live
    root            text NOT NULL,
    endpoint        text,
    region          text,
    path_style      boolean NOT NULL DEFAULT false,
    sealed_secret   bytea,
    -- who declared it: the admin API, the service configuration, or the default warehouse at first start
    origin          text NOT NULL DEFAULT 'api' CHECK (origin IN ('api', 'config', 'default')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, name)
);

-- A warehouse (AI Lake database instance) lives in its first storage and may use the others.
ALTER TABLE warehouse ADD COLUMN state text NOT NULL DEFAULT 'ready'
    CHECK (state IN ('provisioning', 'ready', 'deleting', 'failed'));
ALTER TABLE warehouse ADD COLUMN state_detail text;
CREATE TABLE warehouse_storage (
    warehouse_id uuid NOT NULL REFERENCES warehouse (id) ON DELETE CASCADE,
    storage_id   uuid NOT NULL REFERENCES object_storage (id),
    position     int NOT NULL,
    PRIMARY KEY (warehouse_id, storage_id)
);
CREATE INDEX warehouse_storage_by_storage ON warehouse_storage (storage_id);

-- Data sources: named associations BI tools use to reach a database; ids are unique per organization.
CREATE TABLE data_source (
    id               uuid PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organization (id),
    warehouse_id     uuid NOT NULL REFERENCES warehouse (id) ON DELETE CASCADE,
    data_source_id   text NOT NULL,
    data_source_name text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, data_source_id)
);
CREATE INDEX data_source_by_warehouse ON data_source (warehouse_id, created_at);

-- Operations are jobs with a public id: what a client polls at /api/v1/ailake/operations/{id}.
ALTER TABLE job ADD COLUMN operation_id text;
ALTER TABLE job ADD COLUMN request_fingerprint text;
ALTER TABLE job ADD COLUMN result jsonb;
ALTER TABLE job ADD COLUMN error jsonb;
CREATE UNIQUE INDEX job_by_operation ON job (organization_id, operation_id) WHERE operation_id IS NOT NULL;
