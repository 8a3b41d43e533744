-- The OAuth connection an integration authorizes with; unlinked when the connection is deleted.
ALTER TABLE integrations ADD COLUMN oauth_connection_id BIGINT REFERENCES oauth_connections (id) ON DELETE SET NULL;
CREATE INDEX integrations_by_oauth_connection ON integrations (oauth_connection_id);
