-- Customer organizations and the one provider organization (the MSP itself).
CREATE TABLE organizations (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    -- lower-cased name: names are unique case-insensitively
    name_key    TEXT    NOT NULL,
    is_provider INTEGER NOT NULL DEFAULT 0 CHECK (is_provider IN (0, 1)),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX organizations_name_key ON organizations (name_key);
CREATE UNIQUE INDEX organizations_single_provider ON organizations (is_provider) WHERE is_provider = 1;
