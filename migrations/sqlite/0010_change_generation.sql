-- One counter that every change to what the workflow API answers moves forward, so a server (or
-- any of several replicas) can keep resolved integrations in memory and know, with one cheap read,
-- whether they are still current. Bumped by triggers, so no write path can forget it.
-- An API key's last use is left out: recording it must not empty every cache once a minute.
CREATE TABLE change_generation (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
);
INSERT INTO change_generation (id, generation) VALUES (1, 1);

CREATE TRIGGER organizations_insert_bumps_generation AFTER INSERT ON organizations
BEGIN UPDATE change_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER organizations_update_bumps_generation AFTER UPDATE ON organizations
BEGIN UPDATE change_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER organizations_delete_bumps_generation AFTER DELETE ON organizations
BEGIN UPDATE change_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER integrations_insert_bumps_generation AFTER INSERT ON integrations
BEGIN UPDATE change_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER integrations_update_bumps_generation AFTER UPDATE ON integrations
BEGIN UPDATE change_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER integrations_delete_bumps_generation AFTER DELETE ON integrations
BEGIN UPDATE change_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER integration_fields_insert_bumps_generation AFTER INSERT ON integration_fields
BEGIN UPDATE change_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER integration_fields_update_bumps_generation AFTER UPDATE ON integration_fields
BEGIN UPDATE change_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER integration_fields_delete_bumps_generation AFTER DELETE ON integration_fields
BEGIN UPDATE change_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER integration_mappings_insert_bumps_generation AFTER INSERT ON integration_mappings
BEGIN UPDATE change_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER integration_mappings_update_bumps_generation AFTER UPDATE ON integration_mappings
BEGIN UPDATE change_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER integration_mappings_delete_bumps_generation AFTER DELETE ON integration_mappings
BEGIN UPDATE change_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER config_values_insert_bumps_generation AFTER INSERT ON config_values
BEGIN UPDATE change_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER config_values_update_bumps_generation AFTER UPDATE ON config_values
BEGIN UPDATE change_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER config_values_delete_bumps_generation AFTER DELETE ON config_values
BEGIN UPDATE change_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER oauth_connections_insert_bumps_generation AFTER INSERT ON oauth_connections
BEGIN UPDATE change_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER oauth_connections_update_bumps_generation AFTER UPDATE ON oauth_connections
BEGIN UPDATE change_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER oauth_connections_delete_bumps_generation AFTER DELETE ON oauth_connections
BEGIN UPDATE change_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER oauth_tokens_insert_bumps_generation AFTER INSERT ON oauth_tokens
BEGIN UPDATE change_generation SET generation = generation + 1 WHERE id = 1; END;
-- A token's refresh lease, backoff and last error change no answer: a kept answer holds a valid
-- token, and error answers are not kept.
CREATE TRIGGER oauth_tokens_update_bumps_generation
AFTER UPDATE OF connection_id, organization_id, entity_id, status, access_token, refresh_token, token_type, scopes, expires_at ON oauth_tokens
BEGIN UPDATE change_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER oauth_tokens_delete_bumps_generation AFTER DELETE ON oauth_tokens
BEGIN UPDATE change_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER api_keys_update_bumps_generation
AFTER UPDATE OF name, key_hash, organization_id, expires_at, revoked_at ON api_keys
BEGIN UPDATE change_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER api_keys_delete_bumps_generation AFTER DELETE ON api_keys
BEGIN UPDATE change_generation SET generation = generation + 1 WHERE id = 1; END;
