-- The first-run setup code: until the first administrator exists, creating one needs this code,
-- which the server prints at start (and `bifrost setup-code` prints again), so the setup page
-- does not belong to whoever reaches it first. Sealed like every secret; gone with the setup.
CREATE TABLE setup_code (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    code       TEXT    NOT NULL,
    created_at INTEGER  NOT NULL
);
