-- OAuth connections: the client settings integrations authorize with. `client_secret` is sealed
-- by the crypto module; extra authorization parameters are a JSON array of [key, value] pairs.
CREATE TABLE oauth_connections (
    id                BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name              TEXT    NOT NULL,
    name_key          TEXT    NOT NULL,
    grant_type        TEXT    NOT NULL CHECK (grant_type IN ('authorization_code', 'client_credentials')),
    authorization_url TEXT    NOT NULL DEFAULT '',
    token_url         TEXT    NOT NULL,
    client_id         TEXT    NOT NULL,
    client_secret     TEXT,
    scopes            TEXT    NOT NULL DEFAULT '',
    pkce              BIGINT  NOT NULL DEFAULT 1 CHECK (pkce IN (0, 1)),
    extra_parameters  TEXT    NOT NULL DEFAULT '[]',
    audience          TEXT    NOT NULL DEFAULT '',
    revocation_url    TEXT    NOT NULL DEFAULT '',
    created_at        BIGINT  NOT NULL,
    updated_at        BIGINT  NOT NULL
);
CREATE UNIQUE INDEX oauth_connections_name_key ON oauth_connections (name_key);
