-- One counter that every change to what the workflow API answers moves forward, so a server (or
-- any of several replicas) can keep resolved integrations in memory and know, with one cheap read,
-- whether they are still current. Bumped by triggers, so no write path can forget it.
-- An API key's last use is left out: recording it must not empty every cache once a minute.
--
-- The triggers are deferred to commit, so the counter's row is the last lock a transaction takes
-- (no deadlock with other writers), and bump it once per transaction however many rows change.
CREATE TABLE change_generation (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    generation     BIGINT  NOT NULL,
    transaction_id BIGINT
);
INSERT INTO change_generation (id, generation) VALUES (1, 1);

CREATE FUNCTION bump_change_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE change_generation
       SET generation = generation + 1, transaction_id = txid_current()
     WHERE id = 1 AND transaction_id IS DISTINCT FROM txid_current();
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER organizations_bumps_generation AFTER INSERT OR UPDATE OR DELETE ON organizations
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_change_generation();
CREATE CONSTRAINT TRIGGER integrations_bumps_generation AFTER INSERT OR UPDATE OR DELETE ON integrations
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_change_generation();
CREATE CONSTRAINT TRIGGER integration_fields_bumps_generation AFTER INSERT OR UPDATE OR DELETE ON integration_fields
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_change_generation();
CREATE CONSTRAINT TRIGGER integration_mappings_bumps_generation AFTER INSERT OR UPDATE OR DELETE ON integration_mappings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_change_generation();
CREATE CONSTRAINT TRIGGER config_values_bumps_generation AFTER INSERT OR UPDATE OR DELETE ON config_values
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_change_generation();
CREATE CONSTRAINT TRIGGER oauth_connections_bumps_generation AFTER INSERT OR UPDATE OR DELETE ON oauth_connections
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_change_generation();
-- A token's refresh lease, backoff and last error change no answer: a kept answer holds a valid
-- token, and error answers are not kept.
CREATE CONSTRAINT TRIGGER oauth_tokens_bumps_generation
    AFTER INSERT OR DELETE OR UPDATE OF connection_id, organization_id, entity_id, status, access_token, refresh_token, token_type, scopes, expires_at ON oauth_tokens
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_change_generation();
CREATE CONSTRAINT TRIGGER api_keys_update_bumps_generation
    AFTER UPDATE OF name, key_hash, organization_id, expires_at, revoked_at ON api_keys
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_change_generation();
CREATE CONSTRAINT TRIGGER api_keys_delete_bumps_generation AFTER DELETE ON api_keys
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_change_generation();
