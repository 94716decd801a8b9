-- Every row belongs to an organization; until organizations arrive there is one default organization.
CREATE TABLE organization (
    id         uuid PRIMARY KEY,
    name       text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO organization (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'default');

-- A warehouse is a catalog root in one storage. Its name is the `warehouse` clients configure and the
-- `{prefix}` of the Iceberg REST paths. Storage settings here are never secret: keys live in configuration.
CREATE TABLE warehouse (
    id                 uuid PRIMARY KEY,
    organization_id    uuid NOT NULL REFERENCES organization (id),
    name               text NOT NULL,
    location           text NOT NULL,
    storage_type       text NOT NULL CHECK (storage_type IN ('LOCAL', 'S3')),
    s3_endpoint        text,
    s3_region          text,
    s3_path_style      boolean NOT NULL DEFAULT false,
    created_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, name)
);

-- Namespaces are keyed by their levels joined with U+001F; `parent` is the key of the parent ('' at the top).
CREATE TABLE namespace (
    warehouse_id    uuid NOT NULL REFERENCES warehouse (id) ON DELETE CASCADE,
    name            text NOT NULL,
    organization_id uuid NOT NULL REFERENCES organization (id),
    parent          text NOT NULL,
    properties      jsonb NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (warehouse_id, name)
);
CREATE INDEX namespace_by_parent ON namespace (warehouse_id, parent, name);

-- Tables and views share one name space per namespace: a table and a view never share a name.
-- The metadata location is the commit pointer, swapped with compare-and-swap.
CREATE TABLE catalog_object (
    id                uuid PRIMARY KEY,
    organization_id   uuid NOT NULL REFERENCES organization (id),
    warehouse_id      uuid NOT NULL,
    namespace         text NOT NULL,
    name              text NOT NULL,
    kind              text NOT NULL CHECK (kind IN ('TABLE', 'VIEW')),
    metadata_location text NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT catalog_object_name UNIQUE (warehouse_id, namespace, name),
    FOREIGN KEY (warehouse_id, namespace) REFERENCES namespace (warehouse_id, name)
);
CREATE INDEX catalog_object_by_kind ON catalog_object (warehouse_id, namespace, kind, name);

-- Durable background work (purges now, operations later): claimed with FOR UPDATE SKIP LOCKED and a lease.
CREATE TABLE job (
    id              bigserial PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organization (id),
    kind            text NOT NULL,
    payload         jsonb NOT NULL,
    state           text NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'SUCCEEDED', 'FAILED')),
    attempts        int NOT NULL DEFAULT 0,
    run_after       timestamptz NOT NULL DEFAULT now(),
    lease_owner     text,
    lease_until     timestamptz,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX job_runnable ON job (run_after, id) WHERE state = 'PENDING';
