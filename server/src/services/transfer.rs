//! Bulk work: the mappings CSV (export, a preview that reports every bad row, an import that
//! writes all rows or none) and an integration's JSON definition (export without secrets,
//! import that reports the secrets still to fill in).

use std::collections::HashMap;

use app::domain::admin::CurrentAdmin;
use app::domain::integration::{
    parse_text, FieldType, IntegrationDraft, SchemaField, ValueChange, ValueInput,
    MAX_ENTITY_TEXT_CHARS,
};
use app::domain::transfer::{
    DefinitionImported, ImportOutcome, ImportPreview, ImportRowView, ImportSummary,
    CSV_FIXED_COLUMNS, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS,
};
use app::error::AppError;
use app::ssr::{ConfigurationServices, IntegrationServices, TransferServices};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::configuration::{by_field, plan_writes};
use super::integrations::field_view;
use super::{actor_of, internal, ServerServices};
use crate::store::audit::change;
use crate::store::integrations::{FieldRow, IntegrationRow};
use crate::store::mappings::{MappingDetails, MappingImport};
use crate::store::StoreError;
use crate::time::now_millis;

const DEFINITION_FORMAT: u32 = 1;

fn csv_error(message: impl Into<String>) -> AppError {
    AppError::invalid("csv", &message.into())
}

/// Which field each CSV column after the fixed ones sets.
struct CsvColumns {
    entity_name: Option<usize>,
    fields: Vec<(usize, String)>,
}

fn read_header(headers: &csv::StringRecord, fields: &[FieldRow]) -> Result<CsvColumns, AppError> {
    let names: Vec<&str> = headers.iter().collect();
    if names.first() != Some(&"organization") || names.get(1) != Some(&"entity_id") {
        return Err(csv_error(
            "the first row must be the header: organization,entity_id[,entity_name][,<field key>…]",
        ));
    }
    let mut columns = CsvColumns {
        entity_name: None,
        fields: Vec::new(),
    };
    for (index, name) in names.iter().enumerate().skip(2) {
        if names[..index].contains(name) {
            return Err(csv_error(format!("column “{name}” appears twice")));
        }
        if *name == "entity_name" {
            columns.entity_name = Some(index);
            continue;
        }
        let Some(field) = fields.iter().find(|field| field.field_key == *name) else {
            return Err(csv_error(format!(
                "column “{name}” is not a field of this integration"
            )));
        };
        if field.field_type == FieldType::Secret.as_str() {
            return Err(csv_error(format!(
                "column “{name}” is a secret field: secrets are not imported from CSV; set them on the mapping"
            )));
        }
        columns.fields.push((index, name.to_string()));
    }
    Ok(columns)
}

/// Spreadsheets run a cell that starts with one of these as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell safe to open in a spreadsheet: a leading `'` keeps a formula-like text as text.
fn spreadsheet_safe(cell: String) -> String {
    if cell.starts_with(FORMULA_STARTS) {
        format!("'{cell}")
    } else {
        cell
    }
}

/// The reverse of `spreadsheet_safe`, for cells read back from an exported file.
fn from_spreadsheet(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

fn csv_reader(text: &str) -> Result<csv::Reader<&[u8]>, AppError> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(csv_error(format!(
            "is larger than {} MB",
            MAX_IMPORT_BYTES / (1024 * 1024)
        )));
    }
    Ok(csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes()))
}

/// The rows as the preview shows them, and what importing them would write.
struct ImportPlan {
    rows: Vec<ImportRowView>,
    imports: Vec<MappingImport>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DefinitionFile {
    bifrost_integration: u32,
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    entity_id_name: String,
    #[serde(default)]
    default_entity_id: String,
    #[serde(default)]
    fields: Vec<DefinitionField>,
    /// Non-secret defaults, typed.
    #[serde(default)]
    defaults: Map<String, Value>,
    /// Secret fields whose values stay behind; informational on import.
    #[serde(default)]
    secrets_to_fill: Vec<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DefinitionField {
    key: String,
    #[serde(rename = "type")]
    field_type: FieldType,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    description: String,
}

/// A default from a definition file as the text the Configuration tab would send.
fn default_text(field_type: FieldType, value: &Value) -> Option<String> {
    match (field_type, value) {
        (FieldType::Json, value) => Some(value.to_string()),
        (_, Value::String(text)) => Some(text.clone()),
        (FieldType::Int, Value::Number(number)) => Some(number.to_string()),
        (FieldType::Bool, Value::Bool(flag)) => Some(flag.to_string()),
        _ => None,
    }
}

impl ServerServices {
    async fn plan_import(
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
        let columns = read_header(&headers, &fields)?;
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
            let (line, outcome, organization, entity_id) = match record {
                Err(error) => {
                    let line = error.position().map_or(0, |p| p.line());
                    (
                        line,
                        Err(format!("cannot be read: {error}")),
                        String::new(),
                        String::new(),
                    )
                }
                Ok(record) => {
                    let line = record.position().map_or(0, |p| p.line());
                    let organization = record.get(0).unwrap_or_default().to_string();
                    let entity_id = record.get(1).unwrap_or_default().to_string();
                    let outcome = self
                        .plan_row(
                            integration,
                            &fields,
                            &columns,
                            &record,
                            headers.len(),
                            line,
                            &mut seen,
                        )
                        .await?;
                    (line, outcome, organization, entity_id)
                }
            };
            let outcome = match outcome {
                Ok(import) => {
                    let kind = if import.mapping_id.is_some() {
                        ImportOutcome::Update
                    } else {
                        ImportOutcome::Create
                    };
                    plan.imports.push(import);
                    kind
                }
                Err(message) => ImportOutcome::Error(message),
            };
            plan.rows.push(ImportRowView {
                line,
                organization,
                entity_id,
                outcome,
            });
        }
        Ok(plan)
    }

    /// One row's mapping, or what is wrong with it. `Err` of the outer result is a server failure.
    #[allow(clippy::too_many_arguments)]
    async fn plan_row(
        &self,
        integration: &IntegrationRow,
        fields: &[FieldRow],
        columns: &CsvColumns,
        record: &csv::StringRecord,
        width: usize,
        line: u64,
        seen: &mut HashMap<String, u64>,
    ) -> Result<Result<MappingImport, String>, AppError> {
        if record.len() != width {
            return Ok(Err(format!(
                "has {} cells, the header has {width}",
                record.len()
            )));
        }
        let name = from_spreadsheet(record.get(0).unwrap_or_default());
        if name.is_empty() {
            return Ok(Err("organization: is required".into()));
        }
        if let Some(first) = seen.insert(name.to_lowercase(), line) {
            return Ok(Err(format!(
                "organization: “{name}” is already on line {first}"
            )));
        }
        let Some(organization) = self
            .store
            .find_organization_by_name(name)
            .await
            .map_err(internal)?
        else {
            return Ok(Err(format!("organization: unknown organization “{name}”")));
        };
        let entity_id = match parse_text(
            "entity_id",
            from_spreadsheet(record.get(1).unwrap_or_default()),
            MAX_ENTITY_TEXT_CHARS,
            false,
        ) {
            Ok(text) if text.is_empty() => return Ok(Err("entity_id: is required".into())),
            Ok(text) => text,
            Err(error) => return Ok(Err(error.to_string())),
        };
        let entity_name = columns
            .entity_name
            .and_then(|index| record.get(index))
            .map(from_spreadsheet)
            .unwrap_or_default();
        let entity_name = match parse_text("entity_name", entity_name, MAX_ENTITY_TEXT_CHARS, false)
        {
            Ok(text) => text,
            Err(error) => return Ok(Err(error.to_string())),
        };
        let existing = self
            .store
            .find_mapping_of_organization(integration.id, organization.id)
            .await
            .map_err(internal)?;
        let current = match &existing {
            Some(mapping) => by_field(
                self.store
                    .config_values(integration.id, Some(mapping.id))
                    .await
                    .map_err(internal)?,
            ),
            None => HashMap::new(),
        };
        let inputs: Vec<ValueInput> = columns
            .fields
            .iter()
            .map(|(index, key)| {
                let cell = from_spreadsheet(record.get(*index).unwrap_or_default());
                let change = if cell.is_empty() {
                    ValueChange::Clear
                } else {
                    ValueChange::Set(cell.to_string())
                };
                ValueInput {
                    key: key.clone(),
                    change,
                }
            })
            .collect();
        let planned = match plan_writes(fields, &current, &inputs, str::to_string) {
            Ok(planned) => planned,
            Err(error) => return Ok(Err(error.to_string())),
        };
        let mut changes = planned.changes;
        changes.insert("source".into(), change(None, Some("CSV import")));
        let before_entity = existing.as_ref().map(|m| m.entity_id.as_str());
        if before_entity != Some(entity_id.as_str()) {
            changes.insert("entity_id".into(), change(before_entity, Some(&entity_id)));
        }
        Ok(Ok(MappingImport {
            mapping_id: existing.map(|mapping| mapping.id),
            details: MappingDetails {
                integration_id: integration.id,
                organization_id: organization.id,
                entity_id,
                entity_name,
            },
            overrides: planned.writes,
            changes: Value::Object(changes),
        }))
    }
}

#[async_trait::async_trait]
impl TransferServices for ServerServices {
    async fn mappings_csv(&self, integration_name: &str) -> Result<String, AppError> {
        let integration = self.integration_row(integration_name).await?;
        let fields: Vec<FieldRow> = self
            .fields_of(integration.id)
            .await?
            .into_iter()
            .filter(|field| field.field_type != FieldType::Secret.as_str())
            .collect();
        let overrides = self
            .store
            .all_overrides(integration.id)
            .await
            .map_err(internal)?;
        let mut by_mapping: HashMap<(i64, i64), String> = HashMap::new();
        for row in overrides {
            if let (Some(mapping_id), Some(value)) = (row.mapping_id, row.value) {
                by_mapping.insert((mapping_id, row.field_id), value);
            }
        }
        let mut writer = csv::Writer::from_writer(Vec::new());
        let mut header: Vec<&str> = CSV_FIXED_COLUMNS.to_vec();
        header.extend(fields.iter().map(|field| field.field_key.as_str()));
        let failed = |error: csv::Error| {
            tracing::error!(%error, "writing the CSV failed");
            AppError::Internal
        };
        writer.write_record(&header).map_err(failed)?;
        let mut offset = 0;
        loop {
            let page = self
                .store
                .list_mappings(integration.id, "", 1000, offset)
                .await
                .map_err(internal)?;
            if page.items.is_empty() {
                break;
            }
            offset += page.items.len() as i64;
            for mapping in page.items {
                let mut record = vec![
                    mapping.organization_name,
                    mapping.entity_id,
                    mapping.entity_name,
                ];
                record.extend(fields.iter().map(|field| {
                    by_mapping
                        .get(&(mapping.id, field.id))
                        .cloned()
                        .unwrap_or_default()
                }));
                let record: Vec<String> = record.into_iter().map(spreadsheet_safe).collect();
                writer.write_record(&record).map_err(failed)?;
            }
        }
        let bytes = writer.into_inner().map_err(|_| AppError::Internal)?;
        String::from_utf8(bytes).map_err(|_| AppError::Internal)
    }

    async fn preview_mapping_import(
        &self,
        integration_id: i64,
        csv_text: &str,
    ) -> Result<ImportPreview, AppError> {
        let integration = self.integration_row_by_id(integration_id).await?;
        let plan = self.plan_import(&integration, csv_text).await?;
        let count = |wanted: fn(&ImportOutcome) -> bool| {
            plan.rows.iter().filter(|row| wanted(&row.outcome)).count()
        };
        Ok(ImportPreview {
            creates: count(|o| matches!(o, ImportOutcome::Create)),
            updates: count(|o| matches!(o, ImportOutcome::Update)),
            errors: count(|o| matches!(o, ImportOutcome::Error(_))),
            rows: plan.rows,
        })
    }

    async fn import_mapping_csv(
        &self,
        admin: &CurrentAdmin,
        integration_id: i64,
        csv_text: &str,
    ) -> Result<ImportSummary, AppError> {
        let integration = self.integration_row_by_id(integration_id).await?;
        let plan = self.plan_import(&integration, csv_text).await?;
        let errors = plan
            .rows
            .iter()
            .filter(|row| matches!(row.outcome, ImportOutcome::Error(_)))
            .count();
        if errors > 0 {
            return Err(csv_error(format!(
                "{errors} row(s) have errors; nothing was imported"
            )));
        }
        if plan.imports.is_empty() {
            return Err(csv_error("has no rows to import"));
        }
        let created = plan
            .imports
            .iter()
            .filter(|import| import.mapping_id.is_none())
            .count();
        let summary = ImportSummary {
            created,
            updated: plan.imports.len() - created,
        };
        self.store
            .import_mappings(
                &self.keyring,
                &plan.imports,
                &actor_of(admin),
                &integration.name,
                now_millis(),
            )
            .await
            .map_err(|error| match error {
                StoreError::Conflict(_) => AppError::Conflict(
                    "the mappings changed since the preview; preview again".into(),
                ),
                other => internal(other),
            })?;
        Ok(summary)
    }

    async fn definition_json(&self, name: &str) -> Result<String, AppError> {
        let integration = self.integration_row(name).await?;
        let fields = self.fields_of(integration.id).await?;
        let defaults = by_field(
            self.store
                .config_values(integration.id, None)
                .await
                .map_err(internal)?,
        );
        let mut default_values = Map::new();
        let mut secrets_to_fill = Vec::new();
        for field in &fields {
            let field_type = field_view(field).field_type;
            if field_type == FieldType::Secret {
                secrets_to_fill.push(field.field_key.clone());
                continue;
            }
            if let Some(text) = defaults.get(&field.id).and_then(|row| row.value.as_deref()) {
                default_values.insert(
                    field.field_key.clone(),
                    super::values::typed_value(field_type, text),
                );
            }
        }
        let file = DefinitionFile {
            bifrost_integration: DEFINITION_FORMAT,
            name: integration.name,
            description: integration.description,
            entity_id_name: integration.entity_id_name,
            default_entity_id: integration.default_entity_id,
            fields: fields
                .iter()
                .map(|field| {
                    let view = field_view(field);
                    DefinitionField {
                        key: view.key,
                        field_type: view.field_type,
                        required: view.required,
                        description: view.description,
                    }
                })
                .collect(),
            defaults: default_values,
            secrets_to_fill,
        };
        serde_json::to_string_pretty(&file).map_err(|_| AppError::Internal)
    }

    async fn import_definition(
        &self,
        admin: &CurrentAdmin,
        json_text: &str,
    ) -> Result<DefinitionImported, AppError> {
        if json_text.len() > MAX_IMPORT_BYTES {
            return Err(AppError::invalid("definition", "is larger than 5 MB"));
        }
        let file: DefinitionFile = serde_json::from_str(json_text).map_err(|error| {
            AppError::invalid(
                "definition",
                &format!("is not a Bifrost integration definition: {error}"),
            )
        })?;
        if file.bifrost_integration != DEFINITION_FORMAT {
            return Err(AppError::invalid(
                "definition",
                &format!(
                    "has format {}, this server reads format {DEFINITION_FORMAT}",
                    file.bifrost_integration
                ),
            ));
        }
        let draft = IntegrationDraft {
            name: file.name,
            description: file.description,
            entity_id_name: file.entity_id_name,
            default_entity_id: file.default_entity_id,
            fields: file
                .fields
                .into_iter()
                .map(|field| SchemaField {
                    id: None,
                    key: field.key,
                    field_type: field.field_type,
                    required: field.required,
                    description: field.description,
                })
                .collect(),
            confirm_field_removal: false,
            opened_at_version: None,
        }
        .validated()?;
        let mut inputs = Vec::new();
        for (key, value) in &file.defaults {
            let Some(field) = draft.fields.iter().find(|field| &field.key == key) else {
                return Err(AppError::invalid(
                    "definition",
                    &format!("defaults: “{key}” is not a field of the schema"),
                ));
            };
            if field.field_type == FieldType::Secret {
                return Err(AppError::invalid(
                    "definition",
                    &format!("defaults: “{key}” is a secret; secrets are never imported"),
                ));
            }
            let Some(text) = default_text(field.field_type, value) else {
                return Err(AppError::invalid(
                    "definition",
                    &format!(
                        "defaults: “{key}” is not a {} value",
                        field.field_type.as_str()
                    ),
                ));
            };
            if let Err(rule) = super::values::canonical_value(field.field_type, &text) {
                return Err(AppError::invalid(
                    "definition",
                    &format!("defaults: {key}: {rule}"),
                ));
            }
            inputs.push(ValueInput {
                key: key.clone(),
                change: ValueChange::Set(text),
            });
        }
        let created = self.create_integration(admin, &draft).await?;
        // The defaults were checked above, so this fails only if the store does; then the
        // integration goes too, so that the import can simply be retried.
        if let Err(error) = self.save_defaults(admin, created.id, &inputs).await {
            let _ = self.delete_integration(admin, created.id).await;
            return Err(error);
        }
        let secrets_to_fill = created
            .fields
            .iter()
            .filter(|field| field.field_type == FieldType::Secret)
            .map(|field| field.key.clone())
            .collect();
        Ok(DefinitionImported {
            name: created.name,
            secrets_to_fill,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn formula_like_cells_are_exported_as_text_and_read_back_unchanged() {
        for cell in ["=SUM(A1)", "+1", "-2", "@x", "\tx"] {
            let safe = spreadsheet_safe(cell.to_string());
            assert!(safe.starts_with('\''), "{safe}");
            assert_eq!(from_spreadsheet(&safe), cell);
        }
        assert_eq!(spreadsheet_safe("Contoso".into()), "Contoso");
        assert_eq!(from_spreadsheet("'quoted"), "'quoted");
    }

    #[test]
    fn definition_defaults_convert_by_type() {
        assert_eq!(default_text(FieldType::Int, &json!(30)), Some("30".into()));
        assert_eq!(
            default_text(FieldType::Bool, &json!(true)),
            Some("true".into())
        );
        assert_eq!(
            default_text(FieldType::Json, &json!({"a": 1})),
            Some("{\"a\":1}".into())
        );
        assert_eq!(
            default_text(FieldType::String, &json!("x")),
            Some("x".into())
        );
        assert_eq!(default_text(FieldType::String, &json!(5)), None);
    }
}
