//! Every column that holds sealed secrets, for key rotation: one place to add a new one.

use super::config_values::{CONFIG_VALUES_TABLE, SECRET_COLUMN};
use super::oauth_connections::{CLIENT_SECRET_COLUMN, OAUTH_CONNECTIONS_TABLE};
use super::oauth_states::{OAUTH_STATES_TABLE, PKCE_VERIFIER_COLUMN};
use super::oauth_tokens::{ACCESS_TOKEN_COLUMN, OAUTH_TOKENS_TABLE, REFRESH_TOKEN_COLUMN};
use super::setup_code::{CODE_COLUMN, SETUP_CODE_TABLE};
use super::two_factor::{ADMINS_TABLE, TOTP_PENDING_COLUMN, TOTP_SECRET_COLUMN};
use super::{Store, StoreError};
use crate::crypto::SecretIdentity;

/// A column of sealed secrets whose row id is the `id` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncryptedColumn {
    pub table: &'static str,
    pub column: &'static str,
}

impl EncryptedColumn {
    pub fn identity(&self, id: i64) -> SecretIdentity<'static> {
        SecretIdentity {
            table: self.table,
            id,
            column: self.column,
        }
    }
}

pub const ENCRYPTED_COLUMNS: [EncryptedColumn; 8] = [
    EncryptedColumn {
        table: CONFIG_VALUES_TABLE,
        column: SECRET_COLUMN,
    },
    EncryptedColumn {
        table: OAUTH_CONNECTIONS_TABLE,
        column: CLIENT_SECRET_COLUMN,
    },
    EncryptedColumn {
        table: OAUTH_TOKENS_TABLE,
        column: ACCESS_TOKEN_COLUMN,
    },
    EncryptedColumn {
        table: OAUTH_TOKENS_TABLE,
        column: REFRESH_TOKEN_COLUMN,
    },
    EncryptedColumn {
        table: OAUTH_STATES_TABLE,
        column: PKCE_VERIFIER_COLUMN,
    },
    EncryptedColumn {
        table: SETUP_CODE_TABLE,
        column: CODE_COLUMN,
    },
    EncryptedColumn {
        table: ADMINS_TABLE,
        column: TOTP_SECRET_COLUMN,
    },
    EncryptedColumn {
        table: ADMINS_TABLE,
        column: TOTP_PENDING_COLUMN,
    },
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
        Ok(sqlx::query_as(&sql)
            .bind(format!("v1.{key_id}.%"))
            .bind(after_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?)
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
        let result = sqlx::query(&sql)
            .bind(new)
            .bind(id)
            .bind(old)
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected() == 1)
    }
}
