//! Mappings: one customer organization's entity in an integration's external system, with the
//! organization's config overrides. The rows and the reads are here; the changes, in `writes`.

use app::domain::ids::{IntegrationId, MappingId, OrganizationId, TokenId};
use serde_json::Value;
use sqlx::{Any, Executor, FromRow};

use super::audit::Actor;
use super::config_values::{FieldWrite, ValueRow};
use super::statement::{fetch_all, fetch_optional, fetch_scalar};
use super::{contains_pattern, Page, Store, StoreError};

mod writes;

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct MappingRow {
    pub id: MappingId,
    pub integration_id: IntegrationId,
    pub organization_id: OrganizationId,
    pub organization_name: String,
    pub entity_id: String,
    pub entity_name: String,
    pub override_count: i64,
    pub oauth_token_id: Option<TokenId>,
    pub oauth_token_status: Option<String>,
    pub detected_entity_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct OrganizationChoiceRow {
    pub id: OrganizationId,
    pub name: String,
}

/// A mapping's own columns, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingDetails {
    pub integration_id: IntegrationId,
    pub organization_id: OrganizationId,
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
    OAuthToken(Option<TokenId>),
    /// Adopt an entity ID (the one the provider reported).
    EntityId(&'a str),
}

/// The audit entry of a change to a mapping.
pub struct MappingAudit<'a> {
    pub actor: &'a Actor,
    pub integration_name: &'a str,
    pub changes: Value,
}

/// One row of a bulk import: a new mapping (`mapping_id` `None`) or an update.
#[derive(Debug, Clone)]
pub struct MappingImport {
    pub mapping_id: Option<MappingId>,
    pub details: MappingDetails,
    pub overrides: Vec<FieldWrite>,
    pub changes: Value,
}

/// The mapping `mapping_id` of an integration, read by `executor` (the pool, or a transaction).
async fn mapping_in<'c>(
    executor: impl Executor<'c, Database = Any>,
    integration_id: IntegrationId,
    mapping_id: MappingId,
) -> Result<Option<MappingRow>, StoreError> {
    let sql = format!("{SELECT_MAPPINGS} WHERE m.integration_id = $1 AND m.id = $2");
    fetch_optional(executor, &sql, (integration_id, mapping_id)).await
}

impl Store {
    /// Every override of an integration's mappings, for the CSV export.
    pub async fn all_overrides(
        &self,
        integration_id: IntegrationId,
    ) -> Result<Vec<ValueRow>, StoreError> {
        let sql = "SELECT id, field_id, mapping_id, value, secret_value FROM config_values \
             WHERE integration_id = $1 AND mapping_id IS NOT NULL";
        fetch_all(&self.pool, sql, (integration_id,)).await
    }

    /// Mappings of an integration whose organization name or entity ID contains `search`.
    pub async fn list_mappings(
        &self,
        integration_id: IntegrationId,
        search: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Page<MappingRow>, StoreError> {
        let filter = "m.integration_id = $1 AND (o.name_key LIKE $2 ESCAPE '\\' OR LOWER(m.entity_id) LIKE $2 ESCAPE '\\')";
        let count = format!(
            "SELECT COUNT(*) FROM integration_mappings m JOIN organizations o ON o.id = m.organization_id WHERE {filter}"
        );
        // The page's ids first, so the per-row override count runs for one page, not for every
        // match before the sort.
        let rows = format!(
            "{SELECT_MAPPINGS} WHERE m.id IN (SELECT m.id FROM integration_mappings m \
             JOIN organizations o ON o.id = m.organization_id WHERE {filter} \
             ORDER BY o.name_key, m.id LIMIT $3 OFFSET $4) ORDER BY o.name_key, m.id"
        );
        let filter = (integration_id, contains_pattern(search));
        self.fetch_page((&count, &rows), filter, (limit, offset))
            .await
    }

    pub async fn find_mapping(
        &self,
        integration_id: IntegrationId,
        mapping_id: MappingId,
    ) -> Result<Option<MappingRow>, StoreError> {
        mapping_in(&self.pool, integration_id, mapping_id).await
    }

    /// The mapping of an organization in an integration, if it has one.
    pub async fn find_mapping_of_organization(
        &self,
        integration_id: IntegrationId,
        organization_id: OrganizationId,
    ) -> Result<Option<MappingRow>, StoreError> {
        let sql =
            format!("{SELECT_MAPPINGS} WHERE m.integration_id = $1 AND m.organization_id = $2");
        fetch_optional(&self.pool, &sql, (integration_id, organization_id)).await
    }

    /// Organizations without a mapping in this integration whose name contains `search`.
    pub async fn unmapped_organizations(
        &self,
        integration_id: IntegrationId,
        search: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Page<OrganizationChoiceRow>, StoreError> {
        // The matching organizations less the mapped ones (an organization has at most one
        // mapping per integration): two index counts instead of a probe per organization.
        let count = "SELECT (SELECT COUNT(*) FROM organizations o WHERE o.name_key LIKE $2 ESCAPE '\\') \
             - (SELECT COUNT(*) FROM integration_mappings m JOIN organizations o ON o.id = m.organization_id \
             WHERE m.integration_id = $1 AND o.name_key LIKE $2 ESCAPE '\\')";
        let filter = "o.name_key LIKE $2 ESCAPE '\\' AND NOT EXISTS \
             (SELECT 1 FROM integration_mappings m WHERE m.integration_id = $1 AND m.organization_id = o.id)";
        let rows = format!(
            "SELECT o.id, o.name FROM organizations o WHERE {filter} ORDER BY o.is_provider DESC, o.name_key LIMIT $3 OFFSET $4"
        );
        let filter = (integration_id, contains_pattern(search));
        self.fetch_page((count, &rows), filter, (limit, offset))
            .await
    }

    /// The entity IDs the integration's mappings use.
    pub async fn mapped_entity_ids(
        &self,
        integration_id: IntegrationId,
    ) -> Result<Vec<String>, StoreError> {
        let sql = "SELECT entity_id FROM integration_mappings WHERE integration_id = $1";
        let rows: Vec<(String,)> = fetch_all(&self.pool, sql, (integration_id,)).await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// How many mappings an organization has across all integrations.
    pub async fn mappings_of_organization(
        &self,
        organization_id: OrganizationId,
    ) -> Result<i64, StoreError> {
        let sql = "SELECT COUNT(*) FROM integration_mappings WHERE organization_id = $1";
        fetch_scalar(&self.pool, sql, (organization_id,)).await
    }
}
