//! The mappings CSV export: one row per mapping with its non-secret overrides, every cell safe
//! to open in a spreadsheet.

use app::domain::ids::{IntegrationId, MappingId};
use std::collections::HashMap;

use app::domain::integration::FieldType;
use app::domain::transfer::CSV_FIXED_COLUMNS;
use app::error::AppError;

use super::csv_cells::spreadsheet_safe;
use crate::services::{internal, ServerServices};
use crate::store::integrations::FieldRow;
use crate::store::mappings::MappingRow;

/// How many mappings the export reads at a time.
const EXPORT_PAGE: i64 = 1000;

/// The override texts of an integration's mappings, by `(mapping_id, field_id)`.
type OverrideTexts = HashMap<(MappingId, i64), String>;

fn write_failed(error: csv::Error) -> AppError {
    tracing::error!(%error, "writing the CSV failed");
    AppError::Internal
}

/// A mapping's row: its fixed columns, then each field's override (empty without one).
fn mapping_record(
    mapping: MappingRow,
    fields: &[FieldRow],
    overrides: &OverrideTexts,
) -> Vec<String> {
    let mut record = vec![
        mapping.organization_name,
        mapping.entity_id,
        mapping.entity_name,
    ];
    record.extend(fields.iter().map(|field| {
        overrides
            .get(&(mapping.id, field.id))
            .cloned()
            .unwrap_or_default()
    }));
    record.into_iter().map(spreadsheet_safe).collect()
}

impl ServerServices {
    pub(super) async fn export_mappings_csv(
        &self,
        integration_name: &str,
    ) -> Result<String, AppError> {
        let integration = self.integration_row(integration_name).await?;
        let fields: Vec<FieldRow> = self
            .fields_of(integration.id)
            .await?
            .into_iter()
            .filter(|field| field.field_type != FieldType::Secret.as_str())
            .collect();
        let overrides = self.override_texts(integration.id).await?;
        let mut writer = csv::Writer::from_writer(Vec::new());
        let mut header: Vec<&str> = CSV_FIXED_COLUMNS.to_vec();
        header.extend(fields.iter().map(|field| field.field_key.as_str()));
        writer.write_record(&header).map_err(write_failed)?;
        let mut offset = 0;
        loop {
            let page = self
                .store
                .list_mappings(integration.id, "", EXPORT_PAGE, offset)
                .await
                .map_err(internal)?;
            if page.items.is_empty() {
                break;
            }
            offset += page.items.len() as i64;
            for mapping in page.items {
                let record = mapping_record(mapping, &fields, &overrides);
                writer.write_record(&record).map_err(write_failed)?;
            }
        }
        let bytes = writer.into_inner().map_err(|_| AppError::Internal)?;
        String::from_utf8(bytes).map_err(|_| AppError::Internal)
    }

    async fn override_texts(
        &self,
        integration_id: IntegrationId,
    ) -> Result<OverrideTexts, AppError> {
        let rows = self
            .store
            .all_overrides(integration_id)
            .await
            .map_err(internal)?;
        let mut texts = HashMap::new();
        for row in rows {
            if let (Some(mapping_id), Some(value)) = (row.mapping_id, row.value) {
                texts.insert((mapping_id, row.field_id), value);
            }
        }
        Ok(texts)
    }
}
