-- API tokens: each belongs to one organization, with a role. Only a hash of the secret is stored.
CREATE TABLE api_token (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organization (id) ON DELETE CASCADE,
    name            text NOT NULL,
    role            text NOT NULL CHECK (role IN ('admin', 'manage', 'read')),
    -- hex SHA-256 of the secret; the secrets are 256 random bits, so a fast hash is enough
    secret_hash     text NOT NULL UNIQUE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    revoked_at      timestamptz
);
CREATE INDEX api_token_by_organization ON api_token (organization_id, created_at);

-- Short-lived access tokens issued by the OAuth2 endpoint for an API token; revoking the API token
-- revokes them (every lookup joins it).
CREATE TABLE access_token (
    token_hash   text PRIMARY KEY,
    api_token_id uuid NOT NULL REFERENCES api_token (id) ON DELETE CASCADE,
    expires_at   timestamptz NOT NULL
);
CREATE INDEX access_token_expiry ON access_token (expires_at);
