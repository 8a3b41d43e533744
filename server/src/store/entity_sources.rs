//! Entity source rows: how an integration lists the external system's entities (one per
//! integration, removed with it).

use app::domain::ids::IntegrationId;
use serde_json::json;
use sqlx::FromRow;

use super::audit::{Actor, AuditRecord, Written};
use super::statement::fetch_optional;
use super::{Store, StoreError};

/// An entity source as stored; checked before it is written (`services::entity_source`).
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct EntitySourceRow {
    pub integration_id: IntegrationId,
    pub path: String,
    /// `oauth` or `header`.
    pub auth_kind: String,
    pub header_name: String,
    pub header_field: String,
    pub list_pointer: String,
    pub id_pointer: String,
    pub name_pointer: String,
    /// `single`, `next_link`, `link_header` or `page_parameter`.
    pub paging_kind: String,
    pub next_pointer: String,
    pub page_parameter: String,
    pub first_page: i64,
    pub max_pages: i64,
    pub cache_seconds: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "integration_id, path, auth_kind, header_name, header_field, list_pointer, \
     id_pointer, name_pointer, paging_kind, next_pointer, page_parameter, first_page, max_pages, \
     cache_seconds, updated_at";

/// The settings an audit entry shows (all of them: none is secret).
fn settings_json(row: &EntitySourceRow) -> serde_json::Value {
    json!({
        "path": row.path,
        "auth_kind": row.auth_kind,
        "header_name": row.header_name,
        "header_field": row.header_field,
        "list_pointer": row.list_pointer,
        "id_pointer": row.id_pointer,
        "name_pointer": row.name_pointer,
        "paging_kind": row.paging_kind,
        "next_pointer": row.next_pointer,
        "page_parameter": row.page_parameter,
        "first_page": row.first_page,
        "max_pages": row.max_pages,
        "cache_seconds": row.cache_seconds,
    })
}

impl Store {
    pub async fn entity_source(
        &self,
        integration_id: IntegrationId,
    ) -> Result<Option<EntitySourceRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM entity_sources WHERE integration_id = $1");
        fetch_optional(&self.pool, &sql, (integration_id,)).await
    }

    /// Writes the integration's entity source, replacing any, with an audit entry naming the
    /// integration (`integration_name`) and the settings before and after.
    pub async fn save_entity_source(
        &self,
        row: &EntitySourceRow,
        (actor, integration_name): (&Actor, &str),
        now: i64,
    ) -> Result<EntitySourceRow, StoreError> {
        self.write_audited(now, async |connection| {
            let select = format!("SELECT {COLUMNS} FROM entity_sources WHERE integration_id = $1");
            let before: Option<EntitySourceRow> =
                fetch_optional(&mut *connection, &select, (row.integration_id,)).await?;
            let upsert = format!(
                "INSERT INTO entity_sources ({COLUMNS}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
                 ON CONFLICT (integration_id) DO UPDATE SET path = $2, auth_kind = $3, \
                 header_name = $4, header_field = $5, list_pointer = $6, id_pointer = $7, \
                 name_pointer = $8, paging_kind = $9, next_pointer = $10, page_parameter = $11, \
                 first_page = $12, max_pages = $13, cache_seconds = $14, updated_at = $15 \
                 RETURNING {COLUMNS}"
            );
            let saved: EntitySourceRow = sqlx::query_as(&upsert)
                .bind(row.integration_id)
                .bind(&row.path)
                .bind(&row.auth_kind)
                .bind(&row.header_name)
                .bind(&row.header_field)
                .bind(&row.list_pointer)
                .bind(&row.id_pointer)
                .bind(&row.name_pointer)
                .bind(&row.paging_kind)
                .bind(&row.next_pointer)
                .bind(&row.page_parameter)
                .bind(row.first_page)
                .bind(row.max_pages)
                .bind(row.cache_seconds)
                .bind(now)
                .fetch_one(&mut *connection)
                .await?;
            let changes = json!({
                "before": before.as_ref().map(settings_json),
                "after": settings_json(&saved),
            });
            let record = AuditRecord::new(
                actor,
                "integration.entity_source.save",
                ("integration", row.integration_id, integration_name),
                changes,
            );
            Ok(Written::changed(saved, record))
        })
        .await
    }
}
