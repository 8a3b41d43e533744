//! The change log (migration 0015) and the reads that fill the workflow API's resolve index:
//! everything at once in bounded chunks when a server starts, one row at a time as the log says
//! what changed.

use app::domain::ids::{ApiKeyId, ConnectionId, IntegrationId, MappingId, OrganizationId, TokenId};
use sqlx::FromRow;

use super::config_values::ValueRow;
use super::integrations::{
    FieldRow, IntegrationRow, COLUMNS as INTEGRATION_COLUMNS, FIELD_COLUMNS,
};
use super::oauth_tokens::{OAuthTokenRow, COLUMNS as TOKEN_COLUMNS};
use super::organizations::{OrganizationRow, COLUMNS as ORGANIZATION_COLUMNS};
use super::statement::{execute, fetch_all, fetch_optional, fetch_scalar};
use super::{Store, StoreError};

/// One logged change: which row of what kind, under which generation (see migration 0015).
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct ChangeEntry {
    pub generation: i64,
    pub kind: String,
    pub first_id: Option<i64>,
    pub second_id: Option<i64>,
}

/// A mapping as resolve needs it.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct IndexedMapping {
    pub id: MappingId,
    pub integration_id: IntegrationId,
    pub organization_id: OrganizationId,
    pub entity_id: String,
    pub entity_name: String,
    pub oauth_token_id: Option<TokenId>,
}

/// A default value with the integration it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct DefaultValueRow {
    pub integration_id: IntegrationId,
    #[sqlx(flatten)]
    pub value: ValueRow,
}

/// An OAuth connection's grant type.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct ConnectionGrant {
    pub id: ConnectionId,
    pub grant_type: String,
}

/// An API key as resolve needs it: its organization's name and kind come from the index's
/// organizations.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct IndexedApiKey {
    pub id: ApiKeyId,
    pub key_hash: String,
    pub organization_id: OrganizationId,
    pub expires_at: Option<i64>,
}

const MAPPING_COLUMNS: &str =
    "id, integration_id, organization_id, entity_id, entity_name, oauth_token_id";
const VALUE_COLUMNS: &str = "id, field_id, mapping_id, value, secret_value";

impl Store {
    /// Up to `limit` entries logged after `generation`, oldest first.
    pub async fn changes_after(
        &self,
        generation: i64,
        limit: i64,
    ) -> Result<Vec<ChangeEntry>, StoreError> {
        let sql = "SELECT generation, kind, first_id, second_id FROM change_log \
                   WHERE generation > $1 ORDER BY generation LIMIT $2";
        fetch_all(&self.pool, sql, (generation, limit)).await
    }

    /// The generation up to which entries may have been pruned: a reader that is further
    /// behind cannot catch up from the log.
    pub async fn change_log_pruned_through(&self) -> Result<i64, StoreError> {
        fetch_scalar(
            &self.pool,
            "SELECT through FROM change_log_pruned WHERE id = 1",
            (),
        )
        .await
    }

    /// Removes the entries of generations up to `through`, and says so, in one transaction.
    pub async fn prune_change_log(&self, through: i64) -> Result<u64, StoreError> {
        let mut transaction = self.pool.begin().await?;
        let removed = execute(
            &mut *transaction,
            "DELETE FROM change_log WHERE generation <= $1",
            (through,),
        )
        .await?;
        execute(
            &mut *transaction,
            "UPDATE change_log_pruned SET through = $1 WHERE id = 1 AND through < $1",
            (through,),
        )
        .await?;
        transaction.commit().await?;
        Ok(removed)
    }

    /// Up to `limit` mappings with an id above `after`, by id.
    pub async fn indexed_mappings_after(
        &self,
        after: MappingId,
        limit: i64,
    ) -> Result<Vec<IndexedMapping>, StoreError> {
        let sql = format!(
            "SELECT {MAPPING_COLUMNS} FROM integration_mappings WHERE id > $1 ORDER BY id LIMIT $2"
        );
        fetch_all(&self.pool, &sql, (after, limit)).await
    }

    pub async fn indexed_mapping(
        &self,
        integration_id: IntegrationId,
        organization_id: OrganizationId,
    ) -> Result<Option<IndexedMapping>, StoreError> {
        let sql = format!(
            "SELECT {MAPPING_COLUMNS} FROM integration_mappings \
             WHERE integration_id = $1 AND organization_id = $2"
        );
        fetch_optional(&self.pool, &sql, (integration_id, organization_id)).await
    }

    pub async fn indexed_mapping_by_id(
        &self,
        id: MappingId,
    ) -> Result<Option<IndexedMapping>, StoreError> {
        let sql = format!("SELECT {MAPPING_COLUMNS} FROM integration_mappings WHERE id = $1");
        fetch_optional(&self.pool, &sql, (id,)).await
    }

    /// Up to `limit` overrides (values of a mapping) with an id above `after`, by id.
    pub async fn overrides_after(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<ValueRow>, StoreError> {
        let sql = format!(
            "SELECT {VALUE_COLUMNS} FROM config_values \
             WHERE mapping_id IS NOT NULL AND id > $1 ORDER BY id LIMIT $2"
        );
        fetch_all(&self.pool, &sql, (after, limit)).await
    }

    pub async fn overrides_of(&self, mapping_id: MappingId) -> Result<Vec<ValueRow>, StoreError> {
        let sql = format!("SELECT {VALUE_COLUMNS} FROM config_values WHERE mapping_id = $1");
        fetch_all(&self.pool, &sql, (mapping_id,)).await
    }

    pub async fn all_default_values(&self) -> Result<Vec<DefaultValueRow>, StoreError> {
        let sql = format!(
            "SELECT integration_id, {VALUE_COLUMNS} FROM config_values WHERE mapping_id IS NULL"
        );
        fetch_all(&self.pool, &sql, ()).await
    }

    pub async fn all_integrations(&self) -> Result<Vec<IntegrationRow>, StoreError> {
        let sql = format!("SELECT {INTEGRATION_COLUMNS} FROM integrations");
        fetch_all(&self.pool, &sql, ()).await
    }

    /// Every schema field, in each integration's order.
    pub async fn all_fields(&self) -> Result<Vec<FieldRow>, StoreError> {
        let sql = format!(
            "SELECT {FIELD_COLUMNS} FROM integration_fields ORDER BY integration_id, position, id"
        );
        fetch_all(&self.pool, &sql, ()).await
    }

    pub async fn all_connection_grants(&self) -> Result<Vec<ConnectionGrant>, StoreError> {
        fetch_all(
            &self.pool,
            "SELECT id, grant_type FROM oauth_connections",
            (),
        )
        .await
    }

    /// Every key that is not revoked (expiry is checked on each use).
    pub async fn all_unrevoked_api_keys(&self) -> Result<Vec<IndexedApiKey>, StoreError> {
        let sql = "SELECT id, key_hash, organization_id, expires_at FROM api_keys \
                   WHERE revoked_at IS NULL";
        fetch_all(&self.pool, sql, ()).await
    }

    pub async fn all_organizations(&self) -> Result<Vec<OrganizationRow>, StoreError> {
        let sql = format!("SELECT {ORGANIZATION_COLUMNS} FROM organizations");
        fetch_all(&self.pool, &sql, ()).await
    }

    pub async fn all_oauth_tokens(&self) -> Result<Vec<OAuthTokenRow>, StoreError> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM oauth_tokens");
        fetch_all(&self.pool, &sql, ()).await
    }
}
