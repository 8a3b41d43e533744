//! OAuth token rows: the shared token of a connection (`organization_id` NULL) and
//! organization-specific ones. Access and refresh tokens are sealed with the row's identity.
//! Refreshing takes a lease on the row first, so one server instance at a time calls the
//! provider; every token change bumps `version`.

use app::domain::ids::{ConnectionId, MappingId, OrganizationId, TokenId};
use secrecy::SecretString;
use serde_json::Value;
use sqlx::{AnyConnection, FromRow};

use super::audit::{Actor, AuditRecord, Written};
use super::secrets::EncryptedColumn;
use super::statement::{
    execute, fetch_all, fetch_one, fetch_optional, fetch_scalar, fetch_scalar_optional,
};
use super::{Store, StoreError};
use crate::crypto::{Keyring, SecretIdentity};

pub const OAUTH_TOKENS_TABLE: &str = "oauth_tokens";
pub const ACCESS_TOKEN_COLUMN: &str = "access_token";
pub const REFRESH_TOKEN_COLUMN: &str = "refresh_token";

pub const STATUS_CONNECTED: &str = "connected";
pub const STATUS_NEEDS_RECONNECT: &str = "needs_reconnect";
pub const STATUS_DISCONNECTED: &str = "disconnected";
/// The lease owner while refreshes pause after a provider failure.
pub const BACKOFF_OWNER: &str = "backoff";

const ACCESS_TOKENS: EncryptedColumn =
    EncryptedColumn::new(OAUTH_TOKENS_TABLE, ACCESS_TOKEN_COLUMN);
const REFRESH_TOKENS: EncryptedColumn =
    EncryptedColumn::new(OAUTH_TOKENS_TABLE, REFRESH_TOKEN_COLUMN);

pub fn token_identity(id: TokenId, column: &'static str) -> SecretIdentity<'static> {
    EncryptedColumn::new(OAUTH_TOKENS_TABLE, column).identity(id.get())
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct OAuthTokenRow {
    pub id: TokenId,
    pub connection_id: ConnectionId,
    pub organization_id: Option<OrganizationId>,
    pub entity_id: String,
    pub status: String,
    /// Sealed.
    pub access_token: Option<String>,
    /// Sealed.
    pub refresh_token: Option<String>,
    pub token_type: String,
    pub scopes: String,
    pub expires_at: Option<i64>,
    pub last_error: String,
    pub connected_by: String,
    pub connected_at: Option<i64>,
    pub refreshed_at: Option<i64>,
    pub lease_owner: Option<String>,
    pub lease_until: Option<i64>,
    pub version: i64,
    pub updated_at: i64,
    pub detected_entity_id: String,
    /// The values of the connection's `{field}` placeholders, as JSON text (`oauth::url_values`).
    pub url_values: String,
}

/// A token row joined with its organization's name, for the UI.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct OAuthTokenListRow {
    #[sqlx(flatten)]
    pub token: OAuthTokenRow,
    pub organization_name: Option<String>,
}

/// Freshly granted tokens, as the provider gave them.
#[derive(Debug, Clone)]
pub struct GrantedTokens {
    pub access_token: SecretString,
    /// `None` keeps the stored refresh token (providers that do not rotate).
    pub refresh_token: Option<SecretString>,
    pub token_type: String,
    pub scopes: String,
    pub expires_at: i64,
    /// The entity ID the provider reported on connecting (empty: none), for the admin to adopt.
    pub detected_entity_id: String,
}

/// Whose token a connect writes.
#[derive(Debug, Clone)]
pub struct TokenOwner {
    pub connection_id: ConnectionId,
    pub organization_id: Option<OrganizationId>,
    pub entity_id: String,
    /// JSON text, as on the token row.
    pub url_values: String,
}

pub(super) const COLUMNS: &str =
    "id, connection_id, organization_id, entity_id, status, access_token, \
     refresh_token, token_type, scopes, expires_at, last_error, connected_by, connected_at, \
     refreshed_at, lease_owner, lease_until, version, updated_at, detected_entity_id, url_values";

/// The granted tokens sealed for row `id`: the access token, and the refresh token if one came.
pub(super) fn seal_granted(
    keyring: &Keyring,
    id: TokenId,
    tokens: &GrantedTokens,
) -> Result<(String, Option<String>), StoreError> {
    let access = ACCESS_TOKENS.seal(keyring, id.get(), &tokens.access_token)?;
    let refresh = tokens
        .refresh_token
        .as_ref()
        .map(|token| REFRESH_TOKENS.seal(keyring, id.get(), token))
        .transpose()?;
    Ok((access, refresh))
}

async fn select_one(
    connection: &mut AnyConnection,
    id: TokenId,
) -> Result<OAuthTokenRow, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM oauth_tokens WHERE id = $1");
    fetch_one(&mut *connection, &sql, (id,)).await
}

/// The row of the owner's token, creating an empty one when there is none.
async fn token_id_for(
    connection: &mut AnyConnection,
    owner: &TokenOwner,
    now: i64,
) -> Result<TokenId, StoreError> {
    let sql = "SELECT id FROM oauth_tokens WHERE connection_id = $1 \
         AND COALESCE(organization_id, 0) = COALESCE($2, 0)";
    let key = (owner.connection_id, owner.organization_id);
    if let Some(id) = fetch_scalar_optional(&mut *connection, sql, key).await? {
        return Ok(id);
    }
    let sql = "INSERT INTO oauth_tokens (connection_id, organization_id, entity_id, url_values, status, expires_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'disconnected', 0, $5) RETURNING id";
    let params = (
        owner.connection_id,
        owner.organization_id,
        &owner.entity_id,
        &owner.url_values,
        now,
    );
    fetch_scalar(&mut *connection, sql, params).await
}

impl Store {
    pub async fn find_oauth_token(&self, id: TokenId) -> Result<Option<OAuthTokenRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM oauth_tokens WHERE id = $1");
        self.optional_row(&sql, id).await
    }

    /// The shared token (`None`) or an organization's token of a connection.
    pub async fn find_oauth_token_of(
        &self,
        connection_id: ConnectionId,
        organization_id: Option<OrganizationId>,
    ) -> Result<Option<OAuthTokenRow>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM oauth_tokens WHERE connection_id = $1 \
             AND COALESCE(organization_id, 0) = COALESCE($2, 0)"
        );
        fetch_optional(&self.pool, &sql, (connection_id, organization_id)).await
    }

    /// The tokens that would go with a connection or an organization (`connection_id` or
    /// `organization_id` matches), to revoke them at the provider once they are deleted.
    pub async fn oauth_tokens_held(
        &self,
        connection_id: Option<ConnectionId>,
        organization_id: Option<OrganizationId>,
    ) -> Result<Vec<OAuthTokenRow>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM oauth_tokens WHERE (connection_id = $1 OR organization_id = $2) \
             AND (access_token IS NOT NULL OR refresh_token IS NOT NULL) ORDER BY id"
        );
        let connection_id = connection_id.map_or(-1, ConnectionId::get);
        let organization_id = organization_id.map_or(-1, OrganizationId::get);
        fetch_all(&self.pool, &sql, (connection_id, organization_id)).await
    }

    /// How many mappings link the token.
    pub async fn mappings_linking_token(&self, token_id: TokenId) -> Result<i64, StoreError> {
        let sql = "SELECT COUNT(*) FROM integration_mappings WHERE oauth_token_id = $1";
        fetch_scalar(&self.pool, sql, (token_id,)).await
    }

    /// Records in the audit log what the provider answered to revoking a token.
    pub async fn audit_revocation(
        &self,
        actor: &Actor,
        row: &OAuthTokenRow,
        outcome: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let changes =
            serde_json::json!({ "revocation": super::audit::change(None, Some(outcome)) });
        self.append_audit(
            &token_record(actor, "oauth_token.revoke", row, changes),
            now,
        )
        .await
    }

    /// Every token of a connection with its organization's name, shared token first.
    pub async fn list_oauth_tokens(
        &self,
        connection_id: ConnectionId,
    ) -> Result<Vec<OAuthTokenListRow>, StoreError> {
        let columns = COLUMNS
            .split(", ")
            .map(|column| format!("t.{}", column.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {columns}, o.name AS organization_name FROM oauth_tokens t \
             LEFT JOIN organizations o ON o.id = t.organization_id \
             WHERE t.connection_id = $1 ORDER BY t.organization_id IS NOT NULL, o.name_key, t.id"
        );
        fetch_all(&self.pool, &sql, (connection_id,)).await
    }

    /// Stores tokens from a completed authorization (or a first client-credentials grant) as
    /// the owner's token, connected; links it to `mapping_id` when given.
    pub async fn save_connected_token(
        &self,
        keyring: &Keyring,
        owner: &TokenOwner,
        tokens: &GrantedTokens,
        mapping_id: Option<MappingId>,
        audit: Option<(&Actor, Value)>,
        now: i64,
    ) -> Result<OAuthTokenRow, StoreError> {
        self.write_audited(now, async |connection| {
            let id = token_id_for(&mut *connection, owner, now).await?;
            let (access, refresh) = seal_granted(keyring, id, tokens)?;
            let connected_by = audit.as_ref().map_or("", |(actor, _)| actor.label.as_str());
            let sql = "UPDATE oauth_tokens SET refresh_token = COALESCE($3, CASE WHEN entity_id = $1 AND url_values = $11 THEN refresh_token END), \
                 entity_id = $1, url_values = $11, status = 'connected', access_token = $2, token_type = $4, scopes = $5, expires_at = $6, last_error = '', \
                 connected_by = $7, connected_at = $8, refreshed_at = NULL, lease_owner = NULL, \
                 lease_until = NULL, version = version + 1, updated_at = $8, detected_entity_id = $10 WHERE id = $9";
            let params = (
                &owner.entity_id,
                access,
                refresh,
                &tokens.token_type,
                &tokens.scopes,
                tokens.expires_at,
                connected_by,
                now,
                id,
                &tokens.detected_entity_id,
                &owner.url_values,
            );
            execute(&mut *connection, sql, params).await?;
            if let Some(mapping_id) = mapping_id {
                // Linked only while the mapping is still the organization's, at the entity the
                // consent was asked for: a mapping moved to another tenant meanwhile stays unlinked.
                let sql = "UPDATE integration_mappings SET oauth_token_id = $1 WHERE id = $2 \
                     AND organization_id = $3 AND entity_id = $4";
                let params = (id, mapping_id, owner.organization_id, &owner.entity_id);
                execute(&mut *connection, sql, params).await?;
            }
            let row = select_one(&mut *connection, id).await?;
            let record = audit
                .map(|(actor, changes)| token_record(actor, "oauth_token.connect", &row, changes));
            Ok(Written {
                value: row,
                audit: record,
            })
        })
        .await
    }

    /// Deletes the token values and marks the row disconnected; returns the row as it was.
    pub async fn disconnect_oauth_token(
        &self,
        id: TokenId,
        actor: &Actor,
        now: i64,
    ) -> Result<Option<OAuthTokenRow>, StoreError> {
        self.write_audited(now, async |connection| {
            let sql = format!("SELECT {COLUMNS} FROM oauth_tokens WHERE id = $1");
            let Some(before) = fetch_optional(&mut *connection, &sql, (id,)).await? else {
                return Ok(Written::unchanged(None));
            };
            let sql = "UPDATE oauth_tokens SET status = 'disconnected', access_token = NULL, refresh_token = NULL, \
                 expires_at = 0, last_error = '', lease_owner = NULL, lease_until = NULL, \
                 version = version + 1, updated_at = $1 WHERE id = $2";
            execute(&mut *connection, sql, (now, id)).await?;
            let record = token_record(
                    actor,
                    "oauth_token.disconnect",
                    &before,
                    serde_json::json!({}),
                );
            Ok(Written::changed(Some(before), record))
        })
        .await
    }
}

fn token_record<'a>(
    actor: &'a Actor,
    action: &'static str,
    row: &OAuthTokenRow,
    changes: Value,
) -> AuditRecord<'a> {
    let label = match row.organization_id {
        Some(organization) => format!(
            "connection {} · organization {organization}",
            row.connection_id
        ),
        None => format!("connection {} · shared", row.connection_id),
    };
    AuditRecord::new(actor, action, ("oauth token", row.id, &label), changes)
}
