//! API key rows: the SHA-256 of each key, never the key, joined with the organization it acts for.

use app::domain::ids::{ApiKeyId, OrganizationId};
use sqlx::FromRow;

use super::audit::{Actor, AuditRecord, Written};
use super::statement::{execute, fetch_one, fetch_optional, fetch_scalar};
use super::{Page, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct ApiKeyRow {
    pub id: ApiKeyId,
    pub name: String,
    pub prefix: String,
    pub organization_id: OrganizationId,
    pub organization_name: String,
    #[sqlx(try_from = "super::Flag")]
    pub is_provider: bool,
    pub created_by: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

/// A key to store.
#[derive(Debug, Clone)]
pub struct NewApiKey<'a> {
    pub name: &'a str,
    pub prefix: &'a str,
    pub key_hash: &'a str,
    pub organization_id: OrganizationId,
    pub expires_at: Option<i64>,
}

const SELECT_KEYS: &str =
    "SELECT k.id, k.name, k.prefix, k.organization_id, o.name AS organization_name, \
     o.is_provider, k.created_by, k.created_at, k.expires_at, k.revoked_at, k.last_used_at \
     FROM api_keys k JOIN organizations o ON o.id = k.organization_id";

fn key_record<'a>(actor: &'a Actor, action: &'static str, row: &ApiKeyRow) -> AuditRecord<'a> {
    let label = format!("{} ({}…)", row.name, row.prefix);
    let changes = serde_json::json!({
        "organization": row.organization_name,
        "expires_at": row.expires_at,
    });
    AuditRecord::new(actor, action, ("api key", row.id, &label), changes)
}

impl Store {
    pub async fn insert_api_key(
        &self,
        key: &NewApiKey<'_>,
        actor: &Actor,
        now: i64,
    ) -> Result<ApiKeyRow, StoreError> {
        self.write_audited(now, async |connection| {
            let sql = "INSERT INTO api_keys (name, prefix, key_hash, organization_id, created_by, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
            let params = (
                key.name,
                key.prefix,
                key.key_hash,
                key.organization_id,
                &actor.label,
                now,
                key.expires_at,
            );
            let id: ApiKeyId = fetch_scalar(&mut *connection, sql, params).await?;
            let sql = format!("{SELECT_KEYS} WHERE k.id = $1");
            let row: ApiKeyRow = fetch_one(&mut *connection, &sql, (id,)).await?;
            let record = key_record(actor, "api_key.create", &row);
            Ok(Written::changed(row, record))
        })
        .await
    }

    /// Newest first.
    pub async fn list_api_keys(
        &self,
        limit: i64,
        offset: i64,
    ) -> Result<Page<ApiKeyRow>, StoreError> {
        let count = "SELECT COUNT(*) FROM api_keys";
        let rows =
            format!("{SELECT_KEYS} ORDER BY k.created_at DESC, k.id DESC LIMIT $1 OFFSET $2");
        self.fetch_page((count, &rows), (), (limit, offset)).await
    }

    /// The key with this hash, whatever its state (the caller checks expiry and revocation).
    pub async fn find_api_key_by_hash(
        &self,
        key_hash: &str,
    ) -> Result<Option<ApiKeyRow>, StoreError> {
        let sql = format!("{SELECT_KEYS} WHERE k.key_hash = $1");
        fetch_optional(&self.pool, &sql, (key_hash,)).await
    }

    /// Revokes a key; `None` if it does not exist. Revoking a revoked key changes nothing.
    pub async fn revoke_api_key(
        &self,
        id: ApiKeyId,
        actor: &Actor,
        now: i64,
    ) -> Result<Option<ApiKeyRow>, StoreError> {
        self.write_audited(now, async |connection| {
            let sql = "UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL";
            let updated = execute(&mut *connection, sql, (now, id)).await?;
            let sql = format!("{SELECT_KEYS} WHERE k.id = $1");
            let Some(row) = fetch_optional(&mut *connection, &sql, (id,)).await? else {
                return Ok(Written::unchanged(None));
            };
            if updated == 0 {
                return Ok(Written::unchanged(Some(row)));
            }
            let record = key_record(actor, "api_key.revoke", &row);
            Ok(Written::changed(Some(row), record))
        })
        .await
    }

    /// Records a use, unless one was recorded less than `resolution_ms` ago.
    pub async fn touch_api_key(
        &self,
        id: ApiKeyId,
        now: i64,
        resolution_ms: i64,
    ) -> Result<(), StoreError> {
        let sql = "UPDATE api_keys SET last_used_at = $1 WHERE id = $2 \
             AND (last_used_at IS NULL OR last_used_at <= $3)";
        execute(&self.pool, sql, (now, id, now - resolution_ms)).await?;
        Ok(())
    }
}
