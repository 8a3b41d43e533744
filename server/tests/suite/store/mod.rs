//! Store cases; each file ends with `both_backends!` so every case runs on both backends.

mod admins;
mod alert_events;
mod alerts;
mod audit;
mod basics;
mod consent_links;
mod demo;
mod entity_sources;
mod health;
mod integrations;
mod key_rotation;
mod oauth_connections;
mod oauth_tokens;
mod oauth_url_values;
mod organizations;
mod outbound;
mod transfer;
mod url_templates;

use bifrost::store::audit::{AuditQuery, AuditRow};
use bifrost::store::{Page, Store};

/// The ten newest audit entries and how many there are in all.
async fn audit_log(store: &Store) -> Page<AuditRow> {
    store
        .list_audit_entries(&AuditQuery::default(), 10, 0)
        .await
        .expect("audit log")
}
