//! Config values as the browser sees and sends them: shown (secrets only as set or not) and
//! changed (keep, set, clear), never a secret in `Debug`.

use serde::{Deserialize, Serialize};

use super::SchemaFieldView;

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
