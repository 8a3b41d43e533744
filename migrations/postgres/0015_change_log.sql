-- The change log: which row each change touched, under the generation it moved the counter to,
-- so a server keeping an index of what resolve needs (see services/workflow_api/index) catches up
-- row by row instead of reloading everything. Written by the same (deferred) triggers that move the
-- generation, so no write path can forget it. Kinds: `organization` (first_id: its id),
-- `mapping` (integration, organization), `value` (integration, mapping; none for a default),
-- `token` (its id), and `settings` (integrations, fields, connections and API keys: small tables
-- reloaded whole). Old entries are pruned; `change_log_pruned` says up to which generation, so a
-- server that fell further behind reloads everything.

CREATE TABLE change_log (
    generation BIGINT NOT NULL,
    kind       TEXT   NOT NULL,
    first_id   BIGINT,
    second_id  BIGINT
);
CREATE INDEX change_log_by_generation ON change_log (generation);

CREATE TABLE change_log_pruned (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    through BIGINT  NOT NULL
);
INSERT INTO change_log_pruned (id, through) VALUES (1, 0);

-- Still deferred to commit and bumping once per transaction (see 0010); every row of the
-- transaction is logged under that one generation. Arguments: the kind, then the columns that
-- give first_id and second_id ('-' for none).
CREATE FUNCTION log_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed jsonb;
    current_generation bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        changed := to_jsonb(OLD);
    ELSE
        changed := to_jsonb(NEW);
    END IF;
    UPDATE change_generation
       SET generation = generation + 1, transaction_id = txid_current()
     WHERE id = 1 AND transaction_id IS DISTINCT FROM txid_current();
    SELECT generation INTO current_generation FROM change_generation WHERE id = 1;
    INSERT INTO change_log (generation, kind, first_id, second_id)
    VALUES (current_generation, TG_ARGV[0], (changed ->> TG_ARGV[1])::bigint,
            (changed ->> TG_ARGV[2])::bigint);
    RETURN NULL;
END;
$$;

DROP TRIGGER organizations_bumps_generation ON organizations;
DROP TRIGGER integrations_bumps_generation ON integrations;
DROP TRIGGER integration_fields_bumps_generation ON integration_fields;
DROP TRIGGER integration_mappings_bumps_generation ON integration_mappings;
DROP TRIGGER config_values_bumps_generation ON config_values;
DROP TRIGGER oauth_connections_bumps_generation ON oauth_connections;
DROP TRIGGER oauth_tokens_bumps_generation ON oauth_tokens;
DROP TRIGGER api_keys_update_bumps_generation ON api_keys;
DROP TRIGGER api_keys_delete_bumps_generation ON api_keys;
DROP FUNCTION bump_change_generation();

CREATE CONSTRAINT TRIGGER organizations_logs_change AFTER INSERT OR UPDATE OR DELETE ON organizations
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION log_change('organization', 'id', '-');
CREATE CONSTRAINT TRIGGER integrations_logs_change AFTER INSERT OR UPDATE OR DELETE ON integrations
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION log_change('settings', '-', '-');
CREATE CONSTRAINT TRIGGER integration_fields_logs_change AFTER INSERT OR UPDATE OR DELETE ON integration_fields
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION log_change('settings', '-', '-');
CREATE CONSTRAINT TRIGGER oauth_connections_logs_change AFTER INSERT OR UPDATE OR DELETE ON oauth_connections
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION log_change('settings', '-', '-');
CREATE CONSTRAINT TRIGGER integration_mappings_logs_change AFTER INSERT OR UPDATE OR DELETE ON integration_mappings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION log_change('mapping', 'integration_id', 'organization_id');
CREATE CONSTRAINT TRIGGER config_values_logs_change AFTER INSERT OR UPDATE OR DELETE ON config_values
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION log_change('value', 'integration_id', 'mapping_id');
CREATE CONSTRAINT TRIGGER oauth_tokens_logs_change AFTER INSERT OR DELETE OR UPDATE OF connection_id, organization_id, entity_id, status, access_token, refresh_token, token_type, scopes, expires_at ON oauth_tokens
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION log_change('token', 'id', '-');
CREATE CONSTRAINT TRIGGER api_keys_logs_change AFTER INSERT OR DELETE OR UPDATE OF name, key_hash, organization_id, expires_at, revoked_at ON api_keys
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION log_change('settings', '-', '-');
