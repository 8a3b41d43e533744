//! Every column that holds sealed secrets, for key rotation: one place to add a new one. Each
//! secret is sealed with its column and row id as its identity.

use super::alert_destinations::{
    ALERT_DESTINATIONS_TABLE, DESTINATION_SECRET_COLUMN, DESTINATION_URL_COLUMN,
};
use super::config_values::{CONFIG_VALUES_TABLE, SECRET_COLUMN};
use super::oauth_connections::{CLIENT_SECRET_COLUMN, OAUTH_CONNECTIONS_TABLE};
use super::oauth_states::{OAUTH_STATES_TABLE, PKCE_VERIFIER_COLUMN};
use super::oauth_tokens::{ACCESS_TOKEN_COLUMN, OAUTH_TOKENS_TABLE, REFRESH_TOKEN_COLUMN};
use super::setup_code::{CODE_COLUMN, SETUP_CODE_TABLE};
use super::statement::{execute, fetch_all};
use super::two_factor::{ADMINS_TABLE, TOTP_PENDING_COLUMN, TOTP_SECRET_COLUMN};
use super::{Store, StoreError};
use crate::crypto::{Keyring, SecretIdentity};
use secrecy::{ExposeSecret, SecretString};

/// A column of sealed secrets whose row id is the `id` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncryptedColumn {
    pub table: &'static str,
    pub column: &'static str,
}

impl EncryptedColumn {
    /// The column `column` of `table`.
    pub const fn new(table: &'static str, column: &'static str) -> EncryptedColumn {
        EncryptedColumn { table, column }
    }

    /// What row `id`'s secret in this column is sealed with.
    pub fn identity(&self, id: i64) -> SecretIdentity<'static> {
        SecretIdentity {
            table: self.table,
            id,
            column: self.column,
        }
    }

    /// `secret` sealed for row `id` of this column.
    pub(super) fn seal(
        &self,
        keyring: &Keyring,
        id: i64,
        secret: &SecretString,
    ) -> Result<String, StoreError> {
        Ok(keyring.encrypt(self.identity(id), secret.expose_secret())?)
    }
}

pub const ENCRYPTED_COLUMNS: [EncryptedColumn; 10] = [
    EncryptedColumn::new(CONFIG_VALUES_TABLE, SECRET_COLUMN),
    EncryptedColumn::new(OAUTH_CONNECTIONS_TABLE, CLIENT_SECRET_COLUMN),
    EncryptedColumn::new(OAUTH_TOKENS_TABLE, ACCESS_TOKEN_COLUMN),
    EncryptedColumn::new(OAUTH_TOKENS_TABLE, REFRESH_TOKEN_COLUMN),
    EncryptedColumn::new(OAUTH_STATES_TABLE, PKCE_VERIFIER_COLUMN),
    EncryptedColumn::new(SETUP_CODE_TABLE, CODE_COLUMN),
    EncryptedColumn::new(ADMINS_TABLE, TOTP_SECRET_COLUMN),
    EncryptedColumn::new(ADMINS_TABLE, TOTP_PENDING_COLUMN),
    EncryptedColumn::new(ALERT_DESTINATIONS_TABLE, DESTINATION_URL_COLUMN),
    EncryptedColumn::new(ALERT_DESTINATIONS_TABLE, DESTINATION_SECRET_COLUMN),
];

impl Store {
    /// Secrets in `column` not sealed with `key_id`, after row `after_id`, in id order.
    pub async fn secrets_to_reseal(
        &self,
        column: EncryptedColumn,
        key_id: &str,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        // Table and column names come from the constant list above; key ids are hex digits,
        // safe inside a LIKE pattern.
        let EncryptedColumn { table, column } = column;
        let sql = format!(
            "SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL AND {column} NOT LIKE $1 \
             AND id > $2 ORDER BY id LIMIT $3"
        );
        let params = (format!("v1.{key_id}.%"), after_id, limit);
        fetch_all(&self.pool, &sql, params).await
    }

    /// Replaces a sealed secret only if it is still `old`, so a value changed in the meantime is
    /// never overwritten. Returns whether it was replaced.
    pub async fn reseal_secret(
        &self,
        column: EncryptedColumn,
        id: i64,
        old: &str,
        new: &str,
    ) -> Result<bool, StoreError> {
        let EncryptedColumn { table, column } = column;
        let sql = format!("UPDATE {table} SET {column} = $1 WHERE id = $2 AND {column} = $3");
        Ok(execute(&self.pool, &sql, (new, id, old)).await? == 1)
    }
}
