-- Consent links: a link an MSP sends to a customer's administrator, who consents at the provider
-- for the organization without an account here. Only the SHA-256 of the link's secret is kept.
-- Used once (by the consent that completes), expiring, revocable.
CREATE TABLE consent_links (
    id              BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash      TEXT    NOT NULL,
    integration_id  BIGINT  NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    organization_id BIGINT  NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    created_by      TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    expires_at      BIGINT  NOT NULL,
    used_at         BIGINT,
    revoked_at      BIGINT
);
CREATE UNIQUE INDEX consent_links_hash ON consent_links (token_hash);
CREATE INDEX consent_links_by_scope ON consent_links (integration_id, organization_id);

-- An authorization started from a consent link has no administrator: it is bound to the link
-- and to the customer's browser (the hash of a cookie's secret, in session_hash).
ALTER TABLE oauth_states ALTER COLUMN admin_id DROP NOT NULL;
ALTER TABLE oauth_states ADD COLUMN consent_link_id BIGINT REFERENCES consent_links (id) ON DELETE CASCADE;
