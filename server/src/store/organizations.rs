//! Organization rows: the provider (the MSP) and its customers.

use app::domain::ids::OrganizationId;
use sqlx::FromRow;

use serde_json::json;

use super::audit::{change, Actor, AuditRecord, Written};
use super::statement::{fetch_one, fetch_optional};
use super::{contains_pattern, Page, Store, StoreError};

/// An organization as stored.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct OrganizationRow {
    pub id: OrganizationId,
    pub name: String,
    #[sqlx(try_from = "super::Flag")]
    pub is_provider: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

pub(super) const COLUMNS: &str = "id, name, is_provider, created_at, updated_at";

impl Store {
    /// Inserts an organization; a name already taken (in any case) is a `Conflict`.
    pub async fn insert_organization(
        &self,
        name: &str,
        is_provider: bool,
        now: i64,
    ) -> Result<OrganizationRow, StoreError> {
        let sql = format!(
            "INSERT INTO organizations (name, name_key, is_provider, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4) RETURNING {COLUMNS}"
        );
        let params = (name, name.to_lowercase(), i64::from(is_provider), now);
        fetch_one(&self.pool, &sql, params).await
    }

    /// Creates a customer organization and records it in the audit log.
    pub async fn create_organization(
        &self,
        name: &str,
        actor: &Actor,
        now: i64,
    ) -> Result<OrganizationRow, StoreError> {
        self.write_audited(now, async |connection| {
            let sql = format!(
                "INSERT INTO organizations (name, name_key, is_provider, created_at, updated_at) \
                 VALUES ($1, $2, 0, $3, $3) RETURNING {COLUMNS}"
            );
            let params = (name, name.to_lowercase(), now);
            let row: OrganizationRow = fetch_one(&mut *connection, &sql, params).await?;
            let changes = json!({ "name": change(None, Some(name)) });
            let record = organization_record(actor, "organization.create", &row, changes);
            Ok(Written::changed(row, record))
        })
        .await
    }

    /// Renames an organization; `None` if it does not exist.
    pub async fn rename_organization(
        &self,
        id: OrganizationId,
        name: &str,
        actor: &Actor,
        now: i64,
    ) -> Result<Option<OrganizationRow>, StoreError> {
        self.write_audited(now, async |connection| {
            let select = format!("SELECT {COLUMNS} FROM organizations WHERE id = $1");
            let before: Option<OrganizationRow> =
                fetch_optional(&mut *connection, &select, (id,)).await?;
            let Some(before) = before else {
                return Ok(Written::unchanged(None));
            };
            let update = format!(
                "UPDATE organizations SET name = $1, name_key = $2, updated_at = $3 WHERE id = $4 RETURNING {COLUMNS}"
            );
            let params = (name, name.to_lowercase(), now, id);
            let after: OrganizationRow = fetch_one(&mut *connection, &update, params).await?;
            let changes = json!({ "name": change(Some(&before.name), Some(&after.name)) });
            let record = organization_record(actor, "organization.rename", &after, changes);
            Ok(Written::changed(Some(after), record))
        })
        .await
    }

    /// Deletes a customer organization. The provider organization is never deleted: the
    /// statement itself excludes it. `None` if no such customer organization exists.
    pub async fn delete_customer_organization(
        &self,
        id: OrganizationId,
        actor: &Actor,
        now: i64,
    ) -> Result<Option<OrganizationRow>, StoreError> {
        self.write_audited(now, async |connection| {
            let sql = format!(
                "DELETE FROM organizations WHERE id = $1 AND is_provider = 0 RETURNING {COLUMNS}"
            );
            let deleted: Option<OrganizationRow> =
                fetch_optional(&mut *connection, &sql, (id,)).await?;
            let Some(deleted) = deleted else {
                return Ok(Written::unchanged(None));
            };
            let changes = json!({ "name": change(Some(&deleted.name), None) });
            let record = organization_record(actor, "organization.delete", &deleted, changes);
            Ok(Written::changed(Some(deleted), record))
        })
        .await
    }

    pub async fn find_organization(
        &self,
        id: OrganizationId,
    ) -> Result<Option<OrganizationRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM organizations WHERE id = $1");
        self.optional_row(&sql, id).await
    }

    /// By name, in any case.
    pub async fn find_organization_by_name(
        &self,
        name: &str,
    ) -> Result<Option<OrganizationRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM organizations WHERE name_key = $1");
        self.optional_row(&sql, name.to_lowercase()).await
    }

    pub async fn find_provider_organization(&self) -> Result<Option<OrganizationRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM organizations WHERE is_provider = 1");
        fetch_optional(&self.pool, &sql, ()).await
    }

    /// Organizations whose name contains `search` (any case), provider first, then by name.
    pub async fn list_organizations(
        &self,
        search: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Page<OrganizationRow>, StoreError> {
        let count = "SELECT COUNT(*) FROM organizations WHERE name_key LIKE $1 ESCAPE '\\'";
        let rows = format!(
            "SELECT {COLUMNS} FROM organizations WHERE name_key LIKE $1 ESCAPE '\\' \
             ORDER BY is_provider DESC, name_key LIMIT $2 OFFSET $3"
        );
        let filter = (contains_pattern(search),);
        self.fetch_page((count, &rows), filter, (limit, offset))
            .await
    }
}

fn organization_record<'a>(
    actor: &'a Actor,
    action: &'static str,
    row: &OrganizationRow,
    changes: serde_json::Value,
) -> AuditRecord<'a> {
    AuditRecord::new(actor, action, ("organization", row.id, &row.name), changes)
}
