//! An integration's JSON definition: exported without secrets, imported with the secrets still
//! to fill in reported.

use std::collections::HashMap;

use app::domain::admin::CurrentAdmin;
use app::domain::integration::{
    FieldType, IntegrationDraft, SchemaField, ValidIntegration, ValueChange, ValueInput,
};
use app::domain::transfer::{DefinitionImported, MAX_IMPORT_BYTES};
use app::error::AppError;
use app::ssr::{ConfigurationServices, IntegrationServices};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::services::integrations::field_view;
use crate::services::values::{canonical_value, typed_value};
use crate::services::ServerServices;
use crate::store::config_values::ValueRow;
use crate::store::integrations::FieldRow;

const DEFINITION_FORMAT: u32 = 1;

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

fn definition_error(message: &str) -> AppError {
    AppError::invalid("definition", message)
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

fn definition_field(field: &FieldRow) -> DefinitionField {
    let view = field_view(field);
    DefinitionField {
        key: view.key,
        field_type: view.field_type,
        required: view.required,
        description: view.description,
    }
}

/// The typed non-secret defaults by key, and the keys of the secret fields.
fn exported_defaults(
    fields: &[FieldRow],
    defaults: &HashMap<i64, ValueRow>,
) -> (Map<String, Value>, Vec<String>) {
    let mut values = Map::new();
    let mut secrets_to_fill = Vec::new();
    for field in fields {
        let field_type = field_view(field).field_type;
        if field_type == FieldType::Secret {
            secrets_to_fill.push(field.field_key.clone());
            continue;
        }
        if let Some(text) = defaults.get(&field.id).and_then(|row| row.value.as_deref()) {
            values.insert(field.field_key.clone(), typed_value(field_type, text));
        }
    }
    (values, secrets_to_fill)
}

/// The definition file's integration, checked, and its defaults.
fn read_definition(json_text: &str) -> Result<(ValidIntegration, Map<String, Value>), AppError> {
    if json_text.len() > MAX_IMPORT_BYTES {
        return Err(definition_error("is larger than 5 MB"));
    }
    let file: DefinitionFile = serde_json::from_str(json_text).map_err(|error| {
        definition_error(&format!("is not a Bifrost integration definition: {error}"))
    })?;
    if file.bifrost_integration != DEFINITION_FORMAT {
        return Err(definition_error(&format!(
            "has format {}, this server reads format {DEFINITION_FORMAT}",
            file.bifrost_integration
        )));
    }
    let fields = file.fields.into_iter().map(|field| SchemaField {
        id: None,
        key: field.key,
        field_type: field.field_type,
        required: field.required,
        description: field.description,
    });
    let draft = IntegrationDraft {
        name: file.name,
        description: file.description,
        entity_id_name: file.entity_id_name,
        default_entity_id: file.default_entity_id,
        fields: fields.collect(),
        confirm_field_removal: false,
        opened_at_version: None,
    }
    .validated()?;
    Ok((draft, file.defaults))
}

/// The defaults as the Configuration tab would save them, each checked against its field.
fn default_inputs(
    draft: &ValidIntegration,
    defaults: &Map<String, Value>,
) -> Result<Vec<ValueInput>, AppError> {
    let mut inputs = Vec::new();
    for (key, value) in defaults {
        let Some(field) = draft.fields.iter().find(|field| &field.key == key) else {
            return Err(definition_error(&format!(
                "defaults: “{key}” is not a field of the schema"
            )));
        };
        inputs.push(default_input(field, value)?);
    }
    Ok(inputs)
}

fn default_input(field: &SchemaField, value: &Value) -> Result<ValueInput, AppError> {
    let key = &field.key;
    if field.field_type == FieldType::Secret {
        return Err(definition_error(&format!(
            "defaults: “{key}” is a secret; secrets are never imported"
        )));
    }
    let Some(text) = default_text(field.field_type, value) else {
        return Err(definition_error(&format!(
            "defaults: “{key}” is not a {} value",
            field.field_type.as_str()
        )));
    };
    if let Err(rule) = canonical_value(field.field_type, &text) {
        return Err(definition_error(&format!("defaults: {key}: {rule}")));
    }
    Ok(ValueInput {
        key: key.clone(),
        change: ValueChange::Set(text),
    })
}

impl ServerServices {
    pub(super) async fn export_definition(&self, name: &str) -> Result<String, AppError> {
        let integration = self.integration_row(name).await?;
        let fields = self.fields_of(integration.id).await?;
        let defaults = self.defaults_by_field(integration.id).await?;
        let (defaults, secrets_to_fill) = exported_defaults(&fields, &defaults);
        let file = DefinitionFile {
            bifrost_integration: DEFINITION_FORMAT,
            name: integration.name,
            description: integration.description,
            entity_id_name: integration.entity_id_name,
            default_entity_id: integration.default_entity_id,
            fields: fields.iter().map(definition_field).collect(),
            defaults,
            secrets_to_fill,
        };
        serde_json::to_string_pretty(&file).map_err(|_| AppError::Internal)
    }

    pub(super) async fn import_definition_file(
        &self,
        admin: &CurrentAdmin,
        json_text: &str,
    ) -> Result<DefinitionImported, AppError> {
        let (draft, defaults) = read_definition(json_text)?;
        let inputs = default_inputs(&draft, &defaults)?;
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
