//! The mappings CSV as cells: its reader, its header's columns, and the guard that keeps
//! formula-like cells text in spreadsheets.

use app::domain::integration::FieldType;
use app::domain::transfer::MAX_IMPORT_BYTES;
use app::error::AppError;

use crate::store::integrations::FieldRow;

pub(super) fn csv_error(message: impl Into<String>) -> AppError {
    AppError::invalid("csv", &message.into())
}

/// Which field each CSV column after the fixed ones sets.
pub(super) struct CsvColumns {
    pub entity_name: Option<usize>,
    pub fields: Vec<(usize, String)>,
}

pub(super) fn read_header(
    headers: &csv::StringRecord,
    fields: &[FieldRow],
) -> Result<CsvColumns, AppError> {
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
        columns.fields.push((index, field_column(fields, name)?));
    }
    Ok(columns)
}

/// The key of the field a column sets: a non-secret field of the integration.
fn field_column(fields: &[FieldRow], name: &str) -> Result<String, AppError> {
    let Some(field) = fields.iter().find(|field| field.field_key == name) else {
        return Err(csv_error(format!(
            "column “{name}” is not a field of this integration"
        )));
    };
    if field.field_type == FieldType::Secret.as_str() {
        return Err(csv_error(format!(
            "column “{name}” is a secret field: secrets are not imported from CSV; set them on the mapping"
        )));
    }
    Ok(name.to_string())
}

/// Spreadsheets run a cell that starts with one of these as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell safe to open in a spreadsheet: a leading `'` keeps a formula-like text as text.
pub(super) fn spreadsheet_safe(cell: String) -> String {
    if cell.starts_with(FORMULA_STARTS) {
        format!("'{cell}")
    } else {
        cell
    }
}

/// The reverse of `spreadsheet_safe`, for cells read back from an exported file.
pub(super) fn from_spreadsheet(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

/// The cell at `index` as it was exported (empty when the row has none).
pub(super) fn cell(record: &csv::StringRecord, index: usize) -> &str {
    from_spreadsheet(record.get(index).unwrap_or_default())
}

pub(super) fn csv_reader(text: &str) -> Result<csv::Reader<&[u8]>, AppError> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
