//! A mappings CSV read into an import plan: every row checked on its own, so that the preview
//! reports each bad row, and what importing the good ones would write.

use app::domain::ids::OrganizationId;
use std::collections::HashMap;

use app::domain::integration::{ValueChange, ValueInput};
use app::domain::transfer::{
    ImportOutcome, ImportPreview, ImportRowView, ImportSummary, MAX_IMPORT_ROWS,
};
use app::error::AppError;
use serde_json::{Map, Value};

use super::csv_cells::{cell, csv_error, csv_reader, read_header, CsvColumns};
use crate::services::changes::record_changes;
use crate::services::configuration::plan_writes;
use crate::services::mappings::entity_texts;
use crate::services::{internal, ServerServices};
use crate::store::audit::change;
use crate::store::integrations::{FieldRow, IntegrationRow};
use crate::store::mappings::{MappingDetails, MappingImport};

/// The rows as the preview shows them, and what importing them would write.
pub(super) struct ImportPlan {
    pub rows: Vec<ImportRowView>,
    pub imports: Vec<MappingImport>,
}

impl ImportPlan {
    fn count(&self, wanted: fn(&ImportOutcome) -> bool) -> usize {
        self.rows.iter().filter(|row| wanted(&row.outcome)).count()
    }

    pub fn preview(self) -> ImportPreview {
        ImportPreview {
            creates: self.count(|o| matches!(o, ImportOutcome::Create)),
            updates: self.count(|o| matches!(o, ImportOutcome::Update)),
            errors: self.count(|o| matches!(o, ImportOutcome::Error(_))),
            rows: self.rows,
        }
    }

    /// What importing would do; an error when any row has one, or there is nothing to import.
    pub fn summary(&self) -> Result<ImportSummary, AppError> {
        let errors = self.count(|o| matches!(o, ImportOutcome::Error(_)));
        if errors > 0 {
            return Err(csv_error(format!(
                "{errors} row(s) have errors; nothing was imported"
            )));
        }
        if self.imports.is_empty() {
            return Err(csv_error("has no rows to import"));
        }
        let created = self
            .imports
            .iter()
            .filter(|import| import.mapping_id.is_none())
            .count();
        Ok(ImportSummary {
            created,
            updated: self.imports.len() - created,
        })
    }
}

/// Why a row cannot be imported: a rule it broke, or a server failure that ends the import.
enum RowError {
    Invalid(String),
    Server(AppError),
}

impl From<AppError> for RowError {
    fn from(error: AppError) -> RowError {
        RowError::Server(error)
    }
}

fn invalid(message: impl Into<String>) -> RowError {
    RowError::Invalid(message.into())
}

/// A rule the row broke, as the preview states it.
fn broken(error: AppError) -> RowError {
    RowError::Invalid(error.to_string())
}

/// What every row of a file is read against.
struct CsvFile<'a> {
    integration: &'a IntegrationRow,
    fields: &'a [FieldRow],
    columns: CsvColumns,
    /// The header's number of cells.
    width: usize,
}

fn outcome_of(import: &MappingImport) -> ImportOutcome {
    if import.mapping_id.is_some() {
        ImportOutcome::Update
    } else {
        ImportOutcome::Create
    }
}

/// The field inputs of a row: an empty cell clears the override.
fn row_inputs(record: &csv::StringRecord, columns: &CsvColumns) -> Vec<ValueInput> {
    columns
        .fields
        .iter()
        .map(|(index, key)| {
            let text = cell(record, *index);
            let change = if text.is_empty() {
                ValueChange::Clear
            } else {
                ValueChange::Set(text.to_string())
            };
            ValueInput {
                key: key.clone(),
                change,
            }
        })
        .collect()
}

/// A row's entity ID (required) and entity name, checked.
fn row_entity(
    record: &csv::StringRecord,
    columns: &CsvColumns,
) -> Result<(String, String), RowError> {
    let entity_name = columns.entity_name.map_or("", |index| cell(record, index));
    entity_texts(cell(record, 1), entity_name).map_err(broken)
}

/// The audit changes of an imported row: its overrides', its source, and its entity ID's.
fn import_changes(
    mut changes: Map<String, Value>,
    before_entity: Option<&str>,
    entity_id: &str,
) -> Value {
    changes.insert("source".into(), change(None, Some("CSV import")));
    record_changes(&mut changes, [("entity_id", before_entity, entity_id)]);
    Value::Object(changes)
}

impl ServerServices {
    pub(super) async fn plan_import(
        &self,
        integration: &IntegrationRow,
        text: &str,
    ) -> Result<ImportPlan, AppError> {
        let fields = self.fields_of(integration.id).await?;
        let mut reader = csv_reader(text)?;
        let headers = reader
            .headers()
            .map_err(|error| csv_error(format!("the header row cannot be read: {error}")))?
            .clone();
        let file = CsvFile {
            integration,
            fields: &fields,
            columns: read_header(&headers, &fields)?,
            width: headers.len(),
        };
        let mut plan = ImportPlan {
            rows: Vec::new(),
            imports: Vec::new(),
        };
        let mut seen: HashMap<String, u64> = HashMap::new();
        for record in reader.records() {
            if plan.rows.len() >= MAX_IMPORT_ROWS {
                return Err(csv_error(format!(
                    "has more than {MAX_IMPORT_ROWS} rows; split it"
                )));
            }
            let (row, import) = self.plan_record(&file, record, &mut seen).await?;
            plan.rows.push(row);
            plan.imports.extend(import);
        }
        Ok(plan)
    }

    /// A record as the preview shows it, with its mapping when it has no errors.
    async fn plan_record(
        &self,
        file: &CsvFile<'_>,
        record: Result<csv::StringRecord, csv::Error>,
        seen: &mut HashMap<String, u64>,
    ) -> Result<(ImportRowView, Option<MappingImport>), AppError> {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let row = ImportRowView {
                    line: error.position().map_or(0, |p| p.line()),
                    organization: String::new(),
                    entity_id: String::new(),
                    outcome: ImportOutcome::Error(format!("cannot be read: {error}")),
                };
                return Ok((row, None));
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let (outcome, import) = match self.plan_row(file, &record, line, seen).await {
            Ok(import) => (outcome_of(&import), Some(import)),
            Err(RowError::Invalid(message)) => (ImportOutcome::Error(message), None),
            Err(RowError::Server(error)) => return Err(error),
        };
        let row = ImportRowView {
            line,
            organization: record.get(0).unwrap_or_default().to_string(),
            entity_id: record.get(1).unwrap_or_default().to_string(),
            outcome,
        };
        Ok((row, import))
    }

    /// One row's mapping, or what is wrong with it.
    async fn plan_row(
        &self,
        file: &CsvFile<'_>,
        record: &csv::StringRecord,
        line: u64,
        seen: &mut HashMap<String, u64>,
    ) -> Result<MappingImport, RowError> {
        if record.len() != file.width {
            return Err(invalid(format!(
                "has {} cells, the header has {}",
                record.len(),
                file.width
            )));
        }
        let organization_id = self.row_organization(record, line, seen).await?;
        let (entity_id, entity_name) = row_entity(record, &file.columns)?;
        let integration_id = file.integration.id;
        let existing = self
            .store
            .find_mapping_of_organization(integration_id, organization_id)
            .await
            .map_err(internal)?;
        let mapping_id = existing.as_ref().map(|mapping| mapping.id);
        let current = self.overrides_by_field(integration_id, mapping_id).await?;
        let inputs = row_inputs(record, &file.columns);
        let planned =
            plan_writes(file.fields, &current, &inputs, str::to_string).map_err(broken)?;
        let before_entity = existing.as_ref().map(|mapping| mapping.entity_id.as_str());
        let changes = import_changes(planned.changes, before_entity, &entity_id);
        Ok(MappingImport {
            mapping_id,
            details: MappingDetails {
                integration_id,
                organization_id,
                entity_id,
                entity_name,
            },
            overrides: planned.writes,
            changes,
        })
    }

    /// The id of the organization a row names; each may appear once in a file.
    async fn row_organization(
        &self,
        record: &csv::StringRecord,
        line: u64,
        seen: &mut HashMap<String, u64>,
    ) -> Result<OrganizationId, RowError> {
        let name = cell(record, 0);
        if name.is_empty() {
            return Err(invalid("organization: is required"));
        }
        if let Some(first) = seen.insert(name.to_lowercase(), line) {
            return Err(invalid(format!(
                "organization: “{name}” is already on line {first}"
            )));
        }
        let organization = self
            .store
            .find_organization_by_name(name)
            .await
            .map_err(internal)?;
        organization
            .map(|organization| organization.id)
            .ok_or_else(|| invalid(format!("organization: unknown organization “{name}”")))
    }
}
