-- The health centre lists failing and expiring tokens among possibly a million: partial indexes
-- keep those lists to the rows they show.
CREATE INDEX oauth_tokens_failing ON oauth_tokens (connection_id) WHERE last_error <> '';
CREATE INDEX oauth_tokens_expiring_unrefreshable ON oauth_tokens (expires_at)
    WHERE status = 'connected' AND refresh_token IS NULL;
-- The mappings that use an organization's own token.
CREATE INDEX integration_mappings_by_token ON integration_mappings (oauth_token_id)
    WHERE oauth_token_id IS NOT NULL;
