//! Tokens that stay fresh: asking for a token refreshes it first when it expires within a few
//! minutes. One refresh per expiry, even with many concurrent requests on several server
//! instances: a per-token lock inside the process, and a lease on the token row across
//! processes (whoever takes the lease calls the provider; the others wait for the new version).
//! `invalid_grant` marks the token for reconnecting and keeps it; a timeout or 5xx is retried
//! with backoff and discards nothing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::domain::oauth::{GrantType, OAuthTokenView, TokenState};
use app::error::AppError;
use secrecy::SecretString;

use super::configuration::MergedConfig;
use super::{internal, ServerServices};
use crate::oauth::DEFAULT_TOKEN_LIFETIME_SECS;
use crate::oauth::{fill_entity_id, ProviderError, ProviderSettings, TokenGrant};
use crate::store::integrations::IntegrationRow;
use crate::store::mappings::MappingRow;
use crate::store::oauth_connections::{client_secret_identity, OAuthConnectionRow};
use crate::store::oauth_tokens::{
    token_identity, GrantedTokens, OAuthTokenRow, TokenOwner, ACCESS_TOKEN_COLUMN, BACKOFF_OWNER,
    REFRESH_TOKEN_COLUMN, STATUS_CONNECTED, STATUS_NEEDS_RECONNECT,
};
use crate::store::StoreError;
use crate::time::now_millis;

/// A token is refreshed when it expires within this margin.
pub const REFRESH_MARGIN_MS: i64 = 5 * 60 * 1000;
/// The background task refreshes tokens expiring within this margin, so refresh tokens are used
/// regularly and do not lapse from disuse.
pub const BACKGROUND_MARGIN_MS: i64 = 10 * 60 * 1000;
/// Attempts at a refresh when the provider is unavailable, and the pause before each retry.
const REFRESH_ATTEMPTS: u32 = 3;
/// After a refresh fails for a reason other than `invalid_grant`, no new provider call for this
/// long: requests meanwhile get the still-valid token or the error.
const FAILURE_BACKOFF_MS: i64 = 30_000;
const POLL_INTERVAL: Duration = Duration::from_millis(50);
/// While another server holds the refresh lease, a token valid for longer than this is served
/// at once; a shorter-lived one waits for the new token.
const STILL_USEFUL_MS: i64 = 60_000;

/// Why no fresh token could be had.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the OAuth connection is not connected")]
    NotConnected,
    #[error("the OAuth token needs reconnecting: {0}")]
    NeedsReconnect(String),
    #[error("the OAuth provider failed the refresh: {0}")]
    Provider(ProviderError),
    #[error("another server is still refreshing the token")]
    Busy,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<TokenError> for AppError {
    fn from(error: TokenError) -> AppError {
        match error {
            TokenError::NotConnected => {
                AppError::Conflict("the OAuth connection is not connected yet".into())
            }
            TokenError::NeedsReconnect(_) | TokenError::Provider(_) | TokenError::Busy => {
                AppError::Conflict(error.to_string())
            }
            TokenError::Store(store) => internal(store),
        }
    }
}

/// A usable access token. `Debug` never shows it.
#[derive(Clone)]
pub struct FreshToken {
    pub access_token: SecretString,
    pub token_type: String,
    pub expires_at: i64,
    pub scopes: Vec<String>,
}

impl std::fmt::Debug for FreshToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FreshToken")
            .field("token_type", &self.token_type)
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

/// Per-token locks inside this process, so concurrent requests wait instead of polling.
#[derive(Debug, Default)]
pub struct RefreshLocks {
    locks: Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>,
}

impl RefreshLocks {
    fn of(&self, token_id: i64) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self
            .locks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        locks.entry(token_id).or_default().clone()
    }
}

fn scopes_of(text: &str) -> Vec<String> {
    text.split(' ')
        .filter(|scope| !scope.is_empty())
        .map(str::to_string)
        .collect()
}

/// What a grant becomes when stored; scopes the provider did not list are the requested ones.
pub(super) fn granted(grant: TokenGrant, requested_scopes: &[String], now: i64) -> GrantedTokens {
    let lifetime = grant
        .expires_in
        .filter(|seconds| *seconds > 0)
        .unwrap_or(DEFAULT_TOKEN_LIFETIME_SECS);
    GrantedTokens {
        access_token: grant.access_token,
        refresh_token: grant.refresh_token,
        token_type: grant.token_type,
        scopes: grant
            .scopes
            .unwrap_or_else(|| requested_scopes.to_vec())
            .join(" "),
        expires_at: now.saturating_add(lifetime.saturating_mul(1000)),
        detected_entity_id: String::new(),
    }
}

pub(super) fn token_view(
    row: &OAuthTokenRow,
    organization_name: Option<String>,
    client_credentials: bool,
) -> OAuthTokenView {
    OAuthTokenView {
        id: row.id,
        organization_id: row.organization_id,
        organization_name,
        // A client-credentials row waiting for its first grant is not connected yet.
        state: match TokenState::parse(&row.status) {
            TokenState::Connected if row.access_token.is_none() => TokenState::NotConnected,
            state => state,
        },
        scopes: scopes_of(&row.scopes),
        expires_at: row.expires_at.filter(|at| *at > 0),
        refreshed_at: row.refreshed_at,
        connected_by: row.connected_by.clone(),
        connected_at: row.connected_at,
        last_error: row.last_error.clone(),
        has_refresh_token: row.refresh_token.is_some(),
        client_credentials,
    }
}

impl ServerServices {
    /// The settings of a provider call for `entity_id`, with the client secret opened.
    pub(super) fn provider_settings(
        &self,
        connection: &OAuthConnectionRow,
        entity_id: &str,
    ) -> Result<ProviderSettings, StoreError> {
        let client_secret = connection
            .client_secret
            .as_deref()
            .map(|sealed| {
                self.keyring
                    .decrypt(client_secret_identity(connection.id), sealed)
            })
            .transpose()?;
        Ok(ProviderSettings {
            authorization_url: fill_entity_id(&connection.authorization_url, entity_id),
            token_url: fill_entity_id(&connection.token_url, entity_id),
            client_id: connection.client_id.clone(),
            client_secret,
            scopes: scopes_of(&connection.scopes),
            extra_parameters: serde_json::from_str(&connection.extra_parameters)
                .unwrap_or_default(),
            audience: connection.audience.clone(),
            revocation_url: fill_entity_id(&connection.revocation_url, entity_id),
            redirect_uri: self.redirect_uri(&connection.name),
        })
    }

    pub(super) fn redirect_uri(&self, connection_name: &str) -> String {
        format!(
            "{}/oauth/callback/{connection_name}",
            self.config.public_url
        )
    }

    /// A token fresh for at least `margin_ms`, refreshing it (once, whoever asks) when needed.
    pub async fn fresh_token(
        &self,
        token_id: i64,
        margin_ms: i64,
    ) -> Result<FreshToken, TokenError> {
        let lock = self.refresh_locks.of(token_id);
        let lease_ms = self.lease_millis();
        let deadline = now_millis() + lease_ms + 2_000;
        let mut first_version = None;
        loop {
            // Held while this process decides and refreshes, not while it waits for another
            // server's lease: a wait for the background pass must not hold a workflow's request.
            let held = lock.lock().await;
            let row = self
                .store
                .find_oauth_token(token_id)
                .await?
                .ok_or(TokenError::NotConnected)?;
            let now = now_millis();
            match row.status.as_str() {
                STATUS_CONNECTED => {}
                STATUS_NEEDS_RECONNECT => return Err(TokenError::NeedsReconnect(row.last_error)),
                _ => return Err(TokenError::NotConnected),
            }
            let expires_at = row.expires_at.unwrap_or(0);
            let valid = row.access_token.is_some() && expires_at > now;
            if valid && expires_at > now.saturating_add(margin_ms) {
                return self.open_token(&row);
            }
            let live_lease = row.lease_until.is_some_and(|until| until >= now);
            let backoff = live_lease && row.lease_owner.as_deref() == Some(BACKOFF_OWNER);
            // An administrator's Refresh now (a margin beyond the background pass's) tries the
            // provider again at once after a failure; automated requests respect the pause.
            let refresh_now = margin_ms > BACKGROUND_MARGIN_MS;
            // Refresh now that waited while another server refreshed takes that new token
            // rather than refreshing a second time.
            let refreshed_meanwhile = *first_version.get_or_insert(row.version) < row.version;
            if refresh_now && refreshed_meanwhile && !live_lease && valid {
                return self.open_token(&row);
            }
            // Another server is refreshing (or died while refreshing, holding the lease until it
            // runs out): a token still good for a while is served rather than waited on, to a
            // request or the background pass. Refresh now waits for the new one.
            if live_lease
                && !refresh_now
                && valid
                && expires_at > now.saturating_add(STILL_USEFUL_MS)
            {
                return self.open_token(&row);
            }
            if backoff && !refresh_now {
                // The provider failed moments ago: no new call until the backoff ends.
                return if valid {
                    self.open_token(&row)
                } else {
                    Err(TokenError::Provider(ProviderError::Unavailable(
                        row.last_error,
                    )))
                };
            }
            let connection = self
                .store
                .find_oauth_connection(row.connection_id)
                .await?
                .ok_or(TokenError::NotConnected)?;
            let client_credentials = connection.grant_type == GrantType::ClientCredentials.as_str();
            if !client_credentials && row.refresh_token.is_none() {
                if valid {
                    return self.open_token(&row);
                }
                let reason = "the access token expired and the provider gave no refresh token";
                self.store
                    .mark_needs_reconnect((row.id, row.version), reason, now)
                    .await?;
                return Err(TokenError::NeedsReconnect(reason.into()));
            }
            if (!live_lease || backoff)
                && self
                    .store
                    .acquire_refresh_lease(
                        token_id,
                        row.version,
                        &self.instance_id,
                        (now, now + lease_ms),
                        backoff && refresh_now,
                    )
                    .await?
            {
                return self
                    .refresh_with_lease(row, &connection, now + lease_ms)
                    .await;
            }
            if now > deadline {
                return Err(TokenError::Busy);
            }
            drop(held);
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// Long enough for every attempt of a refresh, with room for the store.
    fn lease_millis(&self) -> i64 {
        let timeout = i64::try_from(self.config.provider_timeout.as_millis()).unwrap_or(10_000);
        timeout * i64::from(REFRESH_ATTEMPTS) + 20_000
    }

    fn open_token(&self, row: &OAuthTokenRow) -> Result<FreshToken, TokenError> {
        let sealed = row
            .access_token
            .as_deref()
            .ok_or(TokenError::NotConnected)?;
        let access_token = self
            .keyring
            .decrypt(token_identity(row.id, ACCESS_TOKEN_COLUMN), sealed)
            .map_err(StoreError::from)?;
        Ok(FreshToken {
            access_token,
            token_type: row.token_type.clone(),
            expires_at: row.expires_at.unwrap_or(0),
            scopes: scopes_of(&row.scopes),
        })
    }

    /// Calls the provider while holding the row's lease (until `lease_until`), and stores what
    /// it answered.
    async fn refresh_with_lease(
        &self,
        row: OAuthTokenRow,
        connection: &OAuthConnectionRow,
        lease_until: i64,
    ) -> Result<FreshToken, TokenError> {
        let outcome = self.call_provider_for(&row, connection, lease_until).await;
        let now = now_millis();
        match outcome {
            Ok((grant, requested)) => {
                let tokens = granted(grant, &requested, now);
                let saved = self
                    .store
                    .save_refreshed_token(
                        &self.keyring,
                        (row.id, row.version),
                        &self.instance_id,
                        &tokens,
                        now,
                    )
                    .await;
                match saved {
                    Ok(true) => {}
                    // The grant answered the request as the row was when it began; a row that
                    // moved on meanwhile (another entity, a reconnect) keeps what it has now.
                    Ok(false) => tracing::warn!(
                        token = row.id,
                        "the token changed or the lease ran out before the new tokens were stored"
                    ),
                    Err(error) => {
                        tracing::error!(token = row.id, %error, "storing refreshed tokens failed");
                        return Err(TokenError::Store(error));
                    }
                }
                Ok(FreshToken {
                    access_token: tokens.access_token,
                    token_type: tokens.token_type,
                    expires_at: tokens.expires_at,
                    scopes: scopes_of(&tokens.scopes),
                })
            }
            Err(error) => {
                // Only a refused grant needs the admin; anything else may pass by itself.
                let reconnect = matches!(error, ProviderError::InvalidGrant(_));
                tracing::warn!(token = row.id, %error, "refreshing an OAuth token failed");
                self.store
                    .fail_refresh(
                        row.id,
                        &self.instance_id,
                        &error.to_string(),
                        reconnect,
                        now + FAILURE_BACKOFF_MS,
                        now,
                    )
                    .await?;
                if reconnect {
                    return Err(TokenError::NeedsReconnect(error.to_string()));
                }
                // The stored token may still be valid for a while: better than nothing.
                if row.access_token.is_some() && row.expires_at.unwrap_or(0) > now {
                    return self.open_token(&row);
                }
                Err(TokenError::Provider(error))
            }
        }
    }

    /// A refresh (or, for client credentials, a new grant), retried with backoff while the
    /// provider is unavailable and the lease leaves time for another attempt.
    async fn call_provider_for(
        &self,
        row: &OAuthTokenRow,
        connection: &OAuthConnectionRow,
        lease_until: i64,
    ) -> Result<(TokenGrant, Vec<String>), ProviderError> {
        let settings = self
            .provider_settings(connection, &row.entity_id)
            .map_err(|_| ProviderError::Settings("the client secret is unreadable".into()))?;
        let refresh_token = match &row.refresh_token {
            _ if connection.grant_type == GrantType::ClientCredentials.as_str() => None,
            Some(sealed) => Some(
                self.keyring
                    .decrypt(token_identity(row.id, REFRESH_TOKEN_COLUMN), sealed)
                    .map_err(|_| {
                        ProviderError::Settings("the refresh token is unreadable".into())
                    })?,
            ),
            None => return Err(ProviderError::InvalidGrant("no refresh token".into())),
        };
        let timeout = i64::try_from(self.config.provider_timeout.as_millis()).unwrap_or(10_000);
        let mut pause = self.config.retry_pause;
        let mut attempt = 1;
        loop {
            let result = match &refresh_token {
                Some(token) => self.oauth.refresh(&settings, token).await,
                None => self.oauth.client_credentials(&settings).await,
            };
            let pause_ms = i64::try_from(pause.as_millis()).unwrap_or(i64::MAX);
            let time_left = lease_until - now_millis() > pause_ms + timeout + 5_000;
            match result {
                Err(error) if error.is_transient() && attempt < REFRESH_ATTEMPTS && time_left => {
                    tokio::time::sleep(pause).await;
                    pause *= 4;
                    attempt += 1;
                }
                other => return other.map(|grant| (grant, settings.scopes.clone())),
            }
        }
    }

    /// Refreshes every connected token that expires soon; returns how many were refreshed.
    pub async fn refresh_expiring_tokens(&self) -> Result<usize, StoreError> {
        let ids = self
            .store
            .oauth_tokens_expiring(now_millis() + BACKGROUND_MARGIN_MS, 100)
            .await?;
        let mut refreshed = 0;
        for id in ids {
            match self.fresh_token(id, BACKGROUND_MARGIN_MS).await {
                Ok(_) => refreshed += 1,
                Err(error) => tracing::warn!(token = id, %error, "background token refresh failed"),
            }
        }
        Ok(refreshed)
    }

    /// The token an integration uses for an organization (`None`: the global scope): the
    /// mapping's organization-specific token if linked, else the connection's shared token;
    /// client-credentials connections get one per mapped organization on demand.
    /// `Ok(None)` when the integration has no OAuth connection.
    pub async fn integration_token(
        &self,
        integration_id: i64,
        organization_id: Option<i64>,
    ) -> Result<Option<FreshToken>, TokenError> {
        let token_id = self
            .token_id_in_scope(integration_id, organization_id)
            .await?;
        self.fresh_if_any(token_id).await
    }

    /// Which token row serves an integration in a scope; `None` without an OAuth connection.
    pub(super) async fn token_id_in_scope(
        &self,
        integration_id: i64,
        organization_id: Option<i64>,
    ) -> Result<Option<i64>, TokenError> {
        let integration = self
            .store
            .find_integration(integration_id)
            .await?
            .ok_or(TokenError::NotConnected)?;
        if integration.oauth_connection_id.is_none() {
            return Ok(None);
        }
        let mapping = match organization_id {
            Some(organization) => {
                self.store
                    .find_mapping_of_organization(integration_id, organization)
                    .await?
            }
            None => None,
        };
        self.token_id_for(&integration, mapping.as_ref()).await
    }

    /// The token of a merged config's scope, fresh; `Ok(None)` without an OAuth connection.
    /// Uses the rows the merge already read, so resolving reads them once.
    pub async fn merged_config_token(
        &self,
        merged: &MergedConfig,
    ) -> Result<Option<FreshToken>, TokenError> {
        let token_id = self
            .token_id_for(&merged.integration, merged.mapping.as_ref())
            .await?;
        self.fresh_if_any(token_id).await
    }

    async fn fresh_if_any(&self, token_id: Option<i64>) -> Result<Option<FreshToken>, TokenError> {
        match token_id {
            Some(token_id) => self
                .fresh_token(token_id, REFRESH_MARGIN_MS)
                .await
                .map(Some),
            None => Ok(None),
        }
    }

    /// Which token row serves the integration for the mapping's organization (`None`: the
    /// global scope).
    async fn token_id_for(
        &self,
        integration: &IntegrationRow,
        mapping: Option<&MappingRow>,
    ) -> Result<Option<i64>, TokenError> {
        let Some(connection_id) = integration.oauth_connection_id else {
            return Ok(None);
        };
        let connection = self
            .store
            .find_oauth_connection(connection_id)
            .await?
            .ok_or(TokenError::NotConnected)?;
        if connection.grant_type == GrantType::ClientCredentials.as_str() {
            let owner = TokenOwner {
                connection_id,
                organization_id: mapping.map(|m| m.organization_id),
                entity_id: mapping.map_or(integration.default_entity_id.clone(), |m| {
                    m.entity_id.clone()
                }),
            };
            let row = self
                .store
                .ensure_client_credentials_token(&owner, now_millis())
                .await?;
            return Ok(Some(row.id));
        }
        if let Some(linked) = mapping.and_then(|m| m.oauth_token_id) {
            // A token of a connection the integration no longer uses never reaches its API.
            let token = self.store.find_oauth_token(linked).await?;
            if token.is_some_and(|token| token.connection_id == connection_id) {
                return Ok(Some(linked));
            }
        }
        let shared = self
            .store
            .find_oauth_token_of(connection_id, None)
            .await?
            .ok_or(TokenError::NotConnected)?;
        Ok(Some(shared.id))
    }
}
