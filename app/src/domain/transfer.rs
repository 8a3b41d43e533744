//! Moving integrations between servers and mappings in bulk: the JSON definition of an
//! integration and the CSV of its mappings.

use serde::{Deserialize, Serialize};

/// At most this many bytes of CSV or JSON are accepted in one import.
pub const MAX_IMPORT_BYTES: usize = 5 * 1024 * 1024;
/// At most this many mapping rows in one CSV import.
pub const MAX_IMPORT_ROWS: usize = 10_000;
/// The fixed first columns of a mappings CSV; one column per non-secret field follows.
pub const CSV_FIXED_COLUMNS: [&str; 3] = ["organization", "entity_id", "entity_name"];

/// What importing one CSV row would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportOutcome {
    Create,
    Update,
    /// The row is refused; the message names the column and the rule.
    Error(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRowView {
    /// The row's line in the file (the header is line 1).
    pub line: u64,
    pub organization: String,
    pub entity_id: String,
    pub outcome: ImportOutcome,
}

/// The preview shown before anything is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub rows: Vec<ImportRowView>,
    pub creates: usize,
    pub updates: usize,
    pub errors: usize,
}

impl ImportPreview {
    pub fn can_import(&self) -> bool {
        self.errors == 0 && self.creates + self.updates > 0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub created: usize,
    pub updated: usize,
}

/// An imported integration definition, with the secrets the admin must now fill in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefinitionImported {
    pub name: String,
    pub secrets_to_fill: Vec<String>,
}
