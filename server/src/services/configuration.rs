//! Config values: the defaults on the Configuration tab, overrides on mappings, and the merged
//! config workflows receive. Every value is checked against its field's type before anything is
//! written, and a save writes all values or none.

use app::domain::ids::{IntegrationId, MappingId, OrganizationId};
use std::collections::HashMap;

use app::domain::admin::CurrentAdmin;
use app::domain::integration::{
    FieldType, FieldValueView, SchemaFieldView, ShownValue, ValueChange, ValueInput,
};
use app::error::{AppError, FieldError};
use app::ssr::ConfigurationServices;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};

use super::changes::value_change;
use super::integrations::field_view;
use super::values::{canonical_value, display_value, typed_value};
use super::{actor_of, internal, ServerServices};
use crate::store::audit::AuditRecord;
use crate::store::config_values::{secret_identity, FieldWrite, ValueRow, ValueWrite};
use crate::store::integrations::{FieldRow, IntegrationRow};
use crate::store::mappings::MappingRow;
use crate::store::StoreError;
use crate::time::now_millis;

/// What the browser may see of a stored value.
pub(crate) fn shown(field: &SchemaFieldView, row: Option<&ValueRow>) -> ShownValue {
    match row {
        None => ShownValue::Unset,
        Some(row) if row.secret_value.is_some() => ShownValue::SecretSet,
        Some(row) => ShownValue::Text(display_value(
            field.field_type,
            row.value.as_deref().unwrap_or_default(),
        )),
    }
}

pub(crate) fn by_field(rows: Vec<ValueRow>) -> HashMap<i64, ValueRow> {
    rows.into_iter().map(|row| (row.field_id, row)).collect()
}

/// The writes and audit changes for a set of inputs, or every rule broken, each named by its
/// field's key.
pub(crate) struct PlannedWrites {
    pub writes: Vec<FieldWrite>,
    pub changes: Map<String, Value>,
}

/// A value save that found the schema changed since its values were checked.
pub(crate) fn schema_changed_meanwhile(error: StoreError) -> AppError {
    match error {
        StoreError::Stale => AppError::Conflict(
            "The integration's fields changed while you were saving; reload the page and enter the values again."
                .to_string(),
        ),
        other => internal(other),
    }
}

pub(crate) fn plan_writes(
    fields: &[FieldRow],
    current: &HashMap<i64, ValueRow>,
    inputs: &[ValueInput],
    field_name: impl Fn(&str) -> String,
) -> Result<PlannedWrites, AppError> {
    let mut planned = PlannedWrites {
        writes: Vec::new(),
        changes: Map::new(),
    };
    let mut errors = Vec::new();
    for input in inputs {
        let Some(field) = fields.iter().find(|field| field.field_key == input.key) else {
            errors.push(FieldError {
                field: field_name(&input.key),
                message: "is not a field of this integration".into(),
            });
            continue;
        };
        match plan_field_write(field, current.get(&field.id), &input.change) {
            Ok(Some((write, change))) => {
                planned.changes.insert(field.field_key.clone(), change);
                planned.writes.push(write);
            }
            Ok(None) => {}
            Err(message) => errors.push(FieldError {
                field: field_name(&input.key),
                message,
            }),
        }
    }
    AppError::check_fields(errors)?;
    Ok(planned)
}

/// One field's write with its audit change, `None` when it changes nothing, or the rule its
/// value broke.
fn plan_field_write(
    field: &FieldRow,
    before: Option<&ValueRow>,
    change: &ValueChange,
) -> Result<Option<(FieldWrite, Value)>, String> {
    let field_type = field_view(field).field_type;
    let Some(write) = value_write(field_type, before, change)? else {
        return Ok(None);
    };
    let before_text = before.map(|row| row.value.as_deref().unwrap_or("(secret)"));
    let after_text = match &write {
        ValueWrite::Remove if before.is_none() => return Ok(None),
        ValueWrite::Remove => None,
        ValueWrite::Plain(text) => Some(text.as_str()),
        ValueWrite::Secret(_) => Some("(secret)"),
    };
    let change = value_change(field_type, before_text, after_text);
    let write = FieldWrite {
        field_id: field.id,
        field_type: field.field_type.clone(),
        write,
    };
    Ok(Some((write, change)))
}

/// What a change asks to write (`None`: nothing, as for an unchanged plain value), or the rule
/// its value broke.
fn value_write(
    field_type: FieldType,
    before: Option<&ValueRow>,
    change: &ValueChange,
) -> Result<Option<ValueWrite>, String> {
    let text = match change {
        ValueChange::Keep => return Ok(None),
        ValueChange::Clear => return Ok(Some(ValueWrite::Remove)),
        ValueChange::Set(text) if text.is_empty() => return Ok(Some(ValueWrite::Remove)),
        ValueChange::Set(text) => text,
    };
    let canonical = canonical_value(field_type, text)?;
    if field_type == FieldType::Secret {
        return Ok(Some(ValueWrite::Secret(SecretString::from(canonical))));
    }
    if before.and_then(|row| row.value.as_deref()) == Some(canonical.as_str()) {
        return Ok(None);
    }
    Ok(Some(ValueWrite::Plain(canonical)))
}

/// The config an organization (or the global scope) resolves to. Holds decrypted secrets:
/// its `Debug` shows only the keys.
pub struct MergedConfig {
    /// The rows the merge read, for the token lookup that follows on the same request.
    pub integration: IntegrationRow,
    pub mapping: Option<MappingRow>,
    pub integration_name: String,
    pub entity_id: String,
    pub entity_name: String,
    pub entity_id_name: String,
    /// Whether the organization has a mapping (else this is the global scope).
    pub mapped: bool,
    pub config: Map<String, Value>,
    pub missing_required: Vec<String>,
}

impl std::fmt::Debug for MergedConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MergedConfig")
            .field("integration_name", &self.integration_name)
            .field("entity_id", &self.entity_id)
            .field("mapped", &self.mapped)
            .field("config_keys", &self.config.keys().collect::<Vec<_>>())
            .field("missing_required", &self.missing_required)
            .finish()
    }
}

impl ServerServices {
    /// The merged config of an integration for an organization (`None`: the global scope):
    /// defaults, then the organization's overrides; typed; secrets decrypted.
    pub async fn merged_config(
        &self,
        integration_name: &str,
        organization_id: Option<OrganizationId>,
    ) -> Result<MergedConfig, AppError> {
        let integration = self.integration_row(integration_name).await?;
        let fields = self.fields_of(integration.id).await?;
        let mapping = match organization_id {
            Some(organization_id) => self
                .store
                .find_mapping_of_organization(integration.id, organization_id)
                .await
                .map_err(internal)?,
            None => None,
        };
        let defaults = self.defaults_by_field(integration.id).await?;
        let overrides = self
            .overrides_by_field(integration.id, mapping.as_ref().map(|mapping| mapping.id))
            .await?;
        let (config, missing_required) = self.merge(&fields, |field_id| {
            overrides.get(&field_id).or_else(|| defaults.get(&field_id))
        })?;
        let (entity_id, entity_name) = match &mapping {
            Some(mapping) => (mapping.entity_id.clone(), mapping.entity_name.clone()),
            None => (integration.default_entity_id.clone(), String::new()),
        };
        Ok(MergedConfig {
            integration_name: integration.name.clone(),
            entity_id,
            entity_name,
            entity_id_name: integration.entity_id_name.clone(),
            mapped: mapping.is_some(),
            config,
            missing_required,
            integration,
            mapping,
        })
    }

    /// Each field's value in the scope (`value_of` a field id: the override, else the default),
    /// typed; and the required fields with none.
    pub(crate) fn merge<'v>(
        &self,
        fields: &[FieldRow],
        value_of: impl Fn(i64) -> Option<&'v ValueRow>,
    ) -> Result<(Map<String, Value>, Vec<String>), AppError> {
        let mut config = Map::new();
        let mut missing_required = Vec::new();
        for field in fields {
            let field_type = field_view(field).field_type;
            match value_of(field.id) {
                Some(row) => {
                    config.insert(field.field_key.clone(), self.typed(field_type, row)?);
                }
                None if field.required => missing_required.push(field.field_key.clone()),
                None => {}
            }
        }
        Ok((config, missing_required))
    }

    /// An integration's defaults by field id.
    pub(crate) async fn defaults_by_field(
        &self,
        integration_id: IntegrationId,
    ) -> Result<HashMap<i64, ValueRow>, AppError> {
        let rows = self
            .store
            .config_values(integration_id, None)
            .await
            .map_err(internal)?;
        Ok(by_field(rows))
    }

    /// A mapping's overrides by field id; none without a mapping.
    pub(crate) async fn overrides_by_field(
        &self,
        integration_id: IntegrationId,
        mapping_id: Option<MappingId>,
    ) -> Result<HashMap<i64, ValueRow>, AppError> {
        let Some(mapping_id) = mapping_id else {
            return Ok(HashMap::new());
        };
        let rows = self
            .store
            .config_values(integration_id, Some(mapping_id))
            .await
            .map_err(internal)?;
        Ok(by_field(rows))
    }

    fn typed(&self, field_type: FieldType, row: &ValueRow) -> Result<Value, AppError> {
        match (&row.secret_value, &row.value) {
            (Some(sealed), _) => {
                let secret = self
                    .keyring
                    .decrypt(secret_identity(row.id), sealed)
                    .map_err(|error| {
                        tracing::error!(%error, "a stored secret cannot be decrypted");
                        AppError::Internal
                    })?;
                Ok(Value::String(secret.expose_secret().to_string()))
            }
            (None, Some(text)) => Ok(typed_value(field_type, text)),
            (None, None) => Ok(Value::Null),
        }
    }
}

#[async_trait::async_trait]
impl ConfigurationServices for ServerServices {
    /// Every field with its default, for the Configuration tab.
    async fn default_values(
        &self,
        integration_id: IntegrationId,
    ) -> Result<Vec<FieldValueView>, AppError> {
        let fields = self.fields_of(integration_id).await?;
        let defaults = self.defaults_by_field(integration_id).await?;
        Ok(fields
            .iter()
            .map(|row| {
                let field = field_view(row);
                let value = shown(&field, defaults.get(&row.id));
                FieldValueView {
                    field,
                    value,
                    default: ShownValue::Unset,
                }
            })
            .collect())
    }

    /// Saves the defaults: every value is checked first, then all are written or none.
    async fn save_defaults(
        &self,
        admin: &CurrentAdmin,
        integration_id: IntegrationId,
        inputs: &[ValueInput],
    ) -> Result<Vec<FieldValueView>, AppError> {
        let integration = self.integration_row_by_id(integration_id).await?;
        let fields = self.fields_of(integration_id).await?;
        let current = self.defaults_by_field(integration_id).await?;
        let planned = plan_writes(&fields, &current, inputs, |key| key.to_string())?;
        if !planned.writes.is_empty() {
            let actor = actor_of(admin);
            let record = AuditRecord::new(
                &actor,
                "integration.defaults",
                ("integration", integration.id, &integration.name),
                Value::Object(planned.changes),
            );
            self.store
                .save_default_values(
                    &self.keyring,
                    integration_id,
                    &planned.writes,
                    record,
                    now_millis(),
                )
                .await
                .map_err(schema_changed_meanwhile)?;
        }
        self.default_values(integration_id).await
    }
}
