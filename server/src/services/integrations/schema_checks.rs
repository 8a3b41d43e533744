//! The checks a schema change passes before it is saved: a field's type changes only while
//! every stored value still parses, and fields with values are removed only once confirmed.

use app::domain::integration::{schema_field_name, FieldType, ValidIntegration};
use app::error::AppError;

use crate::services::values::canonical_value;
use crate::services::{internal, ServerServices};
use crate::store::integrations::{FieldRow, StoredFieldValue};

/// Whose values (an organization's, or the default) are not in the canonical form of `new_type`.
fn not_canonical(values: &[StoredFieldValue], new_type: FieldType) -> Vec<String> {
    values
        .iter()
        .filter(|stored| {
            let text = stored.value.as_deref().unwrap_or_default();
            canonical_value(new_type, text).as_deref() != Ok(text)
        })
        .map(|stored| {
            stored
                .organization_name
                .clone()
                .unwrap_or_else(|| "the default".to_string())
        })
        .collect()
}

impl ServerServices {
    /// Checks the draft's schema against the `existing` fields and their stored values; returns
    /// the ids of the fields it removes.
    pub(super) async fn check_schema_change(
        &self,
        existing: &[FieldRow],
        draft: &ValidIntegration,
    ) -> Result<Vec<i64>, AppError> {
        for (index, field) in draft.fields.iter().enumerate() {
            if let Some(field_id) = field.id {
                let Some(old) = existing.iter().find(|old| old.id == field_id) else {
                    return Err(AppError::invalid(
                        &schema_field_name(index, "key"),
                        "is not a field of this integration (reload the page)",
                    ));
                };
                self.check_type_change(index, old, field.field_type).await?;
            }
        }
        let removed: Vec<&FieldRow> = existing
            .iter()
            .filter(|old| !draft.fields.iter().any(|field| field.id == Some(old.id)))
            .collect();
        self.check_removals(&removed, draft.confirm_field_removal)
            .await?;
        Ok(removed.iter().map(|field| field.id).collect())
    }

    /// A field's type may change only while every stored value is already in the canonical
    /// form of the new type; secrets never turn into plain text or back while values exist.
    async fn check_type_change(
        &self,
        index: usize,
        old: &FieldRow,
        new_type: FieldType,
    ) -> Result<(), AppError> {
        if old.field_type == new_type.as_str() {
            return Ok(());
        }
        let values = self
            .store
            .stored_values_of_field(old.id)
            .await
            .map_err(internal)?;
        if values.is_empty() {
            return Ok(());
        }
        let field = schema_field_name(index, "type");
        if old.field_type == FieldType::Secret.as_str() || new_type == FieldType::Secret {
            return Err(AppError::invalid(
                &field,
                &format!(
                    "\"{}\" cannot change to or from secret while it has stored values ({}); clear them first",
                    old.field_key,
                    values.len()
                ),
            ));
        }
        let failing = not_canonical(&values, new_type);
        if failing.is_empty() {
            return Ok(());
        }
        Err(AppError::invalid(
            &field,
            &format!(
                "\"{}\" cannot become {}: the values of {} would not parse as {}",
                old.field_key,
                new_type.as_str(),
                failing.join(", "),
                new_type.as_str()
            ),
        ))
    }

    async fn check_removals(&self, removed: &[&FieldRow], confirmed: bool) -> Result<(), AppError> {
        if confirmed {
            return Ok(());
        }
        let mut with_values = Vec::new();
        for field in removed {
            let count = self
                .store
                .stored_values_of_field(field.id)
                .await
                .map_err(internal)?
                .len();
            if count > 0 {
                with_values.push(format!(
                    "\"{}\" ({count} stored value{})",
                    field.field_key,
                    if count == 1 { "" } else { "s" }
                ));
            }
        }
        if with_values.is_empty() {
            return Ok(());
        }
        Err(AppError::NeedsConfirmation(format!(
            "Removing {} deletes its stored values. Confirm to delete them.",
            with_values.join(", ")
        )))
    }
}
