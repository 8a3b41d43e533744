//! Changes to mappings, each with its audit entry in the same transaction: create, update,
//! delete, one column at a time, and the CSV import (every row or none).

use app::domain::ids::{IntegrationId, MappingId};
use sqlx::AnyConnection;

use super::{
    mapping_in, MappingAudit, MappingColumn, MappingDetails, MappingImport, MappingRow,
    SELECT_MAPPINGS,
};
use crate::crypto::Keyring;
use crate::store::audit::{insert_audit, Actor, AuditRecord, Written};
use crate::store::config_values::{apply_value_writes, FieldWrite};
use crate::store::{Store, StoreError};

fn mapping_record<'a>(
    audit: &MappingAudit<'a>,
    action: &'static str,
    mapping_id: MappingId,
    organization_name: &str,
) -> AuditRecord<'a> {
    let label = format!("{} / {organization_name}", audit.integration_name);
    AuditRecord::new(
        audit.actor,
        action,
        ("mapping", mapping_id, &label),
        audit.changes.clone(),
    )
}

/// A mapping just inserted or updated, whose overrides and audit entry are still to write.
struct MappingChange<'a> {
    keyring: &'a Keyring,
    mapping_id: MappingId,
    details: &'a MappingDetails,
    overrides: &'a [FieldWrite],
    action: &'static str,
}

/// Writes the mapping's overrides; returns the mapping as it is now and its audit entry.
async fn write_overrides<'a>(
    connection: &mut AnyConnection,
    change: MappingChange<'_>,
    audit: &MappingAudit<'a>,
    now: i64,
) -> Result<Written<'a, MappingRow>, StoreError> {
    let MappingChange {
        keyring,
        mapping_id,
        details,
        overrides,
        action,
    } = change;
    apply_value_writes(
        connection,
        keyring,
        details.integration_id,
        Some(mapping_id),
        overrides,
        now,
    )
    .await?;
    let sql = format!("{SELECT_MAPPINGS} WHERE m.id = $1");
    let row: MappingRow = sqlx::query_as(&sql)
        .bind(mapping_id)
        .fetch_one(&mut *connection)
        .await?;
    let record = mapping_record(audit, action, mapping_id, &row.organization_name);
    Ok(Written::changed(row, record))
}

async fn insert_mapping_row(
    connection: &mut AnyConnection,
    details: &MappingDetails,
    now: i64,
) -> Result<MappingId, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO integration_mappings (integration_id, organization_id, entity_id, entity_name, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(details.integration_id)
    .bind(details.organization_id)
    .bind(&details.entity_id)
    .bind(&details.entity_name)
    .bind(now)
    .fetch_one(&mut *connection)
    .await?)
}

/// Whether the mapping existed (in that integration) and was updated.
async fn update_mapping_row(
    connection: &mut AnyConnection,
    mapping_id: MappingId,
    details: &MappingDetails,
    now: i64,
) -> Result<bool, StoreError> {
    let updated = sqlx::query(
        "UPDATE integration_mappings SET entity_id = $1, entity_name = $2, updated_at = $3 \
         WHERE id = $4 AND integration_id = $5",
    )
    .bind(&details.entity_id)
    .bind(&details.entity_name)
    .bind(now)
    .bind(mapping_id)
    .bind(details.integration_id)
    .execute(&mut *connection)
    .await?;
    Ok(updated.rows_affected() == 1)
}

impl Store {
    /// Writes every imported mapping in one transaction: all of them or none.
    pub async fn import_mappings(
        &self,
        keyring: &Keyring,
        imports: &[MappingImport],
        actor: &Actor,
        integration_name: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut transaction = self.begin_write().await?;
        for import in imports {
            let (mapping_id, action) = match import.mapping_id {
                Some(id) => {
                    if !update_mapping_row(&mut transaction, id, &import.details, now).await? {
                        return Err(StoreError::Conflict(
                            "mapping deleted during the import".into(),
                        ));
                    }
                    (id, "mapping.update")
                }
                None => (
                    insert_mapping_row(&mut transaction, &import.details, now).await?,
                    "mapping.create",
                ),
            };
            let change = MappingChange {
                keyring,
                mapping_id,
                details: &import.details,
                overrides: &import.overrides,
                action,
            };
            let audit = MappingAudit {
                actor,
                integration_name,
                changes: import.changes.clone(),
            };
            // Many mappings, one entry each, in one transaction.
            let written = write_overrides(&mut transaction, change, &audit, now).await?;
            if let Some(record) = &written.audit {
                insert_audit(&mut transaction, record, now).await?;
            }
        }
        transaction.commit().await?;
        Ok(())
    }

    /// Creates a mapping with its overrides; a second mapping of the same organization is a
    /// `Conflict`.
    pub async fn create_mapping(
        &self,
        keyring: &Keyring,
        details: &MappingDetails,
        overrides: &[FieldWrite],
        audit: MappingAudit<'_>,
        now: i64,
    ) -> Result<MappingRow, StoreError> {
        self.write_audited(now, async |connection| {
            let id = insert_mapping_row(&mut *connection, details, now).await?;
            let change = MappingChange {
                keyring,
                mapping_id: id,
                details,
                overrides,
                action: "mapping.create",
            };
            write_overrides(connection, change, &audit, now).await
        })
        .await
    }

    /// Updates a mapping's entity and overrides. `None` if it does not exist.
    pub async fn update_mapping(
        &self,
        keyring: &Keyring,
        mapping_id: MappingId,
        details: &MappingDetails,
        overrides: &[FieldWrite],
        audit: MappingAudit<'_>,
        now: i64,
    ) -> Result<Option<MappingRow>, StoreError> {
        self.write_audited(now, async |connection| {
            if !update_mapping_row(&mut *connection, mapping_id, details, now).await? {
                return Ok(Written::unchanged(None));
            }
            let change = MappingChange {
                keyring,
                mapping_id,
                details,
                overrides,
                action: "mapping.update",
            };
            let written = write_overrides(connection, change, &audit, now).await?;
            Ok(Written {
                value: Some(written.value),
                audit: written.audit,
            })
        })
        .await
    }

    /// Deletes a mapping with its overrides. `None` if it does not exist.
    pub async fn delete_mapping(
        &self,
        integration_id: IntegrationId,
        mapping_id: MappingId,
        audit: MappingAudit<'_>,
        now: i64,
    ) -> Result<Option<MappingRow>, StoreError> {
        self.write_audited(now, async |connection| {
            let Some(row) = mapping_in(&mut *connection, integration_id, mapping_id).await? else {
                return Ok(Written::unchanged(None));
            };
            sqlx::query("DELETE FROM integration_mappings WHERE id = $1")
                .bind(mapping_id)
                .execute(&mut *connection)
                .await?;
            let record =
                mapping_record(&audit, "mapping.delete", mapping_id, &row.organization_name);
            Ok(Written::changed(Some(row), record))
        })
        .await
    }

    /// Changes one column of a mapping (its token link, or its entity ID) with an audit entry.
    pub async fn set_mapping_column(
        &self,
        mapping: &MappingRow,
        audit: MappingAudit<'_>,
        change: MappingColumn<'_>,
        now: i64,
    ) -> Result<(), StoreError> {
        // Only over the mapping as it was read: the token was chosen for its organization and
        // entity, the adopted entity ID for the token it linked.
        let (query, action) = match change {
            MappingColumn::OAuthToken(token_id) => (
                sqlx::query(
                    "UPDATE integration_mappings SET oauth_token_id = $1, updated_at = $2 WHERE id = $3 \
                     AND organization_id = $4 AND entity_id = $5",
                )
                .bind(token_id),
                "mapping.link_token",
            ),
            MappingColumn::EntityId(entity_id) => (
                sqlx::query(
                    "UPDATE integration_mappings SET entity_id = $1, updated_at = $2 WHERE id = $3 \
                     AND organization_id = $4 AND entity_id = $5 AND oauth_token_id = $6",
                )
                .bind(entity_id),
                "mapping.update",
            ),
        };
        let query = query
            .bind(now)
            .bind(mapping.id)
            .bind(mapping.organization_id)
            .bind(&mapping.entity_id);
        let query = match change {
            MappingColumn::EntityId(_) => query.bind(mapping.oauth_token_id),
            MappingColumn::OAuthToken(_) => query,
        };
        self.write_audited(now, async |connection| {
            let updated = query.execute(&mut *connection).await?;
            if updated.rows_affected() == 0 {
                return Err(StoreError::Stale);
            }
            let record = mapping_record(&audit, action, mapping.id, &mapping.organization_name);
            Ok(Written::changed((), record))
        })
        .await
    }
}
