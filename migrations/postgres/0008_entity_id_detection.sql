-- Where the provider reports an organization's entity ID after it connects (`id_token:<claim>`
-- or `response:<field>`), and what it reported on a token, for the admin to confirm.
ALTER TABLE oauth_connections ADD COLUMN entity_id_source TEXT NOT NULL DEFAULT '';
ALTER TABLE oauth_tokens ADD COLUMN detected_entity_id TEXT NOT NULL DEFAULT '';
