-- The config values an OAuth connection's URLs were filled with at Connect ({field} besides
-- {entity_id}), kept as JSON text so the code exchange, refreshes and revocation go where the
-- consent was given.
ALTER TABLE oauth_states ADD COLUMN url_values TEXT NOT NULL DEFAULT '{}';
ALTER TABLE oauth_tokens ADD COLUMN url_values TEXT NOT NULL DEFAULT '{}';
