-- When the session's administrator last gave their password: actions that reach every customer
-- (a provider-wide API key, adding or removing an administrator) ask for it again after a while.
ALTER TABLE sessions ADD COLUMN password_at BIGINT NOT NULL DEFAULT 0;
UPDATE sessions SET password_at = created_at;
