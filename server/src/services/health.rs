//! The health centre: what needs an administrator's attention, counted by kind under the
//! Dashboard's filter, one kind paged, each row with the page where it is fixed.

use app::domain::health::{
    parse_window_days, HealthFilter, HealthItem, HealthKind, HealthView, CLIENT_SECRET_NOTICE_DAYS,
    HEALTH_PAGE_SIZE,
};
use app::domain::paging::PageRequest;
use app::error::AppError;
use app::ssr::HealthServices;

use super::{internal, ServerServices};
use crate::store::health::{HealthQuery, HealthRow};
use crate::time::now_millis;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Where a row is fixed: the integration's OAuth tab for its shared token or its connection, the
/// Mappings tab found at the organization for an organization's token or missing value.
fn item_of(kind: HealthKind, row: HealthRow) -> HealthItem {
    let integration = urlencoding::encode(&row.integration_name).into_owned();
    let (fix_href, fix_label) = match (&row.organization_name, kind) {
        (_, HealthKind::ClientSecretExpiring) => {
            ("/settings/oauth".to_string(), "Edit the OAuth connection")
        }
        (Some(organization), HealthKind::MissingValues) => (
            format!(
                "/settings/integrations/{integration}/mappings?search={}",
                urlencoding::encode(organization)
            ),
            "Edit the mapping",
        ),
        (Some(organization), _) => (
            format!(
                "/settings/integrations/{integration}/mappings?search={}",
                urlencoding::encode(organization)
            ),
            "Reconnect on the Mappings tab",
        ),
        (None, _) => (
            format!("/settings/integrations/{integration}/oauth"),
            "Open the OAuth tab",
        ),
    };
    HealthItem {
        integration_name: row.integration_name,
        organization_name: row.organization_name,
        detail: row.detail,
        at: row.at,
        fix_href,
        fix_label: fix_label.to_string(),
    }
}

#[async_trait::async_trait]
impl HealthServices for ServerServices {
    async fn health(&self, filter: &HealthFilter, page: i64) -> Result<HealthView, AppError> {
        let window = parse_window_days(&filter.window_days)?;
        let unfilled_fields = self.store.unfilled_fields().await.map_err(internal)?;
        let query = HealthQuery {
            integration: &filter.integration,
            organization: &filter.organization,
            expiring_before: now_millis() + window * DAY_MS,
            secret_expiring_before: now_millis() + CLIENT_SECRET_NOTICE_DAYS * DAY_MS,
            unfilled_fields: &unfilled_fields,
        };
        let request = PageRequest::new(page, HEALTH_PAGE_SIZE);
        // The counts and the page at once: the render waits for the slowest query only.
        let (counts, rows) = tokio::try_join!(
            self.store.health_counts(&query),
            self.store
                .health_rows(filter.kind, &query, (request.per_page, request.offset())),
        )
        .map_err(internal)?;
        let items = rows
            .items
            .into_iter()
            .map(|row| item_of(filter.kind, row))
            .collect();
        Ok(HealthView {
            counts: HealthKind::ALL.into_iter().zip(counts).collect(),
            items: request.of(items, rows.total),
        })
    }
}
