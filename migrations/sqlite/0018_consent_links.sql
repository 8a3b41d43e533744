-- Consent links: a link an MSP sends to a customer's administrator, who consents at the provider
-- for the organization without an account here. Only the SHA-256 of the link's secret is kept.
-- Used once (by the consent that completes), expiring, revocable.
CREATE TABLE consent_links (
    id              INTEGER PRIMARY KEY,
    token_hash      TEXT    NOT NULL,
    integration_id  INTEGER NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    created_by      TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    used_at         INTEGER,
    revoked_at      INTEGER
);
CREATE UNIQUE INDEX consent_links_hash ON consent_links (token_hash);
CREATE INDEX consent_links_by_scope ON consent_links (integration_id, organization_id);

-- An authorization started from a consent link has no administrator: it is bound to the link
-- and to the customer's browser (the hash of a cookie's secret, in session_hash). SQLite cannot
-- drop a NOT NULL, so the table is rebuilt; authorizations under way are kept.
CREATE TABLE oauth_states_rebuilt (
    id              INTEGER PRIMARY KEY,
    state_hash      TEXT    NOT NULL,
    session_hash    TEXT    NOT NULL,
    admin_id        INTEGER REFERENCES admins (id) ON DELETE CASCADE,
    connection_id   INTEGER NOT NULL REFERENCES oauth_connections (id) ON DELETE CASCADE,
    integration_id  INTEGER NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    organization_id INTEGER REFERENCES organizations (id) ON DELETE CASCADE,
    entity_id       TEXT    NOT NULL DEFAULT '',
    pkce_verifier   TEXT,
    return_to       TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    url_values      TEXT    NOT NULL DEFAULT '{}',
    consent_link_id INTEGER REFERENCES consent_links (id) ON DELETE CASCADE
);
INSERT INTO oauth_states_rebuilt (id, state_hash, session_hash, admin_id, connection_id,
    integration_id, organization_id, entity_id, pkce_verifier, return_to, created_at, expires_at,
    url_values)
SELECT id, state_hash, session_hash, admin_id, connection_id, integration_id, organization_id,
    entity_id, pkce_verifier, return_to, created_at, expires_at, url_values
FROM oauth_states;
DROP TABLE oauth_states;
ALTER TABLE oauth_states_rebuilt RENAME TO oauth_states;
CREATE UNIQUE INDEX oauth_states_hash ON oauth_states (state_hash);
CREATE INDEX oauth_states_by_expiry ON oauth_states (expires_at);
