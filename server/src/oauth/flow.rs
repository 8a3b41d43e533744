//! The Connect flow: Connect records a random, single-use, expiring `state` bound to the admin's
//! session (only its hash is stored) with a sealed PKCE verifier, and sends the browser to the
//! provider; the callback checks the state, exchanges the code with the verifier and stores the
//! tokens. Every failure changes nothing and says what happened.

use app::domain::admin::CurrentAdmin;
use app::domain::notifications::AlertEvent;
use app::domain::oauth::EntityIdSource;
use app::error::AppError;
use serde::Deserialize;
use serde_json::json;

use super::provider::{ProviderError, ProviderSettings, TokenGrant};
use super::tokens::granted;
use super::url_values::UrlValues;
use crate::auth::session_token::hash_token;
use crate::services::{actor_of, internal, ServerServices};
use crate::store::audit::Actor;
use crate::store::oauth_connections::OAuthConnectionRow;
use crate::store::oauth_states::{verifier_identity, OAuthStateRow, StateLookup};
use crate::store::oauth_tokens::{TokenOwner, STATUS_NEEDS_RECONNECT};
use crate::time::now_millis;

/// How long an admin has to finish authorizing at the provider.
pub const STATE_LIFETIME_MS: i64 = 10 * 60 * 1000;

/// The query string a provider sends back to the redirect URI. `Debug` hides the code and
/// the state.
#[derive(Default, Deserialize)]
pub struct CallbackQuery {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
}

impl std::fmt::Debug for CallbackQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackQuery")
            .field("code", &self.code.as_ref().map(|_| "…"))
            .field("state", &self.state.as_ref().map(|_| "…"))
            .field("error", &self.error)
            .finish()
    }
}

/// Where the callback leaves the admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackOutcome {
    /// Back to the page that started the flow, with `oauth=connected` or `oauth_error=…`.
    Return(String),
    /// No page to return to (unknown, used, expired or foreign state): a page that says so.
    Refused { status: u16, message: &'static str },
}

const UNKNOWN_STATE: &str = "This authorization is unknown or was already used. Nothing was \
     changed. Start again with Connect on the integration's OAuth tab.";
const FOREIGN_STATE: &str = "This authorization was started in another sign-in session. Nothing \
     was changed. Start again with Connect from your own session.";
const EXPIRED_STATE: &str = "This authorization expired (you have 10 minutes to finish at the \
     provider). Nothing was changed. Start again with Connect.";
const WRONG_CONNECTION: &str = "This authorization belongs to another OAuth connection's \
     redirect URI. Nothing was changed.";

/// A provider's error code reduced to what is safe to put in a URL and show.
fn reason_code(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(40)
        .collect()
}

pub(super) fn with_query(path: &str, query: &str) -> String {
    format!("{path}?{query}")
}

/// A refusal page for a callback that has no authorization to return to.
fn refused(status: u16, message: &'static str) -> CallbackOutcome {
    CallbackOutcome::Refused { status, message }
}

/// The query a failed code exchange returns to the page with.
fn exchange_failure_query(error: &ProviderError) -> String {
    match error {
        ProviderError::Unavailable(_) => "oauth_error=unavailable".to_string(),
        ProviderError::InvalidGrant(_) => "oauth_error=exchange&reason=invalid_grant".to_string(),
        ProviderError::Refused { code, .. } => {
            format!("oauth_error=exchange&reason={}", reason_code(code))
        }
        ProviderError::Garbage | ProviderError::Settings(_) => {
            "oauth_error=exchange&reason=invalid_response".to_string()
        }
    }
}

/// The code the provider sent, or the query that tells the page why there is none.
fn code_of(query: &CallbackQuery) -> Result<&str, String> {
    if let Some(error) = &query.error {
        return Err(format!("oauth_error=denied&reason={}", reason_code(error)));
    }
    query
        .code
        .as_deref()
        .filter(|code| !code.is_empty())
        .ok_or_else(|| "oauth_error=exchange&reason=no_code".to_string())
}

impl ServerServices {
    /// Removes authorizations nobody finished.
    pub async fn sweep_oauth_states(&self) -> Result<u64, crate::store::StoreError> {
        self.store.delete_expired_oauth_states(now_millis()).await
    }

    /// Handles the provider's redirect to `/oauth/callback/{connection_name}`.
    pub async fn complete_authorization(
        &self,
        admin: &CurrentAdmin,
        session_token: &str,
        connection_name: &str,
        query: &CallbackQuery,
    ) -> Result<CallbackOutcome, AppError> {
        let (row, connection) = match self
            .live_authorization(session_token, connection_name, query)
            .await?
        {
            Ok(found) => found,
            Err(refusal) => return Ok(refusal),
        };
        let back = |query: &str| Ok(CallbackOutcome::Return(with_query(&row.return_to, query)));
        let code = match code_of(query) {
            Ok(code) => code,
            Err(query) => return back(&query),
        };
        let (settings, grant) = match self.exchange_state_code(&row, &connection, code).await? {
            Ok(granted) => granted,
            Err(error) => return back(&exchange_failure_query(&error)),
        };
        self.store_granted_token(&actor_of(admin), &row, &connection, &settings, grant)
            .await?;
        back("oauth=connected")
    }

    /// The code exchanged for tokens with the state's PKCE verifier and kept URL values; the
    /// provider's refusal (logged) as the inner error.
    pub(super) async fn exchange_state_code(
        &self,
        row: &OAuthStateRow,
        connection: &OAuthConnectionRow,
        code: &str,
    ) -> Result<Result<(ProviderSettings, TokenGrant), ProviderError>, AppError> {
        let verifier = row
            .pkce_verifier
            .as_deref()
            .map(|sealed| self.keyring.decrypt(verifier_identity(row.id), sealed))
            .transpose()
            .map_err(|error| internal(error.into()))?;
        let values = UrlValues::from_text(&row.url_values);
        let settings = match self.provider_settings(connection, &row.entity_id, &values) {
            Ok(settings) => settings,
            Err(error) => return Ok(Err(error)),
        };
        let exchanged = self
            .oauth
            .exchange_code(&settings, code, verifier.as_ref())
            .await;
        if let Err(error) = &exchanged {
            tracing::warn!(connection = %connection.name, %error, "OAuth code exchange failed");
        }
        Ok(exchanged.map(|grant| (settings, grant)))
    }

    /// The authorization a callback's state names, taken (so used once), live, started in this
    /// session and for this connection; or the page that refuses it.
    pub(super) async fn live_authorization(
        &self,
        session_token: &str,
        connection_name: &str,
        query: &CallbackQuery,
    ) -> Result<Result<(OAuthStateRow, OAuthConnectionRow), CallbackOutcome>, AppError> {
        let Some(state) = query.state.as_deref().filter(|s| !s.is_empty()) else {
            return Ok(Err(refused(400, UNKNOWN_STATE)));
        };
        let lookup = self
            .store
            .take_oauth_state(&hash_token(state), &hash_token(session_token))
            .await
            .map_err(internal)?;
        let row = match lookup {
            StateLookup::Found(row) => row,
            StateLookup::OtherSession => return Ok(Err(refused(403, FOREIGN_STATE))),
            StateLookup::Unknown => return Ok(Err(refused(400, UNKNOWN_STATE))),
        };
        if row.expires_at < now_millis() {
            return Ok(Err(refused(400, EXPIRED_STATE)));
        }
        let connection = self
            .store
            .find_oauth_connection(row.connection_id)
            .await
            .map_err(internal)?;
        match connection.filter(|c| c.name == connection_name) {
            Some(connection) => Ok(Ok((row, connection))),
            None => Ok(Err(refused(400, WRONG_CONNECTION))),
        }
    }

    /// Stores what the provider granted as the scope's token, linked on the organization's
    /// mapping while the integration still uses this connection; audited.
    pub(super) async fn store_granted_token(
        &self,
        actor: &Actor,
        row: &OAuthStateRow,
        connection: &OAuthConnectionRow,
        settings: &ProviderSettings,
        grant: TokenGrant,
    ) -> Result<(), AppError> {
        let now = now_millis();
        let detected = EntityIdSource::parse(&connection.entity_id_source)
            .ok()
            .flatten()
            .and_then(|source| grant.reported(&source));
        let mut tokens = granted(grant, &settings.scopes, now);
        tokens.detected_entity_id = detected.unwrap_or_default();
        let still_linked = self
            .store
            .find_integration(row.integration_id)
            .await
            .map_err(internal)?
            .is_some_and(|integration| integration.oauth_connection_id == Some(connection.id));
        let mapping_id = match row.organization_id.filter(|_| still_linked) {
            Some(organization) => self
                .store
                .find_mapping_of_organization(row.integration_id, organization)
                .await
                .map_err(internal)?
                .map(|mapping| mapping.id),
            None => None,
        };
        let owner = TokenOwner {
            connection_id: connection.id,
            organization_id: row.organization_id,
            entity_id: row.entity_id.clone(),
            url_values: row.url_values.clone(),
        };
        let changes = json!({
            "connection": connection.name,
            "scopes": tokens.scopes,
            "refresh_token": tokens.refresh_token.is_some(),
        });
        let audit = Some((actor, changes));
        let was_failing = self.token_was_failing(&owner).await;
        let saved = self
            .store
            .save_connected_token(&self.keyring, &owner, &tokens, mapping_id, audit, now)
            .await
            .map_err(internal)?;
        if was_failing {
            self.raise_token_alert(saved.id, AlertEvent::Recovered, "connected again")
                .await;
        }
        Ok(())
    }

    /// Whether the owner's token needed reconnecting or failed to refresh before this consent,
    /// so that connecting it again is told as a recovery.
    async fn token_was_failing(&self, owner: &TokenOwner) -> bool {
        let found = self
            .store
            .find_oauth_token_of(owner.connection_id, owner.organization_id)
            .await;
        matches!(found, Ok(Some(row)) if row.status == STATUS_NEEDS_RECONNECT || !row.last_error.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_error_codes_are_reduced_to_safe_characters() {
        assert_eq!(reason_code("access_denied"), "access_denied");
        assert_eq!(reason_code("<script>&x=1"), "scriptx1");
        assert_eq!(reason_code(&"a".repeat(100)).len(), 40);
    }
}
