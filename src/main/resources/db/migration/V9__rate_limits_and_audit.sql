-- Token buckets shared by every replica (ailake.rate-limit.store=postgres).
CREATE TABLE rate_limit_bucket (
    bucket_key   text PRIMARY KEY,
    tokens       double precision NOT NULL,
    allowed      boolean NOT NULL,
    updated_at   timestamptz NOT NULL
);

-- Every mutating call of both APIs: who, in which organization, what, when, and how it ended.
CREATE TABLE audit_event (
    id              bigserial PRIMARY KEY,
    organization_id uuid,
    token_id        uuid,
    actor           text NOT NULL,
    method          text NOT NULL,
    path            text NOT NULL,
    status          int NOT NULL,
    request_id      text,
    at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_event_by_organization ON audit_event (organization_id, at DESC, id DESC);
