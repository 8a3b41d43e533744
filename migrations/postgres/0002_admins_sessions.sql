-- Administrators, their sessions, and the one-time first-run setup claim.
CREATE TABLE admins (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         TEXT   NOT NULL,
    email_key     TEXT   NOT NULL,
    password_hash TEXT   NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX admins_email_key ON admins (email_key);

-- Sessions are found by the SHA-256 of their token; the token itself is never stored.
CREATE TABLE sessions (
    token_hash   TEXT   PRIMARY KEY,
    admin_id     BIGINT NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX sessions_admin_id ON sessions (admin_id);

-- One row at most: whoever inserts it first runs the first-run setup.
CREATE TABLE setup_claim (
    id         BIGINT PRIMARY KEY CHECK (id = 1),
    claimed_at BIGINT NOT NULL
);
