//! Tokens that stay fresh: asking for a token refreshes it first when it expires within a few
//! minutes. One refresh per expiry, even with many concurrent requests on several server
//! instances: a per-token lock inside the process, and a lease on the token row across
//! processes (whoever takes the lease calls the provider; the others wait for the new version).
//! `invalid_grant` marks the token for reconnecting and keeps it; a timeout or 5xx is retried
//! with backoff and discards nothing.

use app::domain::ids::TokenId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::domain::notifications::AlertEvent;
use app::domain::oauth::GrantType;

use super::provider::{ProviderError, TokenGrant};
use super::tokens::{granted, scopes_of, FreshToken, TokenError};
use super::url_values::UrlValues;
use crate::services::ServerServices;
use crate::store::oauth_connections::OAuthConnectionRow;
use crate::store::oauth_tokens::{
    token_identity, OAuthTokenRow, BACKOFF_OWNER, REFRESH_TOKEN_COLUMN, STATUS_CONNECTED,
    STATUS_NEEDS_RECONNECT,
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

/// Per-token locks inside this process, so concurrent requests wait instead of polling.
#[derive(Debug, Default)]
pub struct RefreshLocks {
    locks: Mutex<HashMap<TokenId, Arc<tokio::sync::Mutex<()>>>>,
}

impl RefreshLocks {
    fn of(&self, token_id: TokenId) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self
            .locks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        locks.entry(token_id).or_default().clone()
    }
}

/// What one look at a token row decides.
enum Step {
    /// The stored access token serves.
    Serve,
    Refuse(TokenError),
    /// A refresh is due, or another server's is awaited.
    Refresh(RowFacts),
}

/// What a look at the row found, for deciding who refreshes.
#[derive(Clone, Copy)]
struct RowFacts {
    /// The stored access token has not expired.
    valid: bool,
    /// A server holds the refresh lease (or a failure's backoff) now.
    live_lease: bool,
    /// The lease is the pause after a failed refresh.
    backoff: bool,
    /// An administrator's Refresh now, which does not wait out a backoff.
    refresh_now: bool,
}

/// Decides from the row alone; `refreshed_meanwhile`: its version moved since the first look.
fn first_look(row: &OAuthTokenRow, now: i64, margin_ms: i64, refreshed_meanwhile: bool) -> Step {
    match row.status.as_str() {
        STATUS_CONNECTED => {}
        STATUS_NEEDS_RECONNECT => {
            return Step::Refuse(TokenError::NeedsReconnect(row.last_error.clone()))
        }
        _ => return Step::Refuse(TokenError::NotConnected),
    }
    let expires_at = row.expires_at.unwrap_or(0);
    let valid = row.access_token.is_some() && expires_at > now;
    if valid && expires_at > now.saturating_add(margin_ms) {
        return Step::Serve;
    }
    let live_lease = row.lease_until.is_some_and(|until| until >= now);
    let backoff = live_lease && row.lease_owner.as_deref() == Some(BACKOFF_OWNER);
    // An administrator's Refresh now (a margin beyond the background pass's) tries the
    // provider again at once after a failure; automated requests respect the pause.
    let refresh_now = margin_ms > BACKGROUND_MARGIN_MS;
    // Refresh now that waited while another server refreshed takes that new token rather than
    // refreshing a second time.
    if refresh_now && refreshed_meanwhile && !live_lease && valid {
        return Step::Serve;
    }
    // Another server is refreshing (or died while refreshing, holding the lease until it runs
    // out): a token still good for a while is served rather than waited on, to a request or the
    // background pass. Refresh now waits for the new one.
    if live_lease && !refresh_now && valid && expires_at > now.saturating_add(STILL_USEFUL_MS) {
        return Step::Serve;
    }
    if backoff && !refresh_now {
        // The provider failed moments ago: no new call until the backoff ends.
        return if valid {
            Step::Serve
        } else {
            Step::Refuse(TokenError::Provider(ProviderError::Unavailable(
                row.last_error.clone(),
            )))
        };
    }
    Step::Refresh(RowFacts {
        valid,
        live_lease,
        backoff,
        refresh_now,
    })
}

impl ServerServices {
    /// A token fresh for at least `margin_ms`, refreshing it (once, whoever asks) when needed.
    pub async fn fresh_token(
        &self,
        token_id: TokenId,
        margin_ms: i64,
    ) -> Result<FreshToken, TokenError> {
        let lock = self.refresh_locks.of(token_id);
        let deadline = now_millis() + self.lease_millis() + 2_000;
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
            let refreshed_meanwhile = *first_version.get_or_insert(row.version) < row.version;
            let facts = match first_look(&row, now, margin_ms, refreshed_meanwhile) {
                Step::Serve => return self.open_token(&row),
                Step::Refuse(error) => return Err(error),
                Step::Refresh(facts) => facts,
            };
            if let Some(token) = self.refresh_unless_leased(row, facts, now).await? {
                return Ok(token);
            }
            if now > deadline {
                return Err(TokenError::Busy);
            }
            drop(held);
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// Refreshes the token when this process gets the lease; `None` when another server holds
    /// it, so the caller waits for its new version.
    async fn refresh_unless_leased(
        &self,
        row: OAuthTokenRow,
        facts: RowFacts,
        now: i64,
    ) -> Result<Option<FreshToken>, TokenError> {
        let connection = self
            .store
            .find_oauth_connection(row.connection_id)
            .await?
            .ok_or(TokenError::NotConnected)?;
        let client_credentials = connection.grant_type == GrantType::ClientCredentials.as_str();
        if !client_credentials && row.refresh_token.is_none() {
            if facts.valid {
                return self.open_token(&row).map(Some);
            }
            let reason = "the access token expired and the provider gave no refresh token";
            self.store
                .mark_needs_reconnect((row.id, row.version), reason, now)
                .await?;
            self.raise_token_alert(row.id, AlertEvent::NeedsReconnect, reason)
                .await;
            return Err(TokenError::NeedsReconnect(reason.into()));
        }
        if facts.live_lease && !facts.backoff {
            return Ok(None);
        }
        let lease_until = now + self.lease_millis();
        let acquired = self
            .store
            .acquire_refresh_lease(
                row.id,
                row.version,
                &self.instance_id,
                (now, lease_until),
                facts.backoff && facts.refresh_now,
            )
            .await?;
        if !acquired {
            return Ok(None);
        }
        self.refresh_with_lease(row, &connection, lease_until)
            .await
            .map(Some)
    }

    /// Long enough for every attempt of a refresh, with room for the store.
    fn lease_millis(&self) -> i64 {
        let timeout = i64::try_from(self.config.provider_timeout.as_millis()).unwrap_or(10_000);
        timeout * i64::from(REFRESH_ATTEMPTS) + 20_000
    }

    /// Calls the provider while holding the row's lease (until `lease_until`), and stores what
    /// it answered.
    async fn refresh_with_lease(
        &self,
        row: OAuthTokenRow,
        connection: &OAuthConnectionRow,
        lease_until: i64,
    ) -> Result<FreshToken, TokenError> {
        match self.call_provider_for(&row, connection, lease_until).await {
            Ok((grant, requested)) => self.store_refreshed(&row, grant, &requested).await,
            Err(error) => self.refresh_failed(&row, error).await,
        }
    }

    async fn store_refreshed(
        &self,
        row: &OAuthTokenRow,
        grant: TokenGrant,
        requested_scopes: &[String],
    ) -> Result<FreshToken, TokenError> {
        let now = now_millis();
        let tokens = granted(grant, requested_scopes, now);
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
            // A refresh that had been failing works again.
            Ok(true) if !row.last_error.is_empty() => {
                self.raise_token_alert(row.id, AlertEvent::Recovered, "")
                    .await;
            }
            Ok(true) => {}
            // The grant answered the request as the row was when it began; a row that moved on
            // meanwhile (another entity, a reconnect) keeps what it has now.
            Ok(false) => tracing::warn!(
                token = row.id.get(),
                "the token changed or the lease ran out before the new tokens were stored"
            ),
            Err(error) => {
                tracing::error!(token = row.id.get(), %error, "storing refreshed tokens failed");
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

    async fn refresh_failed(
        &self,
        row: &OAuthTokenRow,
        error: ProviderError,
    ) -> Result<FreshToken, TokenError> {
        let now = now_millis();
        // Only a refused grant needs the admin; anything else may pass by itself.
        let reconnect = matches!(error, ProviderError::InvalidGrant(_));
        tracing::warn!(token = row.id.get(), %error, "refreshing an OAuth token failed");
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
        let event = if reconnect {
            AlertEvent::NeedsReconnect
        } else {
            AlertEvent::RefreshFailed
        };
        self.raise_token_alert(row.id, event, &error.to_string())
            .await;
        if reconnect {
            return Err(TokenError::NeedsReconnect(error.to_string()));
        }
        // The stored token may still be valid for a while: better than nothing.
        if row.access_token.is_some() && row.expires_at.unwrap_or(0) > now {
            return self.open_token(row);
        }
        Err(TokenError::Provider(error))
    }

    /// A refresh (or, for client credentials, a new grant), retried with backoff while the
    /// provider is unavailable and the lease leaves time for another attempt.
    async fn call_provider_for(
        &self,
        row: &OAuthTokenRow,
        connection: &OAuthConnectionRow,
        lease_until: i64,
    ) -> Result<(TokenGrant, Vec<String>), ProviderError> {
        let settings = self.provider_settings(
            connection,
            &row.entity_id,
            &UrlValues::from_text(&row.url_values),
        )?;
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
                Err(error) => {
                    tracing::warn!(token = id.get(), %error, "background token refresh failed")
                }
            }
        }
        Ok(refreshed)
    }
}
