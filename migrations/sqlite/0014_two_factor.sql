-- Two-factor sign-in (TOTP, RFC 6238). The secret is sealed like every secret; a pending one
-- waits for the confirming code. totp_last_step is the last time step a code was accepted for,
-- so a code cannot be used twice.
ALTER TABLE admins ADD COLUMN totp_secret TEXT;
ALTER TABLE admins ADD COLUMN totp_pending_secret TEXT;
ALTER TABLE admins ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;

-- Ten one-time recovery codes per administrator, stored as SHA-256 (they are random, not chosen).
CREATE TABLE recovery_codes (
    id         INTEGER PRIMARY KEY,
    admin_id   INTEGER NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
    code_hash  TEXT    NOT NULL,
    used_at    INTEGER
);
CREATE INDEX recovery_codes_admin_id ON recovery_codes (admin_id);

-- A sign-in whose password was right and that waits for its second factor, found by the
-- SHA-256 of the token in a short-lived cookie.
CREATE TABLE sign_in_challenges (
    token_hash TEXT    PRIMARY KEY,
    admin_id   INTEGER NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
);
