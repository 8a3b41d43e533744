//! Authorizations under way. A row is found by the hash of its `state` and deleted by the first
//! callback that presents it from the session that started it, so a state works once.

use app::domain::ids::{AdminId, ConnectionId, ConsentLinkId, IntegrationId, OrganizationId};
use secrecy::SecretString;
use sqlx::FromRow;

use super::secrets::EncryptedColumn;
use super::{Store, StoreError};
use crate::crypto::{Keyring, SecretIdentity};

pub const OAUTH_STATES_TABLE: &str = "oauth_states";
pub const PKCE_VERIFIER_COLUMN: &str = "pkce_verifier";

const PKCE_VERIFIERS: EncryptedColumn =
    EncryptedColumn::new(OAUTH_STATES_TABLE, PKCE_VERIFIER_COLUMN);

pub fn verifier_identity(id: i64) -> SecretIdentity<'static> {
    PKCE_VERIFIERS.identity(id)
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct OAuthStateRow {
    pub id: i64,
    /// `None` for an authorization a customer started from a consent link.
    pub admin_id: Option<AdminId>,
    pub consent_link_id: Option<ConsentLinkId>,
    pub connection_id: ConnectionId,
    pub integration_id: IntegrationId,
    pub organization_id: Option<OrganizationId>,
    pub entity_id: String,
    /// The values of the connection's `{field}` placeholders, as JSON text (`oauth::url_values`).
    pub url_values: String,
    /// Sealed.
    pub pkce_verifier: Option<String>,
    pub return_to: String,
    pub created_at: i64,
    pub expires_at: i64,
}

/// A new authorization's record.
#[derive(Debug, Clone)]
pub struct NewOAuthState {
    pub state_hash: String,
    /// The hash of the admin's session, or of the consent cookie's secret in the customer's
    /// browser: the callback must come from the same browser.
    pub session_hash: String,
    pub admin_id: Option<AdminId>,
    pub consent_link_id: Option<ConsentLinkId>,
    pub connection_id: ConnectionId,
    pub integration_id: IntegrationId,
    pub organization_id: Option<OrganizationId>,
    pub entity_id: String,
    pub url_values: String,
    pub pkce_verifier: Option<SecretString>,
    pub return_to: String,
    pub expires_at: i64,
}

/// What presenting a state found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateLookup {
    /// Consumed: it can never be used again.
    Found(OAuthStateRow),
    /// It exists but was started by another session; it stays usable for that session.
    OtherSession,
    /// Unknown, or already used.
    Unknown,
}

const COLUMNS: &str =
    "id, admin_id, consent_link_id, connection_id, integration_id, organization_id, entity_id, \
     url_values, pkce_verifier, return_to, created_at, expires_at";

impl Store {
    pub async fn insert_oauth_state(
        &self,
        keyring: &Keyring,
        state: &NewOAuthState,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut transaction = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO oauth_states (state_hash, session_hash, admin_id, connection_id, integration_id, \
             organization_id, entity_id, url_values, return_to, created_at, expires_at, consent_link_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(&state.state_hash)
        .bind(&state.session_hash)
        .bind(state.admin_id)
        .bind(state.connection_id)
        .bind(state.integration_id)
        .bind(state.organization_id)
        .bind(&state.entity_id)
        .bind(&state.url_values)
        .bind(&state.return_to)
        .bind(now)
        .bind(state.expires_at)
        .bind(state.consent_link_id)
        .fetch_one(&mut *transaction)
        .await?;
        if let Some(verifier) = &state.pkce_verifier {
            let sealed = PKCE_VERIFIERS.seal(keyring, id, verifier)?;
            sqlx::query("UPDATE oauth_states SET pkce_verifier = $1 WHERE id = $2")
                .bind(sealed)
                .bind(id)
                .execute(&mut *transaction)
                .await?;
        }
        transaction.commit().await?;
        Ok(())
    }

    /// Consumes the state if `session_hash` started it.
    pub async fn take_oauth_state(
        &self,
        state_hash: &str,
        session_hash: &str,
    ) -> Result<StateLookup, StoreError> {
        let sql = format!(
            "DELETE FROM oauth_states WHERE state_hash = $1 AND session_hash = $2 RETURNING {COLUMNS}"
        );
        let taken: Option<OAuthStateRow> = sqlx::query_as(&sql)
            .bind(state_hash)
            .bind(session_hash)
            .fetch_optional(&self.pool)
            .await?;
        if let Some(row) = taken {
            return Ok(StateLookup::Found(row));
        }
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT id FROM oauth_states WHERE state_hash = $1")
                .bind(state_hash)
                .fetch_optional(&self.pool)
                .await?;
        Ok(match exists {
            Some(_) => StateLookup::OtherSession,
            None => StateLookup::Unknown,
        })
    }

    /// Removes authorizations that expired before `now`; returns how many.
    pub async fn delete_expired_oauth_states(&self, now: i64) -> Result<u64, StoreError> {
        Ok(
            sqlx::query("DELETE FROM oauth_states WHERE expires_at < $1")
                .bind(now)
                .execute(&self.pool)
                .await?
                .rows_affected(),
        )
    }
}
