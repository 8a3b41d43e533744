//! What refreshing a token writes: the client-credentials row a first grant fills, the lease
//! that lets one server at a time call the provider, the refreshed tokens, a failure's backoff
//! or Needs reconnect, and the tokens due soon.

use crate::crypto::Keyring;
use app::domain::ids::TokenId;

use super::oauth_tokens::{seal_granted, GrantedTokens, OAuthTokenRow, TokenOwner, BACKOFF_OWNER};
use super::statement::{execute, fetch_scalars};
use super::{Store, StoreError};

impl Store {
    /// The token row of a client-credentials owner, created empty (connected, no token yet, so
    /// the first grant goes through the same lease as every refresh) when there is none. A row
    /// for another entity ID is emptied, so no organization gets a token of another tenant.
    /// A disconnected row stays disconnected until [`Store::reset_client_credentials_token`].
    pub async fn ensure_client_credentials_token(
        &self,
        owner: &TokenOwner,
        now: i64,
    ) -> Result<OAuthTokenRow, StoreError> {
        if let Some(row) = self
            .find_oauth_token_of(owner.connection_id, owner.organization_id)
            .await?
        {
            if row.entity_id == owner.entity_id && row.url_values == owner.url_values {
                return Ok(row);
            }
            // The lease goes too: a grant in flight for the old entity must not be stored.
            let sql =
                "UPDATE oauth_tokens SET entity_id = $1, url_values = $2, access_token = NULL, \
                 refresh_token = NULL, expires_at = 0, lease_owner = NULL, lease_until = NULL, \
                 version = version + 1, updated_at = $3 WHERE id = $4";
            let params = (&owner.entity_id, &owner.url_values, now, row.id);
            execute(&self.pool, sql, params).await?;
        } else {
            // Concurrent first requests may both insert: the partial unique index keeps one.
            let conflict = if owner.organization_id.is_some() {
                "(connection_id, organization_id) WHERE organization_id IS NOT NULL"
            } else {
                "(connection_id) WHERE organization_id IS NULL"
            };
            let sql = format!(
                "INSERT INTO oauth_tokens (connection_id, organization_id, entity_id, url_values, status, \
                 expires_at, connected_by, connected_at, updated_at) VALUES ($1, $2, $3, $4, 'connected', 0, \
                 'client credentials', $5, $5) ON CONFLICT {conflict} DO NOTHING"
            );
            let params = (
                owner.connection_id,
                owner.organization_id,
                &owner.entity_id,
                &owner.url_values,
                now,
            );
            execute(&self.pool, &sql, params).await?;
        }
        self.find_oauth_token_of(owner.connection_id, owner.organization_id)
            .await?
            .ok_or_else(|| StoreError::Conflict("oauth_tokens".into()))
    }

    /// "Get token" on a client-credentials token: connected again, due for a new grant.
    pub async fn reset_client_credentials_token(
        &self,
        id: TokenId,
        now: i64,
    ) -> Result<(), StoreError> {
        let sql = "UPDATE oauth_tokens SET status = 'connected', last_error = '', expires_at = 0, \
             lease_owner = NULL, lease_until = NULL, version = version + 1, updated_at = $1 WHERE id = $2";
        execute(&self.pool, sql, (now, id)).await?;
        Ok(())
    }

    /// Takes the refresh lease if the row is still at `version` and no live lease is held;
    /// with `end_pause`, the pause after a failure (the backoff owner) is ended early, but never
    /// another server's refresh.
    pub async fn acquire_refresh_lease(
        &self,
        id: TokenId,
        version: i64,
        owner: &str,
        (now, until): (i64, i64),
        end_pause: bool,
    ) -> Result<bool, StoreError> {
        // NULL when the pause must be respected: `lease_owner = NULL` never holds.
        let pause_owner = end_pause.then_some(BACKOFF_OWNER);
        let sql = "UPDATE oauth_tokens SET lease_owner = $1, lease_until = $2 WHERE id = $3 \
             AND version = $4 AND (lease_until IS NULL OR lease_until < $5 OR lease_owner = $6)";
        let params = (owner, until, id, version, now, pause_owner);
        Ok(execute(&self.pool, sql, params).await? == 1)
    }

    /// Stores refreshed tokens and releases the lease, in one statement, if `owner` still holds
    /// it and the row is still at `leased_version` (its entity, its grant). A rotated refresh
    /// token replaces the old one; `None` keeps it.
    pub async fn save_refreshed_token(
        &self,
        keyring: &Keyring,
        (id, leased_version): (TokenId, i64),
        owner: &str,
        tokens: &GrantedTokens,
        now: i64,
    ) -> Result<bool, StoreError> {
        let (access, refresh) = seal_granted(keyring, id, tokens)?;
        let sql = "UPDATE oauth_tokens SET access_token = $1, refresh_token = COALESCE($2, refresh_token), \
             token_type = $3, scopes = $4, expires_at = $5, refreshed_at = $6, last_error = '', \
             status = 'connected', lease_owner = NULL, lease_until = NULL, version = version + 1, \
             updated_at = $6 WHERE id = $7 AND lease_owner = $8 AND version = $9";
        let params = (
            access,
            refresh,
            &tokens.token_type,
            &tokens.scopes,
            tokens.expires_at,
            now,
            id,
            owner,
            leased_version,
        );
        Ok(execute(&self.pool, sql, params).await? == 1)
    }

    /// Ends a failed refresh and records the error. With `needs_reconnect` the token is marked
    /// for reconnecting (its record and tokens are kept); otherwise the lease turns into a
    /// backoff until `retry_at`, so requests in the meantime do not call the provider again.
    pub async fn fail_refresh(
        &self,
        id: TokenId,
        owner: &str,
        error: &str,
        needs_reconnect: bool,
        retry_at: i64,
        now: i64,
    ) -> Result<(), StoreError> {
        let sql = if needs_reconnect {
            "UPDATE oauth_tokens SET status = 'needs_reconnect', last_error = $1, lease_owner = NULL, \
             lease_until = NULL, version = version + 1, updated_at = $2 WHERE id = $3 AND lease_owner = $4"
        } else {
            "UPDATE oauth_tokens SET last_error = $1, lease_owner = 'backoff', lease_until = $5, \
             updated_at = $2 WHERE id = $3 AND lease_owner = $4"
        };
        // PostgreSQL refuses a parameter the statement does not use.
        if needs_reconnect {
            execute(&self.pool, sql, (error, now, id, owner)).await?;
        } else {
            execute(&self.pool, sql, (error, now, id, owner, retry_at)).await?;
        }
        Ok(())
    }

    /// Marks a token that cannot be refreshed (no refresh token) as needing a reconnect, if it
    /// is still the one read at `version` (not a reconnect that landed meanwhile).
    pub async fn mark_needs_reconnect(
        &self,
        (id, version): (TokenId, i64),
        error: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let sql = "UPDATE oauth_tokens SET status = 'needs_reconnect', last_error = $1, version = version + 1, \
             updated_at = $2 WHERE id = $3 AND status = 'connected' AND version = $4";
        execute(&self.pool, sql, (error, now, id, version)).await?;
        Ok(())
    }

    /// Connected tokens with a refresh token whose access token expires before `before`.
    pub async fn oauth_tokens_expiring(
        &self,
        before: i64,
        limit: i64,
    ) -> Result<Vec<TokenId>, StoreError> {
        let sql =
            "SELECT id FROM oauth_tokens WHERE status = 'connected' AND refresh_token IS NOT NULL \
             AND expires_at < $1 ORDER BY expires_at LIMIT $2";
        fetch_scalars(&self.pool, sql, (before, limit)).await
    }
}
