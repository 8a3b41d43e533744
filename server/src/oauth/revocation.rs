//! Revoking tokens at the provider when they are disconnected or deleted with what owned them:
//! best effort, audited, never in the way of the deletion.

use super::provider_client::RevocableToken;
use super::url_values::UrlValues;
use crate::services::ServerServices;
use crate::store::audit::Actor;
use crate::store::oauth_connections::OAuthConnectionRow;
use crate::store::oauth_tokens::{
    token_identity, OAuthTokenRow, ACCESS_TOKEN_COLUMN, REFRESH_TOKEN_COLUMN,
};
use crate::time::now_millis;

impl ServerServices {
    /// Asks the provider to revoke the token's refresh (else access) token, when its connection
    /// has a revocation URL, and records the outcome in the audit log. Best effort: a failure
    /// is logged and audited and stops nothing.
    pub(crate) async fn revoke_quietly(
        &self,
        actor: &Actor,
        connection: &OAuthConnectionRow,
        row: &OAuthTokenRow,
    ) {
        let Some(outcome) = self.revoke_at_provider(connection, row).await else {
            return;
        };
        let text = match &outcome {
            Ok(()) => "revoked at the provider".to_string(),
            Err(error) => {
                tracing::warn!(token = row.id.get(), %error, "revoking an OAuth token failed");
                format!("failed: {error}")
            }
        };
        if let Err(error) = self
            .store
            .audit_revocation(actor, row, &text, now_millis())
            .await
        {
            tracing::warn!(token = row.id.get(), %error, "recording a revocation failed");
        }
    }

    /// Revokes each token of the rows with its own connection: for an organization's tokens,
    /// which may belong to several connections.
    pub(crate) async fn revoke_each_quietly(&self, actor: &Actor, rows: &[OAuthTokenRow]) {
        for row in rows {
            if let Ok(Some(connection)) = self.store.find_oauth_connection(row.connection_id).await
            {
                self.revoke_quietly(actor, &connection, row).await;
            }
        }
    }

    /// `None` when there is nothing to revoke or nowhere to revoke it.
    async fn revoke_at_provider(
        &self,
        connection: &OAuthConnectionRow,
        row: &OAuthTokenRow,
    ) -> Option<Result<(), String>> {
        if connection.revocation_url.is_empty() {
            return None;
        }
        let (sealed, column) = match (&row.refresh_token, &row.access_token) {
            (Some(refresh), _) => (refresh, REFRESH_TOKEN_COLUMN),
            (None, Some(access)) => (access, ACCESS_TOKEN_COLUMN),
            (None, None) => return None,
        };
        let settings = match self.provider_settings(
            connection,
            &row.entity_id,
            &UrlValues::from_text(&row.url_values),
        ) {
            Ok(settings) => settings,
            Err(error) => return Some(Err(error.to_string())),
        };
        let secret = match self.keyring.decrypt(token_identity(row.id, column), sealed) {
            Ok(secret) => secret,
            Err(_) => return Some(Err("the stored token could not be opened".to_string())),
        };
        let token = if column == REFRESH_TOKEN_COLUMN {
            RevocableToken::Refresh(&secret)
        } else {
            RevocableToken::Access(&secret)
        };
        Some(
            self.oauth
                .revoke(&settings, token)
                .await
                .map_err(|error| error.to_string()),
        )
    }
}
