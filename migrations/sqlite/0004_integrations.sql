-- Integrations, their config schema, per-organization mappings and config values.
CREATE TABLE integrations (
    id                INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL,
    -- lower-cased name: names are unique case-insensitively
    name_key          TEXT    NOT NULL,
    description       TEXT    NOT NULL DEFAULT '',
    entity_id_name    TEXT    NOT NULL DEFAULT '',
    default_entity_id TEXT    NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE UNIQUE INDEX integrations_name_key ON integrations (name_key);

CREATE TABLE integration_fields (
    id             INTEGER PRIMARY KEY,
    integration_id INTEGER NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    field_key      TEXT    NOT NULL,
    field_type     TEXT    NOT NULL CHECK (field_type IN ('string', 'int', 'bool', 'json', 'secret')),
    required       INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1)),
    description    TEXT    NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX integration_fields_key ON integration_fields (integration_id, field_key);

CREATE TABLE integration_mappings (
    id              INTEGER PRIMARY KEY,
    integration_id  INTEGER NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    entity_id       TEXT    NOT NULL,
    entity_name     TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX integration_mappings_org ON integration_mappings (integration_id, organization_id);
CREATE INDEX integration_mappings_by_org ON integration_mappings (organization_id);

-- A default (mapping_id NULL) or one organization's override. Secret values live only in
-- `secret_value`, encrypted (crypto module); `value` holds the canonical text of the others.
CREATE TABLE config_values (
    id             INTEGER PRIMARY KEY,
    integration_id INTEGER NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    field_id       INTEGER NOT NULL REFERENCES integration_fields (id) ON DELETE CASCADE,
    mapping_id     INTEGER REFERENCES integration_mappings (id) ON DELETE CASCADE,
    value          TEXT,
    secret_value   TEXT,
    updated_at     INTEGER NOT NULL,
    CHECK ((value IS NULL) <> (secret_value IS NULL))
);
CREATE UNIQUE INDEX config_values_default ON config_values (field_id) WHERE mapping_id IS NULL;
CREATE UNIQUE INDEX config_values_override ON config_values (mapping_id, field_id) WHERE mapping_id IS NOT NULL;
CREATE INDEX config_values_by_integration ON config_values (integration_id);
