//! Integrations: a named external API with a typed config schema, defaults, and one mapping
//! per customer organization. The shapes here travel between server and browser; the rules that
//! need no IO live here too, so both sides apply the same ones.

use serde::{Deserialize, Serialize};

use crate::domain::ids::{ConnectionId, IntegrationId};

use crate::error::{note, AppError, FieldError};

mod entity_source;
mod field_values;
mod mappings;

pub use entity_source::*;
pub use field_values::*;
pub use mappings::*;

pub const MAX_INTEGRATION_NAME_CHARS: usize = 64;
pub const MAX_FIELD_KEY_CHARS: usize = 64;
pub const MAX_DESCRIPTION_CHARS: usize = 500;
pub const MAX_ENTITY_TEXT_CHARS: usize = 200;
pub const MAX_FIELDS: usize = 100;
/// Rows per page on the integrations list and the Mappings tab.
pub const INTEGRATIONS_PER_PAGE: i64 = 25;
pub const MAPPINGS_PER_PAGE: i64 = 25;

/// 1–64 letters, digits, `_` or `-`; unique case-insensitively.
pub fn parse_integration_name(raw: &str) -> Result<String, AppError> {
    let name = raw.trim();
    let rule = "must be 1–64 letters, digits, _ or - (no spaces)";
    if name.is_empty() {
        return Err(AppError::invalid("name", "is required"));
    }
    let valid = name.chars().count() <= MAX_INTEGRATION_NAME_CHARS
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !valid {
        return Err(AppError::invalid("name", rule));
    }
    // `/settings/integrations/new` is the create form's address.
    if name.eq_ignore_ascii_case("new") {
        return Err(AppError::invalid(
            "name",
            "\"new\" is reserved; choose another name",
        ));
    }
    Ok(name.to_string())
}

/// An identifier: `[a-z_][a-z0-9_]*`, at most 64 characters.
pub fn is_valid_field_key(key: &str) -> bool {
    let mut chars = key.chars();
    let starts_well = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_');
    starts_well
        && key.len() <= MAX_FIELD_KEY_CHARS
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Free text of at most `max` characters without control characters (newlines allowed when
/// `multiline`); trimmed.
pub fn parse_text(field: &str, raw: &str, max: usize, multiline: bool) -> Result<String, AppError> {
    let text = raw.trim();
    if text.chars().count() > max {
        return Err(AppError::invalid(
            field,
            &format!("must be at most {max} characters"),
        ));
    }
    let allowed = |c: char| !c.is_control() || (multiline && (c == '\n' || c == '\r' || c == '\t'));
    if !text.chars().all(allowed) {
        return Err(AppError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(text.to_string())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    String,
    Int,
    Bool,
    Json,
    Secret,
}

impl FieldType {
    pub const ALL: [FieldType; 5] = [
        FieldType::String,
        FieldType::Int,
        FieldType::Bool,
        FieldType::Json,
        FieldType::Secret,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Int => "int",
            FieldType::Bool => "bool",
            FieldType::Json => "json",
            FieldType::Secret => "secret",
        }
    }

    pub fn parse(text: &str) -> Option<FieldType> {
        FieldType::ALL.into_iter().find(|t| t.as_str() == text)
    }
}

/// One field of a config schema as the editor sends it; `id` is set for fields that exist, so a
/// renamed key keeps its values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaField {
    pub id: Option<i64>,
    pub key: String,
    pub field_type: FieldType,
    pub required: bool,
    pub description: String,
}

/// The integration form: details and schema.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct IntegrationDraft {
    pub name: String,
    pub description: String,
    pub entity_id_name: String,
    pub default_entity_id: String,
    pub fields: Vec<SchemaField>,
    /// The admin confirmed deleting the stored values of removed fields.
    pub confirm_field_removal: bool,
    /// For an edit: the integration's version when the form was opened, so a save over
    /// someone else's change is refused instead of silently undoing it.
    #[serde(default)]
    pub opened_at_version: Option<i64>,
}

/// Create Integration's optional "OAuth Provider": an existing connection, or one configured
/// inline, created with the integration in one transaction. `None` (no choice) links nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IntegrationOAuthChoice {
    Existing {
        connection_id: crate::domain::ids::ConnectionId,
    },
    /// Its errors name the connection form's fields with the prefix `oauth.`; an empty name
    /// takes the integration's.
    Custom {
        draft: Box<crate::domain::oauth::OAuthConnectionDraft>,
    },
}

/// The form field name of an inline OAuth connection's field, as error messages name it.
pub fn inline_oauth_field(field: &str) -> String {
    format!("oauth.{field}")
}

/// The form field name of a schema field's part, as error messages name it.
pub fn schema_field_name(index: usize, part: &str) -> String {
    format!("fields.{index}.{part}")
}

impl IntegrationDraft {
    /// Checks every rule that needs no database, reporting every field that breaks one, and
    /// returns the draft trimmed.
    pub fn validated(&self) -> Result<ValidIntegration, AppError> {
        let mut errors = Vec::new();
        let name = note(&mut errors, parse_integration_name(&self.name));
        let description = note(
            &mut errors,
            parse_text(
                "description",
                &self.description,
                MAX_DESCRIPTION_CHARS,
                true,
            ),
        );
        let entity_id_name = note(
            &mut errors,
            parse_text(
                "entity_id_name",
                &self.entity_id_name,
                MAX_ENTITY_TEXT_CHARS,
                false,
            ),
        );
        let default_entity_id = note(
            &mut errors,
            parse_text(
                "default_entity_id",
                &self.default_entity_id,
                MAX_ENTITY_TEXT_CHARS,
                false,
            ),
        );
        if self.fields.len() > MAX_FIELDS {
            errors.push(FieldError {
                field: "fields".into(),
                message: format!("a schema has at most {MAX_FIELDS} fields"),
            });
        }
        let fields = checked_fields(&self.fields, &mut errors);
        AppError::check_fields(errors)?;
        Ok(ValidIntegration(IntegrationDraft {
            name,
            description,
            entity_id_name,
            default_entity_id,
            fields,
            confirm_field_removal: self.confirm_field_removal,
            opened_at_version: self.opened_at_version,
        }))
    }
}

/// An integration draft that passed every rule needing no database: trimmed, every field key
/// valid and used once. Only [`IntegrationDraft::validated`] makes one, so a function that takes
/// it cannot be handed an unchecked draft. It reads as the draft it wraps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidIntegration(IntegrationDraft);

impl std::ops::Deref for ValidIntegration {
    type Target = IntegrationDraft;

    fn deref(&self) -> &IntegrationDraft {
        &self.0
    }
}

/// The schema's fields trimmed, each broken rule noted in `errors`.
fn checked_fields(raw: &[SchemaField], errors: &mut Vec<FieldError>) -> Vec<SchemaField> {
    let mut fields: Vec<SchemaField> = Vec::with_capacity(raw.len());
    for (index, field) in raw.iter().enumerate() {
        let key = field.key.trim().to_string();
        if field.id.is_some() && raw[..index].iter().any(|earlier| earlier.id == field.id) {
            errors.push(FieldError {
                field: schema_field_name(index, "key"),
                message: "appears twice in the schema (reload the page)".into(),
            });
        }
        if let Some(message) = field_key_rule(&key, &fields) {
            errors.push(FieldError {
                field: schema_field_name(index, "key"),
                message,
            });
        }
        let description = note(
            errors,
            parse_text(
                &schema_field_name(index, "description"),
                &field.description,
                MAX_DESCRIPTION_CHARS,
                false,
            ),
        );
        fields.push(SchemaField {
            id: field.id,
            key,
            field_type: field.field_type,
            required: field.required,
            description,
        });
    }
    fields
}

/// The rule a trimmed field key breaks, given the fields before it.
fn field_key_rule(key: &str, earlier: &[SchemaField]) -> Option<String> {
    if key.is_empty() {
        Some("is required".to_string())
    } else if !is_valid_field_key(key) {
        Some(format!("\"{key}\" must start with a lower-case letter or _ and hold only a–z, 0–9 and _ (at most {MAX_FIELD_KEY_CHARS})"))
    } else if earlier.iter().any(|field| field.key == key) {
        Some(format!("\"{key}\" is used by another field"))
    } else {
        None
    }
}

/// A row of the integrations list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrationSummary {
    pub id: IntegrationId,
    pub name: String,
    pub description: String,
    /// The linked OAuth connection's name.
    pub oauth_connection: Option<String>,
    /// Where the connection's shared token stands, when a connection is linked.
    pub oauth_state: Option<crate::domain::oauth::TokenState>,
    pub mapped_organizations: i64,
    pub field_count: i64,
}

/// An integration with its schema, for the integration page and the edit form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrationView {
    pub id: IntegrationId,
    pub name: String,
    pub description: String,
    pub entity_id_name: String,
    pub default_entity_id: String,
    pub fields: Vec<SchemaFieldView>,
    pub mapped_organizations: i64,
    pub oauth_connection: Option<OAuthLink>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Moves forward with every save; an edit names the version it started from.
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaFieldView {
    pub id: i64,
    pub key: String,
    pub field_type: FieldType,
    pub required: bool,
    pub description: String,
}

impl IntegrationView {
    /// The label for entity IDs on this integration ("Tenant ID"), or a generic one.
    pub fn entity_label(&self) -> &str {
        if self.entity_id_name.is_empty() {
            "Entity ID"
        } else {
            &self.entity_id_name
        }
    }

    /// The edit form's starting point.
    pub fn to_draft(&self) -> IntegrationDraft {
        IntegrationDraft {
            name: self.name.clone(),
            description: self.description.clone(),
            entity_id_name: self.entity_id_name.clone(),
            default_entity_id: self.default_entity_id.clone(),
            fields: self
                .fields
                .iter()
                .map(|field| SchemaField {
                    id: Some(field.id),
                    key: field.key.clone(),
                    field_type: field.field_type,
                    required: field.required,
                    description: field.description.clone(),
                })
                .collect(),
            confirm_field_removal: false,
            opened_at_version: Some(self.version),
        }
    }
}

/// The OAuth connection an integration is linked to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthLink {
    pub id: ConnectionId,
    pub name: String,
}

/// What deleting an integration takes with it, for the confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrationDeletionImpact {
    pub name: String,
    pub mappings: i64,
    pub values: i64,
}

#[cfg(test)]
mod tests;
