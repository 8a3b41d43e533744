//! OAuth connection rows. The client secret is sealed with the row's identity, so it is written
//! after the row exists, in the same transaction.

use app::domain::ids::ConnectionId;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use sqlx::{AnyConnection, FromRow};

use super::audit::{name_removed, Actor, AuditRecord, Written};
use super::{Store, StoreError};
use crate::crypto::{Keyring, SecretIdentity};

pub const OAUTH_CONNECTIONS_TABLE: &str = "oauth_connections";
pub const CLIENT_SECRET_COLUMN: &str = "client_secret";

/// The identity a connection's client secret is sealed with.
pub fn client_secret_identity(id: ConnectionId) -> SecretIdentity<'static> {
    SecretIdentity {
        table: OAUTH_CONNECTIONS_TABLE,
        id: id.get(),
        column: CLIENT_SECRET_COLUMN,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct OAuthConnectionRow {
    pub id: ConnectionId,
    pub name: String,
    pub grant_type: String,
    pub authorization_url: String,
    pub token_url: String,
    pub client_id: String,
    /// Sealed.
    pub client_secret: Option<String>,
    pub scopes: String,
    #[sqlx(try_from = "super::Flag")]
    pub pkce: bool,
    pub extra_parameters: String,
    pub audience: String,
    pub revocation_url: String,
    pub entity_id_source: String,
    pub client_secret_expires_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

/// A connection's settings as written; the secret separately.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthConnectionFields {
    pub name: String,
    pub grant_type: &'static str,
    pub authorization_url: String,
    pub token_url: String,
    pub client_id: String,
    pub scopes: String,
    pub pkce: bool,
    pub extra_parameters: String,
    pub audience: String,
    pub revocation_url: String,
    pub entity_id_source: String,
    pub client_secret_expires_at: Option<i64>,
}

/// What to do with the stored client secret.
#[derive(Debug, Clone)]
pub enum SecretWrite {
    Keep,
    Set(SecretString),
    Clear,
}

/// Binds the settings as `$1`–`$13` in the order both statements list them (a macro, since
/// plain and scalar queries are different types).
macro_rules! bind_fields {
    ($query:expr, $fields:expr) => {
        $query
            .bind(&$fields.name)
            .bind($fields.name.to_lowercase())
            .bind($fields.grant_type)
            .bind(&$fields.authorization_url)
            .bind(&$fields.token_url)
            .bind(&$fields.client_id)
            .bind(&$fields.scopes)
            .bind(i64::from($fields.pkce))
            .bind(&$fields.extra_parameters)
            .bind(&$fields.audience)
            .bind(&$fields.revocation_url)
            .bind(&$fields.entity_id_source)
            .bind($fields.client_secret_expires_at)
    };
}

const COLUMNS: &str =
    "id, name, grant_type, authorization_url, token_url, client_id, client_secret, \
     scopes, pkce, extra_parameters, audience, revocation_url, entity_id_source, \
     client_secret_expires_at, created_at, updated_at, version";

pub(super) fn record<'a>(
    actor: &'a Actor,
    action: &'static str,
    row: &OAuthConnectionRow,
    changes: Value,
) -> AuditRecord<'a> {
    AuditRecord::new(
        actor,
        action,
        ("oauth connection", row.id, &row.name),
        changes,
    )
}

async fn write_secret(
    connection: &mut AnyConnection,
    keyring: &Keyring,
    id: ConnectionId,
    secret: &SecretWrite,
) -> Result<(), StoreError> {
    let sealed = match secret {
        SecretWrite::Keep => return Ok(()),
        SecretWrite::Clear => None,
        SecretWrite::Set(value) => {
            Some(keyring.encrypt(client_secret_identity(id), value.expose_secret())?)
        }
    };
    sqlx::query("UPDATE oauth_connections SET client_secret = $1 WHERE id = $2")
        .bind(sealed)
        .bind(id)
        .execute(&mut *connection)
        .await?;
    Ok(())
}

/// The audit action of a new connection.
pub(super) const CREATE_ACTION: &str = "oauth_connection.create";

/// Writes a new connection and its sealed secret (the caller records the audit entry).
pub(super) async fn insert_connection(
    connection: &mut AnyConnection,
    keyring: &Keyring,
    fields: &OAuthConnectionFields,
    secret: &SecretWrite,
    now: i64,
) -> Result<OAuthConnectionRow, StoreError> {
    let insert = sqlx::query_scalar(
        "INSERT INTO oauth_connections (name, name_key, grant_type, authorization_url, token_url, \
         client_id, scopes, pkce, extra_parameters, audience, revocation_url, entity_id_source, \
         client_secret_expires_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
    );
    let id: ConnectionId = bind_fields!(insert, fields)
        .bind(now)
        .fetch_one(&mut *connection)
        .await?;
    write_secret(&mut *connection, keyring, id, secret).await?;
    select_one(connection, id).await
}

impl Store {
    pub async fn create_oauth_connection(
        &self,
        keyring: &Keyring,
        fields: &OAuthConnectionFields,
        secret: &SecretWrite,
        audit: (&Actor, Value),
        now: i64,
    ) -> Result<OAuthConnectionRow, StoreError> {
        self.write_audited(now, async |connection| {
            let row = insert_connection(&mut *connection, keyring, fields, secret, now).await?;
            let record = record(audit.0, CREATE_ACTION, &row, audit.1);
            Ok(Written::changed(row, record))
        })
        .await
    }

    /// `None` if the connection does not exist.
    #[expect(
        clippy::too_many_arguments,
        reason = "one statement's columns, the audit entry and the time"
    )]
    pub async fn update_oauth_connection(
        &self,
        keyring: &Keyring,
        id: ConnectionId,
        expected_version: i64,
        fields: &OAuthConnectionFields,
        secret: &SecretWrite,
        tokens_moved: Option<&str>,
        audit: (&Actor, Value),
        now: i64,
    ) -> Result<Option<OAuthConnectionRow>, StoreError> {
        self.write_audited(now, async |connection| {
            let update = sqlx::query(
                "UPDATE oauth_connections SET name = $1, name_key = $2, grant_type = $3, authorization_url = $4, \
                 token_url = $5, client_id = $6, scopes = $7, pkce = $8, extra_parameters = $9, audience = $10, \
                 revocation_url = $11, entity_id_source = $12, client_secret_expires_at = $13, \
                 updated_at = $14, version = version + 1 WHERE id = $15 AND version = $16",
            );
            let updated = bind_fields!(update, fields)
                .bind(now)
                .bind(id)
                .bind(expected_version)
                .execute(&mut *connection)
                .await?;
            if updated.rows_affected() == 0 {
                return match self.find_oauth_connection(id).await? {
                    Some(_) => Err(StoreError::Stale),
                    None => Ok(Written::unchanged(None)),
                };
            }
            write_secret(&mut *connection, keyring, id, secret).await?;
            if let Some(reason) = tokens_moved {
                // The tokens were granted for the old host; neither they nor a lease may reach the new one.
                sqlx::query(
                    "UPDATE oauth_tokens SET status = 'needs_reconnect', last_error = $1, version = version + 1, \
                     lease_owner = NULL, lease_until = NULL, updated_at = $2 \
                     WHERE connection_id = $3 AND status <> 'disconnected'",
                )
                .bind(reason)
                .bind(now)
                .bind(id)
                .execute(&mut *connection)
                .await?;
            }
            let row = select_one(&mut *connection, id).await?;
            let record = record(audit.0, "oauth_connection.update", &row, audit.1);
            Ok(Written::changed(Some(row), record))
        })
        .await
    }

    /// `None` if the connection does not exist.
    pub async fn delete_oauth_connection(
        &self,
        id: ConnectionId,
        actor: &Actor,
        now: i64,
    ) -> Result<Option<OAuthConnectionRow>, StoreError> {
        let sql = format!("DELETE FROM oauth_connections WHERE id = $1 RETURNING {COLUMNS}");
        self.delete_audited(now, &sql, id, |row: &OAuthConnectionRow| {
            record(
                actor,
                "oauth_connection.delete",
                row,
                name_removed(&row.name),
            )
        })
        .await
    }

    pub async fn find_oauth_connection(
        &self,
        id: ConnectionId,
    ) -> Result<Option<OAuthConnectionRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM oauth_connections WHERE id = $1");
        self.optional_row(&sql, id).await
    }

    /// Every connection, by name (an MSP has a handful to a few dozen).
    pub async fn list_oauth_connections(&self) -> Result<Vec<OAuthConnectionRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM oauth_connections ORDER BY name_key");
        Ok(sqlx::query_as(&sql).fetch_all(&self.pool).await?)
    }
}

async fn select_one(
    connection: &mut AnyConnection,
    id: ConnectionId,
) -> Result<OAuthConnectionRow, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM oauth_connections WHERE id = $1");
    Ok(sqlx::query_as(&sql)
        .bind(id)
        .fetch_one(&mut *connection)
        .await?)
}
