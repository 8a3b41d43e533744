use leptos::prelude::*;

use crate::domain::audit::{AuditEntryView, AuditFilter};
use crate::domain::paging::Paged;
use crate::error::AppError;

/// One page of the audit log, newest first.
#[server(endpoint = "audit/list")]
pub async fn list_audit_entries(
    filter: AuditFilter,
    page: i64,
) -> Result<Paged<AuditEntryView>, AppError> {
    crate::ssr::as_admin(|services, _| async move { services.audit_entries(&filter, page).await })
        .await
}
