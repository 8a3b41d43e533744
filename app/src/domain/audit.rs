//! Audit log entries as the browser sees them, and the filter an administrator sets.

use serde::{Deserialize, Serialize};

/// One recorded change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntryView {
    pub id: i64,
    pub occurred_at: i64,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_label: String,
    /// Field name, old value, new value (as text; secrets appear as "(set)" or "(cleared)").
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// Rows per page on the audit log.
pub const AUDIT_ENTRIES_PER_PAGE: i64 = 50;

/// What the audit log page filters by; empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditFilter {
    /// Part of the actor's e-mail address.
    pub actor: String,
    /// Part of the object's type or name.
    pub object: String,
    /// `YYYY-MM-DD`, inclusive, UTC.
    pub from: String,
    pub to: String,
}
