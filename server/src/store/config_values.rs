//! Config values: the defaults (no mapping) and organizations' overrides (a mapping).
//! Secret values are sealed by the crypto module with the row's identity; no plaintext secret
//! is ever bound to a statement.

use app::domain::ids::{IntegrationId, MappingId};
use secrecy::{ExposeSecret, SecretString};
use sqlx::{AnyConnection, FromRow};

use super::{Store, StoreError};
use crate::crypto::{Keyring, SecretIdentity};

pub const CONFIG_VALUES_TABLE: &str = "config_values";
pub const SECRET_COLUMN: &str = "secret_value";

/// The identity a secret config value is sealed with.
pub fn secret_identity(row_id: i64) -> SecretIdentity<'static> {
    SecretIdentity {
        table: CONFIG_VALUES_TABLE,
        id: row_id,
        column: SECRET_COLUMN,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct ValueRow {
    pub id: i64,
    pub field_id: i64,
    pub mapping_id: Option<MappingId>,
    pub value: Option<String>,
    /// Sealed; open it with `Keyring::decrypt` and `secret_identity(id)`.
    pub secret_value: Option<String>,
}

/// What to write for one field.
#[derive(Debug, Clone)]
pub enum ValueWrite {
    Plain(String),
    Secret(SecretString),
    Remove,
}

#[derive(Debug, Clone)]
pub struct FieldWrite {
    pub field_id: i64,
    /// The field's type the value was checked against.
    pub field_type: String,
    pub write: ValueWrite,
}

const COLUMNS: &str = "id, field_id, mapping_id, value, secret_value";

impl Store {
    /// The defaults (`mapping_id` `None`) or one mapping's overrides.
    pub async fn config_values(
        &self,
        integration_id: IntegrationId,
        mapping_id: Option<MappingId>,
    ) -> Result<Vec<ValueRow>, StoreError> {
        let rows = match mapping_id {
            None => {
                let sql = format!(
                    "SELECT {COLUMNS} FROM config_values WHERE integration_id = $1 AND mapping_id IS NULL"
                );
                sqlx::query_as(&sql)
                    .bind(integration_id)
                    .fetch_all(&self.pool)
                    .await?
            }
            Some(mapping_id) => {
                let sql = format!(
                    "SELECT {COLUMNS} FROM config_values WHERE integration_id = $1 AND mapping_id = $2"
                );
                sqlx::query_as(&sql)
                    .bind(integration_id)
                    .bind(mapping_id)
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        Ok(rows)
    }

    /// The fields overridden by each of the given mappings, as `(mapping_id, field_id)`.
    pub async fn overridden_fields(
        &self,
        integration_id: IntegrationId,
        mapping_ids: &[MappingId],
    ) -> Result<Vec<(MappingId, i64)>, StoreError> {
        if mapping_ids.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders = (0..mapping_ids.len())
            .map(|index| format!("${}", index + 2))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT mapping_id, field_id FROM config_values WHERE integration_id = $1 AND mapping_id IN ({placeholders})"
        );
        let mut query = sqlx::query_as::<_, (MappingId, i64)>(&sql).bind(integration_id);
        for id in mapping_ids {
            query = query.bind(id);
        }
        Ok(query.fetch_all(&self.pool).await?)
    }
}

/// Where values are written: an integration's defaults (`mapping_id` `None`) or one mapping's
/// overrides.
#[derive(Debug, Clone, Copy)]
struct ValueScope {
    integration_id: IntegrationId,
    mapping_id: Option<MappingId>,
}

/// Applies writes to the defaults (`mapping_id` `None`) or a mapping's overrides, inside the
/// caller's transaction.
pub(super) async fn apply_value_writes(
    connection: &mut AnyConnection,
    keyring: &Keyring,
    integration_id: IntegrationId,
    mapping_id: Option<MappingId>,
    writes: &[FieldWrite],
    now: i64,
) -> Result<(), StoreError> {
    if writes.is_empty() {
        return Ok(());
    }
    claim_schema(connection, integration_id, writes, now).await?;
    let scope = ValueScope {
        integration_id,
        mapping_id,
    };
    for write in writes {
        apply_value_write(connection, keyring, scope, write, now).await?;
    }
    Ok(())
}

/// Makes sure the writes still fit the schema, and that it stays so until the transaction ends.
async fn claim_schema(
    connection: &mut AnyConnection,
    integration_id: IntegrationId,
    writes: &[FieldWrite],
    now: i64,
) -> Result<(), StoreError> {
    // The values were checked against the schema as it was read. Moving the integration's
    // version first takes its row (a schema save waits, or has already moved it, on PostgreSQL)
    // and makes a schema save planned over the old values stale; then every field must still
    // have the type its value was checked against.
    sqlx::query("UPDATE integrations SET version = version + 1, updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(integration_id)
        .execute(&mut *connection)
        .await?;
    for write in writes {
        let field_type: Option<String> = sqlx::query_scalar(
            "SELECT field_type FROM integration_fields WHERE id = $1 AND integration_id = $2",
        )
        .bind(write.field_id)
        .bind(integration_id)
        .fetch_optional(&mut *connection)
        .await?;
        if field_type.as_deref() != Some(write.field_type.as_str()) {
            return Err(StoreError::Stale);
        }
    }
    Ok(())
}

/// Writes one field's value: removes, updates or inserts its row.
async fn apply_value_write(
    connection: &mut AnyConnection,
    keyring: &Keyring,
    scope: ValueScope,
    write: &FieldWrite,
    now: i64,
) -> Result<(), StoreError> {
    let existing = existing_value_id(connection, write.field_id, scope.mapping_id).await?;
    match (&write.write, existing) {
        (ValueWrite::Remove, Some(id)) => {
            sqlx::query("DELETE FROM config_values WHERE id = $1")
                .bind(id)
                .execute(&mut *connection)
                .await?;
        }
        (ValueWrite::Remove, None) => {}
        (ValueWrite::Plain(text), Some(id)) => {
            sqlx::query(
                "UPDATE config_values SET value = $1, secret_value = NULL, updated_at = $2 WHERE id = $3",
            )
            .bind(text)
            .bind(now)
            .bind(id)
            .execute(&mut *connection)
            .await?;
        }
        (ValueWrite::Plain(text), None) => {
            insert_value(connection, scope, write.field_id, Some(text), now).await?;
        }
        (ValueWrite::Secret(secret), existing) => {
            let id = match existing {
                Some(id) => id,
                None => insert_value(connection, scope, write.field_id, None, now).await?,
            };
            seal_secret(connection, keyring, id, secret, now).await?;
        }
    }
    Ok(())
}

/// Seals a secret with its row's identity and stores it in that row.
async fn seal_secret(
    connection: &mut AnyConnection,
    keyring: &Keyring,
    id: i64,
    secret: &SecretString,
    now: i64,
) -> Result<(), StoreError> {
    let sealed = keyring.encrypt(secret_identity(id), secret.expose_secret())?;
    sqlx::query(
        "UPDATE config_values SET value = NULL, secret_value = $1, updated_at = $2 WHERE id = $3",
    )
    .bind(sealed)
    .bind(now)
    .bind(id)
    .execute(&mut *connection)
    .await?;
    Ok(())
}

async fn existing_value_id(
    connection: &mut AnyConnection,
    field_id: i64,
    mapping_id: Option<MappingId>,
) -> Result<Option<i64>, StoreError> {
    let id = match mapping_id {
        None => {
            sqlx::query_scalar(
                "SELECT id FROM config_values WHERE field_id = $1 AND mapping_id IS NULL",
            )
            .bind(field_id)
            .fetch_optional(&mut *connection)
            .await?
        }
        Some(mapping_id) => {
            sqlx::query_scalar(
                "SELECT id FROM config_values WHERE field_id = $1 AND mapping_id = $2",
            )
            .bind(field_id)
            .bind(mapping_id)
            .fetch_optional(&mut *connection)
            .await?
        }
    };
    Ok(id)
}

/// Inserts a row; with no plain value it holds an empty placeholder secret until the caller
/// seals the real one with the row's id, in the same transaction.
async fn insert_value(
    connection: &mut AnyConnection,
    scope: ValueScope,
    field_id: i64,
    plain: Option<&String>,
    now: i64,
) -> Result<i64, StoreError> {
    let placeholder: Option<&str> = if plain.is_some() { None } else { Some("") };
    let id = sqlx::query_scalar(
        "INSERT INTO config_values (integration_id, field_id, mapping_id, value, secret_value, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(scope.integration_id)
    .bind(field_id)
    .bind(scope.mapping_id)
    .bind(plain.cloned())
    .bind(placeholder.map(str::to_string))
    .bind(now)
    .fetch_one(&mut *connection)
    .await?;
    Ok(id)
}

impl Store {
    /// Saves the defaults of an integration, all or nothing, with its audit entry.
    pub async fn save_default_values(
        &self,
        keyring: &Keyring,
        integration_id: IntegrationId,
        writes: &[FieldWrite],
        audit: super::audit::AuditRecord<'_>,
        now: i64,
    ) -> Result<(), StoreError> {
        self.write_audited(now, async |connection| {
            apply_value_writes(connection, keyring, integration_id, None, writes, now).await?;
            Ok(super::audit::Written::changed((), audit))
        })
        .await
    }
}
