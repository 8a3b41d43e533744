//! Config values: the defaults (no mapping) and organizations' overrides (a mapping).
//! Secret values are sealed by the crypto module with the row's identity; no plaintext secret
//! is ever bound to a statement.

use app::domain::ids::{IntegrationId, MappingId};
use secrecy::SecretString;
use sqlx::{AnyConnection, FromRow};

use super::secrets::EncryptedColumn;
use super::statement::{execute, fetch_all, fetch_scalar, fetch_scalar_optional};
use super::{Store, StoreError};
use crate::crypto::{Keyring, SecretIdentity};

pub const CONFIG_VALUES_TABLE: &str = "config_values";
pub const SECRET_COLUMN: &str = "secret_value";
const SECRET_VALUES: EncryptedColumn = EncryptedColumn::new(CONFIG_VALUES_TABLE, SECRET_COLUMN);

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct ValueRow {
    pub id: i64,
    pub field_id: i64,
    pub mapping_id: Option<MappingId>,
    pub value: Option<String>,
    /// Sealed; open it with `Keyring::decrypt` and `secret_identity(id)`.
    pub secret_value: Option<String>,
}

/// The identity a secret config value is sealed with.
pub fn secret_identity(row_id: i64) -> SecretIdentity<'static> {
    SECRET_VALUES.identity(row_id)
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
        let scope = scope_condition(mapping_id);
        let sql =
            format!("SELECT {COLUMNS} FROM config_values WHERE integration_id = $1 AND {scope}");
        match mapping_id {
            None => fetch_all(&self.pool, &sql, (integration_id,)).await,
            Some(mapping_id) => fetch_all(&self.pool, &sql, (integration_id, mapping_id)).await,
        }
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

/// The condition, on a statement's `mapping_id` as `$2` (bound only for a mapping: PostgreSQL
/// refuses a parameter the statement does not use), that picks the defaults or one mapping's
/// overrides.
fn scope_condition(mapping_id: Option<MappingId>) -> &'static str {
    match mapping_id {
        None => "mapping_id IS NULL",
        Some(_) => "mapping_id = $2",
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
    let sql = "UPDATE integrations SET version = version + 1, updated_at = $1 WHERE id = $2";
    execute(&mut *connection, sql, (now, integration_id)).await?;
    for write in writes {
        let sql = "SELECT field_type FROM integration_fields WHERE id = $1 AND integration_id = $2";
        let key = (write.field_id, integration_id);
        let field_type: Option<String> = fetch_scalar_optional(&mut *connection, sql, key).await?;
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
            execute(
                &mut *connection,
                "DELETE FROM config_values WHERE id = $1",
                (id,),
            )
            .await?;
        }
        (ValueWrite::Remove, None) => {}
        (ValueWrite::Plain(text), Some(id)) => {
            let sql = "UPDATE config_values SET value = $1, secret_value = NULL, updated_at = $2 \
                 WHERE id = $3";
            execute(&mut *connection, sql, (text, now, id)).await?;
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
    let sealed = SECRET_VALUES.seal(keyring, id, secret)?;
    let sql =
        "UPDATE config_values SET value = NULL, secret_value = $1, updated_at = $2 WHERE id = $3";
    execute(&mut *connection, sql, (sealed, now, id)).await?;
    Ok(())
}

async fn existing_value_id(
    connection: &mut AnyConnection,
    field_id: i64,
    mapping_id: Option<MappingId>,
) -> Result<Option<i64>, StoreError> {
    let scope = scope_condition(mapping_id);
    let sql = format!("SELECT id FROM config_values WHERE field_id = $1 AND {scope}");
    match mapping_id {
        None => fetch_scalar_optional(connection, &sql, (field_id,)).await,
        Some(mapping_id) => fetch_scalar_optional(connection, &sql, (field_id, mapping_id)).await,
    }
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
    let sql = "INSERT INTO config_values (integration_id, field_id, mapping_id, value, secret_value, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
    let params = (
        scope.integration_id,
        field_id,
        scope.mapping_id,
        plain.cloned(),
        placeholder.map(str::to_string),
        now,
    );
    fetch_scalar(connection, sql, params).await
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
