use leptos::prelude::*;

use crate::domain::audit::{AuditEntryView, AuditFilter};
use crate::domain::paging::Paged;

admin_server_fn! {
    /// One page of the audit log, newest first.
    #[server(endpoint = "audit/list")]
    pub async fn list_audit_entries(filter: AuditFilter, page: i64) -> Paged<AuditEntryView>
    => |services, _| services.audit_entries(&filter, page).await
}
