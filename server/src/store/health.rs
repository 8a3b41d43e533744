//! The health centre's queries: tokens that need reconnecting, whose refresh fails or that
//! expire without a refresh token; integrations whose shared token was never connected; mappings
//! that lack a required value. Each kind is counted and paged with the same conditions, filtered
//! by integration and organization name, and reads only indexed paths (see migration 0019).

use app::domain::health::HealthKind;
use sqlx::FromRow;

use super::statement::{fetch_scalar, fetch_scalars};
use super::{contains_pattern, Page, Store, StoreError};

/// One thing to fix.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct HealthRow {
    pub integration_name: String,
    /// `None` for the integration's shared token.
    pub organization_name: Option<String>,
    /// The provider's last error, the connection's name or the missing field's key.
    pub detail: String,
    /// When it expires, or when it last changed.
    pub at: Option<i64>,
}

/// The filters and the expiry window.
#[derive(Debug, Clone)]
pub struct HealthQuery<'a> {
    pub integration: &'a str,
    pub organization: &'a str,
    /// Tokens expiring up to this time (milliseconds) count as expiring.
    pub expiring_before: i64,
    /// Client secrets expiring up to this time count as expiring.
    pub secret_expiring_before: i64,
    /// `Store::unfilled_fields`, read once for the counts and the page.
    pub unfilled_fields: &'a [i64],
}

/// Tokens in use that meet `condition` (on `t`): each integration's shared token, and each
/// organization's own token where a mapping links it. The condition is applied inside, so each
/// side starts from the index that finds the few tokens it names.
fn tokens_where(condition: &str) -> String {
    format!(
        "FROM (SELECT t.id AS token_id, i.id AS integration_id, CAST(NULL AS BIGINT) AS organization_id \
         FROM oauth_tokens t JOIN integrations i ON i.oauth_connection_id = t.connection_id \
         WHERE t.organization_id IS NULL AND {condition} \
         UNION ALL SELECT t.id, m.integration_id, m.organization_id \
         FROM oauth_tokens t JOIN integration_mappings m ON m.oauth_token_id = t.id \
         WHERE t.organization_id IS NOT NULL AND {condition}) s \
         JOIN oauth_tokens t ON t.id = s.token_id \
         JOIN oauth_connections c ON c.id = t.connection_id \
         JOIN integrations i ON i.id = s.integration_id \
         LEFT JOIN organizations o ON o.id = s.organization_id \
         WHERE i.name_key LIKE $1 ESCAPE '\\' AND COALESCE(o.name_key, '') LIKE $2 ESCAPE '\\'"
    )
}

const NEVER_CONNECTED: &str = "FROM integrations i \
     JOIN oauth_connections c ON c.id = i.oauth_connection_id \
     WHERE i.name_key LIKE $1 ESCAPE '\\' AND c.grant_type = 'authorization_code' \
     AND NOT EXISTS (SELECT 1 FROM oauth_tokens t WHERE t.connection_id = c.id \
     AND t.organization_id IS NULL AND t.connected_at IS NOT NULL)";

/// Integrations whose connection's client secret expires by `$2`.
const SECRET_EXPIRING: &str = "FROM integrations i \
     JOIN oauth_connections c ON c.id = i.oauth_connection_id \
     WHERE i.name_key LIKE $1 ESCAPE '\\' AND c.client_secret_expires_at IS NOT NULL \
     AND c.client_secret_expires_at <= $2";

/// Required fields that have no default: the only ones a mapping can lack. Few, so they are
/// read first and named by id, and the mappings are read through the integration's index.
const UNFILLED_FIELDS: &str = "SELECT f.id FROM integration_fields f WHERE f.required = 1 \
     AND NOT EXISTS (SELECT 1 FROM config_values d WHERE d.field_id = f.id AND d.mapping_id IS NULL)";

/// Mappings without an override of one of `fields` (ids read from the store, so inlined).
fn missing_values(fields: &[i64]) -> String {
    let ids: Vec<String> = fields.iter().map(i64::to_string).collect();
    format!(
        "FROM integration_fields f \
         JOIN integration_mappings m ON m.integration_id = f.integration_id \
         JOIN integrations i ON i.id = f.integration_id \
         JOIN organizations o ON o.id = m.organization_id \
         WHERE f.id IN ({}) \
         AND i.name_key LIKE $1 ESCAPE '\\' AND o.name_key LIKE $2 ESCAPE '\\' \
         AND NOT EXISTS (SELECT 1 FROM config_values v WHERE v.mapping_id = m.id AND v.field_id = f.id)",
        ids.join(", ")
    )
}

/// What the kind selects from, its columns, and its order.
fn kind_sql(kind: HealthKind, unfilled: &[i64]) -> (String, &'static str, &'static str) {
    let token_columns = "i.name AS integration_name, o.name AS organization_name, \
         t.last_error AS detail, t.updated_at AS at";
    let token_order = "i.name_key, o.name_key, t.id";
    match kind {
        HealthKind::NeedsReconnect => (
            tokens_where("t.status = 'needs_reconnect'"),
            token_columns,
            token_order,
        ),
        HealthKind::RefreshFailing => (
            tokens_where("t.status = 'connected' AND t.last_error <> ''"),
            token_columns,
            token_order,
        ),
        HealthKind::Expiring => (
            format!(
                "{} AND c.grant_type = 'authorization_code'",
                tokens_where(
                    "t.status = 'connected' AND t.refresh_token IS NULL \
                     AND t.expires_at > 0 AND t.expires_at <= $3"
                )
            ),
            "i.name AS integration_name, o.name AS organization_name, t.last_error AS detail, \
             t.expires_at AS at",
            "t.expires_at, i.name_key, t.id",
        ),
        HealthKind::NeverConnected => (
            NEVER_CONNECTED.to_string(),
            "i.name AS integration_name, CAST(NULL AS TEXT) AS organization_name, \
             c.name AS detail, CAST(NULL AS BIGINT) AS at",
            "i.name_key",
        ),
        HealthKind::MissingValues => (
            missing_values(unfilled),
            "i.name AS integration_name, o.name AS organization_name, f.field_key AS detail, \
             CAST(NULL AS BIGINT) AS at",
            "i.name_key, o.name_key, f.position",
        ),
        HealthKind::ClientSecretExpiring => (
            SECRET_EXPIRING.to_string(),
            "i.name AS integration_name, CAST(NULL AS TEXT) AS organization_name, \
             c.name AS detail, c.client_secret_expires_at AS at",
            "c.client_secret_expires_at, i.name_key",
        ),
    }
}

impl Store {
    /// How many of each kind match the filters, in `HealthKind::ALL`'s order. The counts run
    /// at once, each on a connection of its own: a render waits for the slowest, not the sum.
    pub async fn health_counts(&self, query: &HealthQuery<'_>) -> Result<Vec<i64>, StoreError> {
        let unfilled = query.unfilled_fields;
        let counts = HealthKind::ALL.map(|kind| async move {
            if kind == HealthKind::MissingValues && unfilled.is_empty() {
                return Ok(0);
            }
            let (from, _, _) = kind_sql(kind, unfilled);
            let sql = format!("SELECT COUNT(*) {from}");
            self.health_scalar(kind, &sql, query).await
        });
        futures_util::future::try_join_all(counts).await
    }

    /// A page of one kind.
    pub async fn health_rows(
        &self,
        kind: HealthKind,
        query: &HealthQuery<'_>,
        (limit, offset): (i64, i64),
    ) -> Result<Page<HealthRow>, StoreError> {
        let unfilled = query.unfilled_fields;
        let (from, columns, order) = kind_sql(kind, unfilled);
        let (integration, organization) = patterns(query);
        let count = format!("SELECT COUNT(*) {from}");
        let rows = match kind {
            // About integrations, not organizations: none match an organization filter.
            HealthKind::NeverConnected | HealthKind::ClientSecretExpiring
                if !query.organization.trim().is_empty() =>
            {
                return Ok(empty_page());
            }
            HealthKind::MissingValues if unfilled.is_empty() => return Ok(empty_page()),
            HealthKind::NeverConnected => {
                format!("SELECT {columns} {from} ORDER BY {order} LIMIT $2 OFFSET $3")
            }
            HealthKind::Expiring => {
                format!("SELECT {columns} {from} ORDER BY {order} LIMIT $4 OFFSET $5")
            }
            HealthKind::ClientSecretExpiring => {
                format!("SELECT {columns} {from} ORDER BY {order} LIMIT $3 OFFSET $4")
            }
            _ => format!("SELECT {columns} {from} ORDER BY {order} LIMIT $3 OFFSET $4"),
        };
        let page = (limit, offset);
        match kind {
            HealthKind::NeverConnected => {
                self.fetch_page((&count, &rows), (integration,), page).await
            }
            HealthKind::ClientSecretExpiring => {
                let filter = (integration, query.secret_expiring_before);
                self.fetch_page((&count, &rows), filter, page).await
            }
            HealthKind::Expiring => {
                let filter = (integration, organization, query.expiring_before);
                self.fetch_page((&count, &rows), filter, page).await
            }
            _ => {
                let filter = (integration, organization);
                self.fetch_page((&count, &rows), filter, page).await
            }
        }
    }

    /// Required fields without a default: the only fields a mapping can lack.
    pub async fn unfilled_fields(&self) -> Result<Vec<i64>, StoreError> {
        fetch_scalars(&self.pool, UNFILLED_FIELDS, ()).await
    }

    async fn health_scalar(
        &self,
        kind: HealthKind,
        sql: &str,
        query: &HealthQuery<'_>,
    ) -> Result<i64, StoreError> {
        let (integration, organization) = patterns(query);
        match kind {
            HealthKind::NeverConnected | HealthKind::ClientSecretExpiring
                if !query.organization.trim().is_empty() =>
            {
                Ok(0)
            }
            HealthKind::NeverConnected => fetch_scalar(&self.pool, sql, (integration,)).await,
            HealthKind::ClientSecretExpiring => {
                let filter = (integration, query.secret_expiring_before);
                fetch_scalar(&self.pool, sql, filter).await
            }
            HealthKind::Expiring => {
                let filter = (integration, organization, query.expiring_before);
                fetch_scalar(&self.pool, sql, filter).await
            }
            _ => fetch_scalar(&self.pool, sql, (integration, organization)).await,
        }
    }
}

fn empty_page() -> Page<HealthRow> {
    Page {
        items: Vec::new(),
        total: 0,
    }
}

fn patterns(query: &HealthQuery<'_>) -> (String, String) {
    (
        contains_pattern(query.integration.trim()),
        contains_pattern(query.organization.trim()),
    )
}
