-- Commands given to the service's background services (pause/resume), shared by every replica.
CREATE TABLE service_state (
    organization_id uuid NOT NULL REFERENCES organization (id),
    service_id      text NOT NULL,
    paused          boolean NOT NULL DEFAULT false,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, service_id)
);
