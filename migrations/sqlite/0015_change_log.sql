-- The change log: which row each change touched, under the generation it moved the counter to,
-- so a server keeping an index of what resolve needs (see services/workflow_api/index) catches up
-- row by row instead of reloading everything. Written by the same triggers that move the
-- generation, so no write path can forget it. Kinds: `organization` (first_id: its id),
-- `mapping` (integration, organization), `value` (integration, mapping; none for a default),
-- `token` (its id), and `settings` (integrations, fields, connections and API keys: small tables
-- reloaded whole). Old entries are pruned; `change_log_pruned` says up to which generation, so a
-- server that fell further behind reloads everything.

CREATE TABLE change_log (
    generation INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    first_id   INTEGER,
    second_id  INTEGER
);
CREATE INDEX change_log_by_generation ON change_log (generation);

CREATE TABLE change_log_pruned (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    through INTEGER NOT NULL
);
INSERT INTO change_log_pruned (id, through) VALUES (1, 0);

DROP TRIGGER organizations_insert_bumps_generation;
DROP TRIGGER organizations_update_bumps_generation;
DROP TRIGGER organizations_delete_bumps_generation;
DROP TRIGGER integrations_insert_bumps_generation;
DROP TRIGGER integrations_update_bumps_generation;
DROP TRIGGER integrations_delete_bumps_generation;
DROP TRIGGER integration_fields_insert_bumps_generation;
DROP TRIGGER integration_fields_update_bumps_generation;
DROP TRIGGER integration_fields_delete_bumps_generation;
DROP TRIGGER integration_mappings_insert_bumps_generation;
DROP TRIGGER integration_mappings_update_bumps_generation;
DROP TRIGGER integration_mappings_delete_bumps_generation;
DROP TRIGGER config_values_insert_bumps_generation;
DROP TRIGGER config_values_update_bumps_generation;
DROP TRIGGER config_values_delete_bumps_generation;
DROP TRIGGER oauth_connections_insert_bumps_generation;
DROP TRIGGER oauth_connections_update_bumps_generation;
DROP TRIGGER oauth_connections_delete_bumps_generation;
DROP TRIGGER oauth_tokens_insert_bumps_generation;
DROP TRIGGER oauth_tokens_update_bumps_generation;
DROP TRIGGER oauth_tokens_delete_bumps_generation;
DROP TRIGGER api_keys_update_bumps_generation;
DROP TRIGGER api_keys_delete_bumps_generation;

CREATE TRIGGER organizations_insert_logs_change AFTER INSERT ON organizations
BEGIN
    UPDATE change_generation SET generation = generation + 1 WHERE id = 1;
    INSERT INTO change_log (generation, kind, first_id, second_id)
    SELECT generation, 'organization', NEW.id, NULL FROM change_generation WHERE id = 1;
END;
CREATE TRIGGER organizations_update_logs_change AFTER UPDATE ON organizations
BEGIN
    UPDATE change_generation SET generation = generation + 1 WHERE id = 1;
    INSERT INTO change_log (generation, kind, first_id, second_id)
    SELECT generation, 'organization', NEW.id, NULL FROM change_generation WHERE id = 1;
END;
CREATE TRIGGER organizations_delete_logs_change AFTER DELETE ON organizations
BEGIN
    UPDATE change_generation SET generation = generation + 1 WHERE id = 1;
    INSERT INTO change_log (generation, kind, first_id, second_id)
    SELECT generation, 'organization', OLD.id, NULL FROM change_generation WHERE id = 1;
END;
CREATE TRIGGER integrations_insert_logs_change AFTER INSERT ON integrations
BEGIN
    UPDATE change_generation SET generation = generation + 1 WHERE id = 1;
    INSERT INTO change_log (generation, kind, first_id, second_id)
    SELECT generation, 'settings', NULL, NULL FROM change_generation WHERE id = 1;
END;
CREATE TRIGGER integrations_update_logs_change AFTER UPDATE ON integrations
BEGIN
    UPDATE change_generation SET generation = generation + 1 WHERE id = 1;
    INSERT INTO change_log (generation, kind, first_id, second_id)
    SELECT generation, 'settings', NULL, NULL FROM change_generation WHERE id = 1;
END;
CREATE TRIGGER integrations_delete_logs_change AFTER DELETE ON integrations
BEGIN
    UPDATE change_generation SET generation = generation + 1 WHERE id = 1;
    INSERT INTO change_log (generation, kind, first_id, second_id)
    SELECT generation, 'settings', NULL, NULL FROM change_generation WHERE id = 1;
END;
CREATE TRIGGER integration_fields_insert_logs_change AFTER INSERT ON integration_fields
BEGIN
    UPDATE change_generation SET generation = generation + 1 WHERE id = 1;
    INSERT INTO change_log (generation, kind, first_id, second_id)
    SELECT generation, 'settings', NULL, NULL FROM change_generation WHERE id = 1;
END;
CREATE TRIGGER integration_fields_update_logs_change AFTER UPDATE ON integration_fields
BEGIN
    UPDATE change_generation SET generation = generation + 1 WHERE id = 1;
    INSERT INTO change_log (generation, kind, first_id, second_id)
    SELECT generation, 'settings', NULL, NULL FROM change_generation WHERE id = 1;
END;
CREATE TRIGGER integration_fields_delete_logs_change AFTER DELETE ON integration_fields
BEGIN
    UPDATE change_generation SET generation = generation + 1 WHERE id = 1;
    INSERT INTO change_log (generation, kind, first_id, second_id)
    SELECT generation, 'settings', NULL, NULL FROM change_generation WHERE id = 1;
END;
CREATE TRIGGER oauth_connections_insert_logs_change AFTER INSERT ON oauth_connections
BEGIN
    UPDATE change_generation SET generation = generation + 1 WHERE id = 1;
    INSERT INTO change_log (generation, kind, first_id, second_id)
    SELECT generation, 'settings', NULL, NULL FROM change_generation WHERE id = 1;
END;
CREATE TRIGGER oauth_connections_update_logs_change AFTER UPDATE ON oauth_connections
BEGIN
    UPDATE change_generation SET generation = generation + 1 WHERE id = 1;
    INSERT INTO change_log (generation, kind, first_id, second_id)
    SELECT generation, 'settings', NULL, NULL FROM change_generation WHERE id = 1;
END;
CREATE TRIGGER oauth_connections_delete_logs_change AFTER DELETE ON oauth_connections
BEGIN
    UPDATE change_generation SET generation = generation + 1 WHERE id = 1;
    INSERT INTO change_log (generation, kind, first_id, second_id)
    SELECT generation, 'settings', NULL, NULL FROM change_generation WHERE id = 1;
END;
CREATE TRIGGER integration_mappings_insert_logs_change AFTER INSERT ON integration_mappings
BEGIN
    UPDATE change_generation SET generation = generation + 1 WHERE id = 1;
    INSERT INTO change_log (generation, kind, first_id, second_id)
    SELECT generation, 'mapping', NEW.integration_id, NEW.organization_id FROM change_generation WHERE id = 1;
END;
CREATE TRIGGER integration_mappings_update_logs_change AFTER UPDATE ON integration_mappings
BEGIN
    UPDATE change_generation SET generation = generation + 1 WHERE id = 1;
    INSERT INTO change_log (generation, kind, first_id, second_id)
    SELECT generation, 'mapping', NEW.integration_id, NEW.organization_id FROM change_generation WHERE id = 1;
END;
CREATE TRIGGER integration_mappings_delete_logs_change AFTER DELETE ON integration_mappings
BEGIN
    UPDATE change_generation SET generation = generation + 1 WHERE id = 1;
    INSERT INTO change_log (generation, kind, first_id, second_id)
    SELECT generation, 'mapping', OLD.integration_id, OLD.organization_id FROM change_generation WHERE id = 1;
END;
CREATE TRIGGER config_values_insert_logs_change AFTER INSERT ON config_values
BEGIN
    UPDATE change_generation SET generation = generation + 1 WHERE id = 1;
    INSERT INTO change_log (generation, kind, first_id, second_id)
    SELECT generation, 'value', NEW.integration_id, NEW.mapping_id FROM change_generation WHERE id = 1;
END;
CREATE TRIGGER config_values_update_logs_change AFTER UPDATE ON config_values
BEGIN
    UPDATE change_generation SET generation = generation + 1 WHERE id = 1;
    INSERT INTO change_log (generation, kind, first_id, second_id)
    SELECT generation, 'value', NEW.integration_id, NEW.mapping_id FROM change_generation WHERE id = 1;
END;
CREATE TRIGGER config_values_delete_logs_change AFTER DELETE ON config_values
BEGIN
    UPDATE change_generation SET generation = generation + 1 WHERE id = 1;
    INSERT INTO change_log (generation, kind, first_id, second_id)
    SELECT generation, 'value', OLD.integration_id, OLD.mapping_id FROM change_generation WHERE id = 1;
END;
CREATE TRIGGER oauth_tokens_insert_logs_change AFTER INSERT ON oauth_tokens
BEGIN
    UPDATE change_generation SET generation = generation + 1 WHERE id = 1;
    INSERT INTO change_log (generation, kind, first_id, second_id)
    SELECT generation, 'token', NEW.id, NULL FROM change_generation WHERE id = 1;
END;
CREATE TRIGGER oauth_tokens_update_logs_change AFTER UPDATE OF connection_id, organization_id, entity_id, status, access_token, refresh_token, token_type, scopes, expires_at ON oauth_tokens
BEGIN
    UPDATE change_generation SET generation = generation + 1 WHERE id = 1;
    INSERT INTO change_log (generation, kind, first_id, second_id)
    SELECT generation, 'token', NEW.id, NULL FROM change_generation WHERE id = 1;
END;
CREATE TRIGGER oauth_tokens_delete_logs_change AFTER DELETE ON oauth_tokens
BEGIN
    UPDATE change_generation SET generation = generation + 1 WHERE id = 1;
    INSERT INTO change_log (generation, kind, first_id, second_id)
    SELECT generation, 'token', OLD.id, NULL FROM change_generation WHERE id = 1;
END;
CREATE TRIGGER api_keys_insert_logs_change AFTER INSERT ON api_keys
BEGIN
    UPDATE change_generation SET generation = generation + 1 WHERE id = 1;
    INSERT INTO change_log (generation, kind, first_id, second_id)
    SELECT generation, 'settings', NULL, NULL FROM change_generation WHERE id = 1;
END;
CREATE TRIGGER api_keys_update_logs_change AFTER UPDATE OF name, key_hash, organization_id, expires_at, revoked_at ON api_keys
BEGIN
    UPDATE change_generation SET generation = generation + 1 WHERE id = 1;
    INSERT INTO change_log (generation, kind, first_id, second_id)
    SELECT generation, 'settings', NULL, NULL FROM change_generation WHERE id = 1;
END;
CREATE TRIGGER api_keys_delete_logs_change AFTER DELETE ON api_keys
BEGIN
    UPDATE change_generation SET generation = generation + 1 WHERE id = 1;
    INSERT INTO change_log (generation, kind, first_id, second_id)
    SELECT generation, 'settings', NULL, NULL FROM change_generation WHERE id = 1;
END;
