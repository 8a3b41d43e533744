-- A counter that every save of an integration or an OAuth connection moves forward. A save names the version it was
-- read at and the UPDATE's WHERE requires it, so the database itself refuses a save over a change
-- made meanwhile (two admins, or a read and a write of one request racing another).
ALTER TABLE integrations ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE oauth_connections ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
