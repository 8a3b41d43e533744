//! Consent link rows: the SHA-256 of each link's secret, never the secret, with the scope it
//! consents for. A link is used by the first consent that completes with it.

use app::domain::ids::{ConsentLinkId, IntegrationId, OrganizationId};
use sqlx::FromRow;

use super::audit::{Actor, AuditRecord, Written};
use super::statement::{execute, fetch_all, fetch_one, fetch_optional, fetch_scalar};
use super::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct ConsentLinkRow {
    pub id: ConsentLinkId,
    pub integration_id: IntegrationId,
    pub organization_id: OrganizationId,
    pub organization_name: String,
    pub integration_name: String,
    pub created_by: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// A link to store.
#[derive(Debug, Clone)]
pub struct NewConsentLink<'a> {
    pub token_hash: &'a str,
    pub integration_id: IntegrationId,
    pub organization_id: OrganizationId,
    pub expires_at: i64,
}

/// How a link is looked up: by id (from an authorization it started), or by the hash of the
/// secret in its address.
#[derive(Debug, Clone, Copy)]
pub enum ConsentLinkKey<'a> {
    Id(ConsentLinkId),
    SecretHash(&'a str),
}

/// The most links listed for one scope: old ones stay for the record but are seldom wanted.
pub const LISTED_LINKS: i64 = 20;

const SELECT_LINKS: &str = "SELECT l.id, l.integration_id, l.organization_id, \
     o.name AS organization_name, i.name AS integration_name, l.created_by, l.created_at, \
     l.expires_at, l.used_at, l.revoked_at FROM consent_links l \
     JOIN organizations o ON o.id = l.organization_id \
     JOIN integrations i ON i.id = l.integration_id";

/// An audit entry about a link: its scope, never its secret.
pub fn link_record<'a>(
    actor: &'a Actor,
    action: &'static str,
    row: &ConsentLinkRow,
    extra: serde_json::Value,
) -> AuditRecord<'a> {
    let label = format!("{} for {}", row.integration_name, row.organization_name);
    let mut changes = serde_json::json!({
        "integration": row.integration_name,
        "organization": row.organization_name,
        "expires_at": row.expires_at,
    });
    if let (Some(changes), serde_json::Value::Object(extra)) = (changes.as_object_mut(), extra) {
        changes.extend(extra);
    }
    AuditRecord::new(actor, action, ("consent link", row.id, &label), changes)
}

impl Store {
    pub async fn insert_consent_link(
        &self,
        link: &NewConsentLink<'_>,
        actor: &Actor,
        now: i64,
    ) -> Result<ConsentLinkRow, StoreError> {
        self.write_audited(now, async |connection| {
            let sql = "INSERT INTO consent_links (token_hash, integration_id, organization_id, \
                 created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
            let params = (
                link.token_hash,
                link.integration_id,
                link.organization_id,
                &actor.label,
                now,
                link.expires_at,
            );
            let id: ConsentLinkId = fetch_scalar(&mut *connection, sql, params).await?;
            let sql = format!("{SELECT_LINKS} WHERE l.id = $1");
            let row: ConsentLinkRow = fetch_one(&mut *connection, &sql, (id,)).await?;
            let record = link_record(actor, "consent_link.create", &row, serde_json::json!({}));
            Ok(Written::changed(row, record))
        })
        .await
    }

    /// The scope's newest links, at most `LISTED_LINKS`.
    pub async fn list_consent_links(
        &self,
        integration_id: IntegrationId,
        organization_id: OrganizationId,
    ) -> Result<Vec<ConsentLinkRow>, StoreError> {
        let sql = format!(
            "{SELECT_LINKS} WHERE l.integration_id = $1 AND l.organization_id = $2 \
             ORDER BY l.created_at DESC, l.id DESC LIMIT $3"
        );
        let params = (integration_id, organization_id, LISTED_LINKS);
        fetch_all(&self.pool, &sql, params).await
    }

    /// The link, whatever its state (the caller decides what it may do).
    pub async fn find_consent_link(
        &self,
        key: ConsentLinkKey<'_>,
    ) -> Result<Option<ConsentLinkRow>, StoreError> {
        match key {
            ConsentLinkKey::Id(id) => {
                let sql = format!("{SELECT_LINKS} WHERE l.id = $1");
                fetch_optional(&self.pool, &sql, (id,)).await
            }
            ConsentLinkKey::SecretHash(hash) => {
                let sql = format!("{SELECT_LINKS} WHERE l.token_hash = $1");
                fetch_optional(&self.pool, &sql, (hash,)).await
            }
        }
    }

    /// Revokes an unused link of the integration; `None` if there is no such link. Revoking a
    /// used or revoked link changes nothing.
    pub async fn revoke_consent_link(
        &self,
        integration_id: IntegrationId,
        id: ConsentLinkId,
        actor: &Actor,
        now: i64,
    ) -> Result<Option<ConsentLinkRow>, StoreError> {
        self.write_audited(now, async |connection| {
            let sql = "UPDATE consent_links SET revoked_at = $1 WHERE id = $2 \
                 AND integration_id = $3 AND revoked_at IS NULL AND used_at IS NULL";
            let updated = execute(&mut *connection, sql, (now, id, integration_id)).await?;
            let sql = format!("{SELECT_LINKS} WHERE l.id = $1 AND l.integration_id = $2");
            let params = (id, integration_id);
            let Some(row) = fetch_optional(&mut *connection, &sql, params).await? else {
                return Ok(Written::unchanged(None));
            };
            if updated == 0 {
                return Ok(Written::unchanged(Some(row)));
            }
            let record = link_record(actor, "consent_link.revoke", &row, serde_json::json!({}));
            Ok(Written::changed(Some(row), record))
        })
        .await
    }

    /// Marks the link used if it is still open: `true` for the one consent that may complete
    /// with it, whatever else is in flight.
    pub async fn claim_consent_link(
        &self,
        id: ConsentLinkId,
        now: i64,
    ) -> Result<bool, StoreError> {
        let sql = "UPDATE consent_links SET used_at = $1 WHERE id = $2 \
             AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $1";
        Ok(execute(&self.pool, sql, (now, id)).await? == 1)
    }
}
