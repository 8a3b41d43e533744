//! Mappings: one customer organization's entity ID in the external system, with its overrides
//! and its own OAuth token, as the Mappings tab lists, edits and sends them.

use serde::{Deserialize, Serialize};

use super::{FieldValueView, ValueInput};

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
