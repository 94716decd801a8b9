-- Idempotency keys: the final response of a mutating request, stored in the transaction of its change.
-- A concurrent request with the same key waits on the primary key until the first one commits.
CREATE TABLE idempotency_record (
    organization_id uuid NOT NULL,
    idempotency_key text NOT NULL,
    fingerprint     text NOT NULL,
    status          int NOT NULL,
    content_type    text,
    headers         jsonb NOT NULL,
    body            text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    PRIMARY KEY (organization_id, idempotency_key)
);
CREATE INDEX idempotency_record_expiry ON idempotency_record (expires_at);
