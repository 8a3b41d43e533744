-- OAuth tokens: one per connection for the shared (global) token, and one per connection and
-- organization for organization-specific tokens. `access_token` and `refresh_token` are sealed
-- by the crypto module. A refresh holds a lease (`lease_owner`, `lease_until`) so that one
-- server instance at a time calls the provider; `version` grows on every token change.
CREATE TABLE oauth_tokens (
    id              BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    connection_id   BIGINT  NOT NULL REFERENCES oauth_connections (id) ON DELETE CASCADE,
    organization_id BIGINT  REFERENCES organizations (id) ON DELETE CASCADE,
    entity_id       TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL CHECK (status IN ('connected', 'needs_reconnect', 'disconnected')),
    access_token    TEXT,
    refresh_token   TEXT,
    token_type      TEXT    NOT NULL DEFAULT 'Bearer',
    scopes          TEXT    NOT NULL DEFAULT '',
    expires_at      BIGINT,
    last_error      TEXT    NOT NULL DEFAULT '',
    connected_by    TEXT    NOT NULL DEFAULT '',
    connected_at    BIGINT,
    refreshed_at    BIGINT,
    lease_owner     TEXT,
    lease_until     BIGINT,
    version         BIGINT  NOT NULL DEFAULT 0,
    updated_at      BIGINT  NOT NULL
);
CREATE UNIQUE INDEX oauth_tokens_shared ON oauth_tokens (connection_id) WHERE organization_id IS NULL;
CREATE UNIQUE INDEX oauth_tokens_org ON oauth_tokens (connection_id, organization_id) WHERE organization_id IS NOT NULL;
CREATE INDEX oauth_tokens_by_expiry ON oauth_tokens (status, expires_at);

-- A mapping's organization-specific token; the shared token applies when none is linked.
ALTER TABLE integration_mappings ADD COLUMN oauth_token_id BIGINT  REFERENCES oauth_tokens (id) ON DELETE SET NULL;

-- Authorizations under way: the hash of the random `state`, the session that started it, and
-- the PKCE verifier (sealed). Single-use: the callback deletes the row it uses.
CREATE TABLE oauth_states (
    id              BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    state_hash      TEXT    NOT NULL,
    session_hash    TEXT    NOT NULL,
    admin_id        BIGINT  NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
    connection_id   BIGINT  NOT NULL REFERENCES oauth_connections (id) ON DELETE CASCADE,
    integration_id  BIGINT  NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    organization_id BIGINT  REFERENCES organizations (id) ON DELETE CASCADE,
    entity_id       TEXT    NOT NULL DEFAULT '',
    pkce_verifier   TEXT,
    return_to       TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    expires_at      BIGINT  NOT NULL
);
CREATE UNIQUE INDEX oauth_states_hash ON oauth_states (state_hash);
CREATE INDEX oauth_states_by_expiry ON oauth_states (expires_at);
