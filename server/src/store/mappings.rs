//! Mappings: one customer organization's entity in an integration's external system, with the
//! organization's config overrides.

use serde_json::Value;
use sqlx::{AnyConnection, FromRow};

use super::audit::{insert_audit, Actor, AuditRecord};
use super::config_values::{apply_value_writes, FieldWrite, ValueRow};
use super::{escape_like, Page, Store, StoreError};
use crate::crypto::Keyring;

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct MappingRow {
    pub id: i64,
    pub integration_id: i64,
    pub organization_id: i64,
    pub organization_name: String,
    pub entity_id: String,
    pub entity_name: String,
    pub override_count: i64,
    pub oauth_token_id: Option<i64>,
    pub oauth_token_status: Option<String>,
    pub detected_entity_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct OrganizationChoiceRow {
    pub id: i64,
    pub name: String,
}

/// A mapping's own columns, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingDetails {
    pub integration_id: i64,
    pub organization_id: i64,
    pub entity_id: String,
    pub entity_name: String,
}

const SELECT_MAPPINGS: &str =
    "SELECT m.id, m.integration_id, m.organization_id, o.name AS organization_name, \
     m.entity_id, m.entity_name, \
     (SELECT COUNT(*) FROM config_values v WHERE v.mapping_id = m.id) AS override_count, \
     m.oauth_token_id, t.status AS oauth_token_status, t.detected_entity_id \
     FROM integration_mappings m JOIN organizations o ON o.id = m.organization_id \
     LEFT JOIN oauth_tokens t ON t.id = m.oauth_token_id";

/// A single-column change to a mapping.
#[derive(Debug, Clone, Copy)]
pub enum MappingColumn<'a> {
    /// Link an organization-specific OAuth token, or unlink with `None`.
    OAuthToken(Option<i64>),
    /// Adopt an entity ID (the one the provider reported).
    EntityId(&'a str),
}

/// The audit entry of a change to a mapping.
pub struct MappingAudit<'a> {
    pub actor: &'a Actor,
    pub integration_name: &'a str,
    pub changes: Value,
}

fn mapping_record<'a>(
    audit: &MappingAudit<'a>,
    action: &'static str,
    mapping_id: i64,
    organization_name: &str,
) -> AuditRecord<'a> {
    AuditRecord {
        actor: audit.actor,
        action,
        object_type: "mapping",
        object_id: mapping_id.to_string(),
        object_label: format!("{} / {organization_name}", audit.integration_name),
        changes: audit.changes.clone(),
    }
}

/// A mapping just inserted or updated, whose overrides and audit entry are still to write.
struct MappingChange<'a> {
    keyring: &'a Keyring,
    mapping_id: i64,
    details: &'a MappingDetails,
    overrides: &'a [FieldWrite],
    action: &'static str,
}

async fn write_overrides_and_audit(
    connection: &mut AnyConnection,
    change: MappingChange<'_>,
    audit: &MappingAudit<'_>,
    now: i64,
) -> Result<MappingRow, StoreError> {
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
    insert_audit(connection, &record, now).await?;
    Ok(row)
}

async fn insert_mapping_row(
    connection: &mut AnyConnection,
    details: &MappingDetails,
    now: i64,
) -> Result<i64, StoreError> {
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
    mapping_id: i64,
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

/// One row of a bulk import: a new mapping (`mapping_id` `None`) or an update.
#[derive(Debug, Clone)]
pub struct MappingImport {
    pub mapping_id: Option<i64>,
    pub details: MappingDetails,
    pub overrides: Vec<FieldWrite>,
    pub changes: Value,
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
            write_overrides_and_audit(&mut transaction, change, &audit, now).await?;
        }
        transaction.commit().await?;
        Ok(())
    }

    /// Every override of an integration's mappings, for the CSV export.
    pub async fn all_overrides(&self, integration_id: i64) -> Result<Vec<ValueRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, field_id, mapping_id, value, secret_value FROM config_values \
             WHERE integration_id = $1 AND mapping_id IS NOT NULL",
        )
        .bind(integration_id)
        .fetch_all(&self.pool)
        .await?)
    }
}

impl Store {
    /// Mappings of an integration whose organization name or entity ID contains `search`.
    pub async fn list_mappings(
        &self,
        integration_id: i64,
        search: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Page<MappingRow>, StoreError> {
        let pattern = format!("%{}%", escape_like(&search.to_lowercase()));
        let filter = "m.integration_id = $1 AND (o.name_key LIKE $2 ESCAPE '\\' OR LOWER(m.entity_id) LIKE $2 ESCAPE '\\')";
        let total: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM integration_mappings m JOIN organizations o ON o.id = m.organization_id WHERE {filter}"
        ))
        .bind(integration_id)
        .bind(&pattern)
        .fetch_one(&self.pool)
        .await?;
        // The page's ids first, so the per-row override count runs for one page, not for every
        // match before the sort.
        let sql = format!(
            "{SELECT_MAPPINGS} WHERE m.id IN (SELECT m.id FROM integration_mappings m \
             JOIN organizations o ON o.id = m.organization_id WHERE {filter} \
             ORDER BY o.name_key, m.id LIMIT $3 OFFSET $4) ORDER BY o.name_key, m.id"
        );
        let items = sqlx::query_as(&sql)
            .bind(integration_id)
            .bind(&pattern)
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.pool)
            .await?;
        Ok(Page { items, total })
    }

    pub async fn find_mapping(
        &self,
        integration_id: i64,
        mapping_id: i64,
    ) -> Result<Option<MappingRow>, StoreError> {
        let sql = format!("{SELECT_MAPPINGS} WHERE m.integration_id = $1 AND m.id = $2");
        Ok(sqlx::query_as(&sql)
            .bind(integration_id)
            .bind(mapping_id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// The mapping of an organization in an integration, if it has one.
    pub async fn find_mapping_of_organization(
        &self,
        integration_id: i64,
        organization_id: i64,
    ) -> Result<Option<MappingRow>, StoreError> {
        let sql =
            format!("{SELECT_MAPPINGS} WHERE m.integration_id = $1 AND m.organization_id = $2");
        Ok(sqlx::query_as(&sql)
            .bind(integration_id)
            .bind(organization_id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Organizations without a mapping in this integration whose name contains `search`.
    pub async fn unmapped_organizations(
        &self,
        integration_id: i64,
        search: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Page<OrganizationChoiceRow>, StoreError> {
        let pattern = format!("%{}%", escape_like(&search.to_lowercase()));
        // The matching organizations less the mapped ones (an organization has at most one
        // mapping per integration): two index counts instead of a probe per organization.
        let total: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM organizations o WHERE o.name_key LIKE $2 ESCAPE '\\') \
             - (SELECT COUNT(*) FROM integration_mappings m JOIN organizations o ON o.id = m.organization_id \
             WHERE m.integration_id = $1 AND o.name_key LIKE $2 ESCAPE '\\')",
        )
        .bind(integration_id)
        .bind(&pattern)
        .fetch_one(&self.pool)
        .await?;
        if total <= offset {
            return Ok(Page {
                items: Vec::new(),
                total,
            });
        }
        let filter = "o.name_key LIKE $2 ESCAPE '\\' AND NOT EXISTS \
             (SELECT 1 FROM integration_mappings m WHERE m.integration_id = $1 AND m.organization_id = o.id)";
        let items = sqlx::query_as(&format!(
            "SELECT o.id, o.name FROM organizations o WHERE {filter} ORDER BY o.is_provider DESC, o.name_key LIMIT $3 OFFSET $4"
        ))
        .bind(integration_id)
        .bind(&pattern)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        Ok(Page { items, total })
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
        let mut transaction = self.begin_write().await?;
        let id = insert_mapping_row(&mut transaction, details, now).await?;
        let change = MappingChange {
            keyring,
            mapping_id: id,
            details,
            overrides,
            action: "mapping.create",
        };
        let row = write_overrides_and_audit(&mut transaction, change, &audit, now).await?;
        transaction.commit().await?;
        Ok(row)
    }

    /// Updates a mapping's entity and overrides. `None` if it does not exist.
    pub async fn update_mapping(
        &self,
        keyring: &Keyring,
        mapping_id: i64,
        details: &MappingDetails,
        overrides: &[FieldWrite],
        audit: MappingAudit<'_>,
        now: i64,
    ) -> Result<Option<MappingRow>, StoreError> {
        let mut transaction = self.begin_write().await?;
        if !update_mapping_row(&mut transaction, mapping_id, details, now).await? {
            return Ok(None);
        }
        let change = MappingChange {
            keyring,
            mapping_id,
            details,
            overrides,
            action: "mapping.update",
        };
        let row = write_overrides_and_audit(&mut transaction, change, &audit, now).await?;
        transaction.commit().await?;
        Ok(Some(row))
    }

    /// Deletes a mapping with its overrides. `None` if it does not exist.
    pub async fn delete_mapping(
        &self,
        integration_id: i64,
        mapping_id: i64,
        audit: MappingAudit<'_>,
        now: i64,
    ) -> Result<Option<MappingRow>, StoreError> {
        let mut transaction = self.begin_write().await?;
        let sql = format!("{SELECT_MAPPINGS} WHERE m.integration_id = $1 AND m.id = $2");
        let Some(row) = sqlx::query_as::<_, MappingRow>(&sql)
            .bind(integration_id)
            .bind(mapping_id)
            .fetch_optional(&mut *transaction)
            .await?
        else {
            return Ok(None);
        };
        sqlx::query("DELETE FROM integration_mappings WHERE id = $1")
            .bind(mapping_id)
            .execute(&mut *transaction)
            .await?;
        let record = mapping_record(&audit, "mapping.delete", mapping_id, &row.organization_name);
        insert_audit(&mut transaction, &record, now).await?;
        transaction.commit().await?;
        Ok(Some(row))
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
        let mut transaction = self.begin_write().await?;
        let updated = query.execute(&mut *transaction).await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::Stale);
        }
        let record = mapping_record(&audit, action, mapping.id, &mapping.organization_name);
        insert_audit(&mut transaction, &record, now).await?;
        transaction.commit().await?;
        Ok(())
    }

    /// How many mappings an organization has across all integrations.
    pub async fn mappings_of_organization(&self, organization_id: i64) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM integration_mappings WHERE organization_id = $1",
        )
        .bind(organization_id)
        .fetch_one(&self.pool)
        .await?)
    }
}
