//! Integrations: a named external API with a typed config schema, defaults, and one mapping
//! per customer organization. The shapes here travel between server and browser; the rules that
//! need no IO live here too, so both sides apply the same ones.

use serde::{Deserialize, Serialize};

use crate::error::{note, AppError, FieldError};

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

/// The form field name of a schema field's part, as error messages name it.
pub fn schema_field_name(index: usize, part: &str) -> String {
    format!("fields.{index}.{part}")
}

impl IntegrationDraft {
    /// Checks every rule that needs no database, reporting every field that breaks one, and
    /// returns the draft trimmed.
    pub fn validated(&self) -> Result<IntegrationDraft, AppError> {
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
        let mut fields: Vec<SchemaField> = Vec::with_capacity(self.fields.len());
        for (index, field) in self.fields.iter().enumerate() {
            let key = field.key.trim().to_string();
            let key_rule = if key.is_empty() {
                Some("is required".to_string())
            } else if !is_valid_field_key(&key) {
                Some(format!("\"{key}\" must start with a lower-case letter or _ and hold only a–z, 0–9 and _ (at most {MAX_FIELD_KEY_CHARS})"))
            } else if fields.iter().any(|earlier| earlier.key == key) {
                Some(format!("\"{key}\" is used by another field"))
            } else {
                None
            };
            if field.id.is_some()
                && self.fields[..index]
                    .iter()
                    .any(|earlier| earlier.id == field.id)
            {
                errors.push(FieldError {
                    field: schema_field_name(index, "key"),
                    message: "appears twice in the schema (reload the page)".into(),
                });
            }
            if let Some(message) = key_rule {
                errors.push(FieldError {
                    field: schema_field_name(index, "key"),
                    message,
                });
            }
            let description = note(
                &mut errors,
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
        AppError::check_fields(errors)?;
        Ok(IntegrationDraft {
            name,
            description,
            entity_id_name,
            default_entity_id,
            fields,
            confirm_field_removal: self.confirm_field_removal,
            opened_at_version: self.opened_at_version,
        })
    }
}

/// A row of the integrations list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrationSummary {
    pub id: i64,
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
    pub id: i64,
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
    pub id: i64,
    pub name: String,
}

/// What a stored value looks like to the browser: secrets only say whether they are set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShownValue {
    Unset,
    /// The value in its text form (`42`, `true`, pretty JSON, text).
    Text(String),
    SecretSet,
}

impl ShownValue {
    pub fn is_set(&self) -> bool {
        !matches!(self, ShownValue::Unset)
    }
}

/// A field with its value at one level (defaults, or one organization's override).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldValueView {
    pub field: SchemaFieldView,
    pub value: ShownValue,
    /// The default this value overrides (for overrides), or `Unset` for defaults.
    pub default: ShownValue,
}

impl FieldValueView {
    /// Required, and neither this level nor the default has a value.
    pub fn is_missing(&self) -> bool {
        self.field.required && !self.value.is_set() && !self.default.is_set()
    }
}

/// What to do with one field's value on save. `Debug` never shows the value: it may be a secret.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ValueChange {
    /// Leave it as it is (how secrets the admin did not touch arrive).
    Keep,
    /// Set it from its text form; an empty text clears it.
    Set(String),
    /// Remove it: the organization falls back to the default, the default to nothing.
    Clear,
}

impl std::fmt::Debug for ValueChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ValueChange::Keep => f.write_str("Keep"),
            ValueChange::Set(_) => f.write_str("Set(…)"),
            ValueChange::Clear => f.write_str("Clear"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueInput {
    pub key: String,
    pub change: ValueChange,
}

/// A mapping as the Mappings tab lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingSummary {
    pub id: i64,
    pub organization_id: i64,
    pub organization_name: String,
    pub entity_id: String,
    pub entity_name: String,
    pub override_count: i64,
    /// Required fields with neither a default nor an override.
    pub missing_required: Vec<String>,
    /// The organization-specific OAuth token linked to the mapping and where it stands;
    /// `None` when the mapping uses the shared token.
    pub oauth_token: Option<(i64, crate::domain::oauth::TokenState)>,
    /// The entity ID the provider reported when the organization connected, when it differs
    /// from the mapping's: the admin may adopt it.
    pub detected_entity_id: Option<String>,
}

/// The Add/Edit Mapping form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingDraft {
    pub organization_id: i64,
    pub entity_id: String,
    pub entity_name: String,
    pub overrides: Vec<ValueInput>,
}

/// One mapping with its overrides, for the edit form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingView {
    pub id: i64,
    pub organization_id: i64,
    pub organization_name: String,
    pub entity_id: String,
    pub entity_name: String,
    pub values: Vec<FieldValueView>,
    /// The organization-specific OAuth token linked to the mapping, if any.
    pub oauth_token_id: Option<i64>,
}

/// An organization that can still be mapped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationChoice {
    pub id: i64,
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
mod tests {
    use super::*;

    fn field(key: &str) -> SchemaField {
        SchemaField {
            id: None,
            key: key.into(),
            field_type: FieldType::String,
            required: false,
            description: String::new(),
        }
    }

    fn draft(fields: Vec<SchemaField>) -> IntegrationDraft {
        IntegrationDraft {
            name: "HaloPSA".into(),
            fields,
            ..Default::default()
        }
    }

    #[test]
    fn integration_names_follow_the_rule() {
        for good in ["HaloPSA", "Microsoft_Graph", "a", "x-1", &"n".repeat(64)] {
            assert!(parse_integration_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "  ",
            "Halo PSA",
            "Halo/PSA",
            "é",
            "New",
            &"n".repeat(65),
        ] {
            let error = parse_integration_name(bad).expect_err(bad);
            assert!(error.for_field("name").is_some(), "{bad}");
        }
    }

    #[test]
    fn field_keys_are_identifiers() {
        for good in ["base_url", "_x", "a1", &"k".repeat(64)] {
            assert!(is_valid_field_key(good), "{good}");
        }
        for bad in [
            "",
            "1a",
            "Base",
            "base-url",
            "base url",
            "ä",
            &"k".repeat(65),
        ] {
            assert!(!is_valid_field_key(bad), "{bad}");
        }
    }

    #[test]
    fn bad_and_duplicate_keys_name_the_field_in_the_schema() {
        let error = draft(vec![field("ok"), field("Bad Key")])
            .validated()
            .expect_err("bad key");
        assert!(error.for_field("fields.1.key").is_some(), "{error}");
        let error = draft(vec![field("a"), field("a")])
            .validated()
            .expect_err("duplicate");
        assert_eq!(
            error.for_field("fields.1.key"),
            Some("\"a\" is used by another field")
        );
        let error = draft(vec![field("")]).validated().expect_err("empty");
        assert_eq!(error.for_field("fields.0.key"), Some("is required"));
    }

    #[test]
    fn every_broken_rule_is_reported_at_once() {
        let mut input = draft(vec![field("Bad Key"), field("ok"), field("ok")]);
        input.name = "Halo PSA".into();
        let error = input.validated().expect_err("three errors");
        assert!(error.for_field("name").is_some());
        assert!(error.for_field("fields.0.key").is_some());
        assert!(error.for_field("fields.2.key").is_some());
        assert!(error.for_field("fields.1.key").is_none());
        assert!(error.is_about_fields());
    }

    #[test]
    fn texts_are_trimmed_and_bounded() {
        let mut input = draft(vec![field(" base_url ")]);
        input.description = "  Halo  ".into();
        let valid = input.validated().expect("valid");
        assert_eq!(valid.description, "Halo");
        assert_eq!(valid.fields[0].key, "base_url");
        input.entity_id_name = "x".repeat(MAX_ENTITY_TEXT_CHARS + 1);
        let error = input.validated().expect_err("long");
        assert!(error.for_field("entity_id_name").is_some());
        input.entity_id_name = "Tenant\u{7}".into();
        assert!(input.validated().is_err());
    }

    #[test]
    fn debug_output_never_shows_a_value() {
        let input = ValueInput {
            key: "api_key".into(),
            change: ValueChange::Set("sk-live-123".into()),
        };
        assert!(!format!("{input:?}").contains("sk-live"));
    }

    #[test]
    fn a_required_field_without_any_value_is_missing() {
        let view = |required, value: ShownValue, default: ShownValue| FieldValueView {
            field: SchemaFieldView {
                id: 1,
                key: "k".into(),
                field_type: FieldType::String,
                required,
                description: String::new(),
            },
            value,
            default,
        };
        assert!(view(true, ShownValue::Unset, ShownValue::Unset).is_missing());
        assert!(!view(true, ShownValue::SecretSet, ShownValue::Unset).is_missing());
        assert!(!view(true, ShownValue::Unset, ShownValue::Text("x".into())).is_missing());
        assert!(!view(false, ShownValue::Unset, ShownValue::Unset).is_missing());
    }
}
