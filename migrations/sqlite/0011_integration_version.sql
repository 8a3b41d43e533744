-- A counter that every save of an integration moves forward. A save names the version it was
-- read at and the UPDATE's WHERE requires it, so the database itself refuses a save over a change
-- made meanwhile (two admins, or a read and a write of one request racing another).
ALTER TABLE integrations ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
