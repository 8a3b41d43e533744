//! Integration rows and their config schema fields.

use app::domain::ids::{ConnectionId, IntegrationId};
use serde_json::Value;
use sqlx::{AnyConnection, FromRow};

use super::audit::{name_removed, Actor, AuditRecord, Written};
use super::integration_links::ConnectionLink;
use super::{escape_like, Page, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct IntegrationRow {
    pub id: IntegrationId,
    pub name: String,
    pub description: String,
    pub entity_id_name: String,
    pub default_entity_id: String,
    pub oauth_connection_id: Option<ConnectionId>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

/// A row of the integrations list, with its counts.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct IntegrationListRow {
    pub id: IntegrationId,
    pub name: String,
    pub description: String,
    pub oauth_connection_name: Option<String>,
    /// The status of the connection's shared token, if it has one.
    pub oauth_token_status: Option<String>,
    pub mapped_organizations: i64,
    pub field_count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct FieldRow {
    pub id: i64,
    pub integration_id: IntegrationId,
    pub position: i64,
    pub field_key: String,
    pub field_type: String,
    #[sqlx(try_from = "super::Flag")]
    pub required: bool,
    pub description: String,
}

/// The integration's own columns, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegrationDetails {
    pub name: String,
    pub description: String,
    pub entity_id_name: String,
    pub default_entity_id: String,
}

/// A schema field as written; `id` is `None` for a new field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPlan {
    pub id: Option<i64>,
    pub key: String,
    pub field_type: &'static str,
    pub required: bool,
    pub description: String,
}

/// A stored value of one field, with the organization it belongs to (`None` for the default).
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct StoredFieldValue {
    pub organization_name: Option<String>,
    pub value: Option<String>,
}

pub(super) const COLUMNS: &str = "id, name, description, entity_id_name, default_entity_id, \
     oauth_connection_id, created_at, updated_at, version";
pub(super) const FIELD_COLUMNS: &str =
    "id, integration_id, position, field_key, field_type, required, description";

impl Store {
    /// Creates an integration with its fields; a name taken in any case is a `Conflict`.
    pub async fn create_integration(
        &self,
        details: &IntegrationDetails,
        fields: &[FieldPlan],
        audit: (&Actor, Value),
        now: i64,
    ) -> Result<IntegrationRow, StoreError> {
        self.create_integration_linked(details, fields, ConnectionLink::None, audit, now)
            .await
    }

    /// Updates details and schema in one transaction: removed fields go with their values,
    /// kept fields keep theirs (also when renamed). Only at `expected_version`: a save over a
    /// change made since is `Stale`. `None` if the integration does not exist.
    #[expect(
        clippy::too_many_arguments,
        reason = "one statement's columns, the audit entry and the time"
    )]
    pub async fn update_integration(
        &self,
        id: IntegrationId,
        expected_version: i64,
        details: &IntegrationDetails,
        fields: &[FieldPlan],
        removed_field_ids: &[i64],
        audit: (&Actor, Value),
        now: i64,
    ) -> Result<Option<IntegrationRow>, StoreError> {
        self.write_audited(now, async |connection| {
            let sql = format!(
                "UPDATE integrations SET name = $1, name_key = $2, description = $3, entity_id_name = $4, \
                 default_entity_id = $5, updated_at = $6, version = version + 1 \
                 WHERE id = $7 AND version = $8 RETURNING {COLUMNS}"
            );
            let Some(row) = sqlx::query_as::<_, IntegrationRow>(&sql)
                .bind(&details.name)
                .bind(details.name.to_lowercase())
                .bind(&details.description)
                .bind(&details.entity_id_name)
                .bind(&details.default_entity_id)
                .bind(now)
                .bind(id)
                .bind(expected_version)
                .fetch_optional(&mut *connection)
                .await?
            else {
                return match self.find_integration(id).await? {
                    Some(_) => Err(StoreError::Stale),
                    None => Ok(Written::unchanged(None)),
                };
            };
            for field_id in removed_field_ids {
                sqlx::query("DELETE FROM integration_fields WHERE id = $1 AND integration_id = $2")
                    .bind(field_id)
                    .bind(id)
                    .execute(&mut *connection)
                    .await?;
            }
            // Keys may swap between the fields being saved; park their keys on unique placeholders
            // first. Fields the draft does not know of (added meanwhile) keep theirs.
            for field_id in fields.iter().filter_map(|field| field.id) {
                sqlx::query(
                    "UPDATE integration_fields SET field_key = '~' || CAST(id AS TEXT) \
                     WHERE id = $1 AND integration_id = $2",
                )
                .bind(field_id)
                .bind(id)
                .execute(&mut *connection)
                .await?;
            }
            write_fields(&mut *connection, id, fields).await?;
            let record = integration_record(audit.0, "integration.update", &row, audit.1);
            Ok(Written::changed(Some(row), record))
        })
        .await
    }

    /// Deletes an integration with its fields, mappings and values. `None` if it does not exist.
    pub async fn delete_integration(
        &self,
        id: IntegrationId,
        actor: &Actor,
        now: i64,
    ) -> Result<Option<IntegrationRow>, StoreError> {
        let sql = format!("DELETE FROM integrations WHERE id = $1 RETURNING {COLUMNS}");
        self.delete_audited(now, &sql, id, |row: &IntegrationRow| {
            integration_record(actor, "integration.delete", row, name_removed(&row.name))
        })
        .await
    }

    /// Looks an integration up by name, in any case.
    pub async fn find_integration_by_name(
        &self,
        name: &str,
    ) -> Result<Option<IntegrationRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM integrations WHERE name_key = $1");
        self.optional_row(&sql, name.to_lowercase()).await
    }

    pub async fn find_integration(
        &self,
        id: IntegrationId,
    ) -> Result<Option<IntegrationRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM integrations WHERE id = $1");
        self.optional_row(&sql, id).await
    }

    /// The schema in its order.
    pub async fn integration_fields(
        &self,
        integration_id: IntegrationId,
    ) -> Result<Vec<FieldRow>, StoreError> {
        let sql = format!(
            "SELECT {FIELD_COLUMNS} FROM integration_fields WHERE integration_id = $1 ORDER BY position, id"
        );
        Ok(sqlx::query_as(&sql)
            .bind(integration_id)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Integrations whose name contains `search` (any case), by name, with their counts.
    pub async fn list_integrations(
        &self,
        search: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Page<IntegrationListRow>, StoreError> {
        let pattern = format!("%{}%", escape_like(&search.to_lowercase()));
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM integrations WHERE name_key LIKE $1 ESCAPE '\\'",
        )
        .bind(&pattern)
        .fetch_one(&self.pool)
        .await?;
        let items = sqlx::query_as(
            "SELECT i.id, i.name, i.description, c.name AS oauth_connection_name, t.status AS oauth_token_status, \
             (SELECT COUNT(*) FROM integration_mappings m WHERE m.integration_id = i.id) AS mapped_organizations, \
             (SELECT COUNT(*) FROM integration_fields f WHERE f.integration_id = i.id) AS field_count \
             FROM integrations i LEFT JOIN oauth_connections c ON c.id = i.oauth_connection_id \
             LEFT JOIN oauth_tokens t ON t.connection_id = c.id AND t.organization_id IS NULL \
             WHERE i.name_key LIKE $1 ESCAPE '\\' ORDER BY i.name_key LIMIT $2 OFFSET $3",
        )
        .bind(&pattern)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        Ok(Page { items, total })
    }

    /// Links the integration to an OAuth connection, or unlinks it (`None`). `None` if the
    /// integration does not exist.
    pub async fn link_oauth_connection(
        &self,
        integration_id: IntegrationId,
        connection_id: Option<ConnectionId>,
        audit: (&Actor, Value),
        now: i64,
    ) -> Result<Option<IntegrationRow>, StoreError> {
        self.write_audited(now, async |connection| {
            let sql = format!(
                "UPDATE integrations SET oauth_connection_id = $1, updated_at = $2, version = version + 1 \
                 WHERE id = $3 RETURNING {COLUMNS}"
            );
            let Some(row) = sqlx::query_as::<_, IntegrationRow>(&sql)
                .bind(connection_id)
                .bind(now)
                .bind(integration_id)
                .fetch_optional(&mut *connection)
                .await?
            else {
                return Ok(Written::unchanged(None));
            };
            let record = integration_record(audit.0, "integration.oauth_link", &row, audit.1);
            Ok(Written::changed(Some(row), record))
        })
        .await
    }

    pub async fn count_mappings(&self, integration_id: IntegrationId) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM integration_mappings WHERE integration_id = $1",
        )
        .bind(integration_id)
        .fetch_one(&self.pool)
        .await?)
    }

    /// How many mappings and stored values an integration has.
    pub async fn integration_counts(
        &self,
        integration_id: IntegrationId,
    ) -> Result<(i64, i64), StoreError> {
        let mappings = self.count_mappings(integration_id).await?;
        let values: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM config_values WHERE integration_id = $1")
                .bind(integration_id)
                .fetch_one(&self.pool)
                .await?;
        Ok((mappings, values))
    }

    /// Every stored value of a field (secrets as `None`), defaults first.
    pub async fn stored_values_of_field(
        &self,
        field_id: i64,
    ) -> Result<Vec<StoredFieldValue>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT o.name AS organization_name, v.value FROM config_values v \
             LEFT JOIN integration_mappings m ON m.id = v.mapping_id \
             LEFT JOIN organizations o ON o.id = m.organization_id \
             WHERE v.field_id = $1 ORDER BY v.mapping_id IS NOT NULL, o.name_key",
        )
        .bind(field_id)
        .fetch_all(&self.pool)
        .await?)
    }
}

pub(super) async fn write_fields(
    connection: &mut AnyConnection,
    integration_id: IntegrationId,
    fields: &[FieldPlan],
) -> Result<(), StoreError> {
    for (position, field) in fields.iter().enumerate() {
        let position = i64::try_from(position).unwrap_or(i64::MAX);
        let query = match field.id {
            Some(id) => sqlx::query(
                "UPDATE integration_fields SET position = $1, field_key = $2, field_type = $3, \
                 required = $4, description = $5 WHERE id = $6 AND integration_id = $7",
            )
            .bind(position)
            .bind(&field.key)
            .bind(field.field_type)
            .bind(i64::from(field.required))
            .bind(&field.description)
            .bind(id)
            .bind(integration_id),
            None => sqlx::query(
                "INSERT INTO integration_fields (position, field_key, field_type, required, description, \
                 integration_id) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(position)
            .bind(&field.key)
            .bind(field.field_type)
            .bind(i64::from(field.required))
            .bind(&field.description)
            .bind(integration_id),
        };
        query.execute(&mut *connection).await?;
    }
    Ok(())
}

pub(super) fn integration_record<'a>(
    actor: &'a Actor,
    action: &'static str,
    row: &IntegrationRow,
    changes: Value,
) -> AuditRecord<'a> {
    AuditRecord::new(actor, action, ("integration", row.id, &row.name), changes)
}
