-- Webhook subscriptions and their deliveries (docs/webhooks.md). A subscription's progress through the
-- event outbox (after_tx, after_id) and its queue of deliveries live here, so a replica that dies between a
-- commit and its delivery leaves the work to the next holder of the subscription's lease.
CREATE TABLE webhook (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organization (id) ON DELETE CASCADE,
    url             text NOT NULL,
    -- event type names, or '*' for every type
    events          text[] NOT NULL,
    -- prefixes of the events' resource paths; empty: every resource
    resources       text[] NOT NULL DEFAULT '{}',
    description     text,
    -- the signing secret, sealed with the server key (SecretBox) and bound to the webhook's id
    sealed_secret   bytea NOT NULL,
    enabled         boolean NOT NULL DEFAULT true,
    disabled_reason text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    -- the feed cursor of the last event looked at: later events are delivered
    after_tx        xid8 NOT NULL,
    after_id        bigint NOT NULL,
    failed_in_a_row integer NOT NULL DEFAULT 0,
    lease_owner     text,
    lease_until     timestamptz,
    claimed_at      timestamptz
);
CREATE INDEX webhook_list ON webhook (organization_id, created_at, id);

-- One event sent to one subscription: sent in id order per subscription, the next once this one ended.
CREATE TABLE webhook_delivery (
    id              bigserial PRIMARY KEY,
    webhook_id      uuid NOT NULL REFERENCES webhook (id) ON DELETE CASCADE,
    -- the webhook-id header: the event's id, the same on every attempt and redelivery
    event_id        text NOT NULL,
    event_type      text NOT NULL,
    body            text NOT NULL,
    status          text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
    attempts        integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- retries end retry-for after the first attempt
    first_attempt_at timestamptz,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    redelivery_of   bigint
);
CREATE INDEX webhook_delivery_list ON webhook_delivery (webhook_id, id);
CREATE INDEX webhook_delivery_queue ON webhook_delivery (webhook_id, id) WHERE status = 'PENDING';
CREATE INDEX webhook_delivery_age ON webhook_delivery USING brin (created_at);

CREATE TABLE webhook_attempt (
    id           bigserial PRIMARY KEY,
    delivery_id  bigint NOT NULL REFERENCES webhook_delivery (id) ON DELETE CASCADE,
    attempted_at timestamptz NOT NULL DEFAULT now(),
    status_code  integer,
    latency_ms   integer NOT NULL,
    error        text
);
CREATE INDEX webhook_attempt_delivery ON webhook_attempt (delivery_id, id);
