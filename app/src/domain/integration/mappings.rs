//! Mappings: one customer organization's entity ID in the external system, with its overrides
//! and its own OAuth token, as the Mappings tab lists, edits and sends them.

use serde::{Deserialize, Serialize};

use crate::domain::ids::{MappingId, OrganizationId, TokenId};

use super::{FieldValueView, ValueInput};

/// A mapping as the Mappings tab lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingSummary {
    pub id: MappingId,
    pub organization_id: OrganizationId,
    pub organization_name: String,
    pub entity_id: String,
    pub entity_name: String,
    pub override_count: i64,
    /// Required fields with neither a default nor an override.
    pub missing_required: Vec<String>,
    /// The organization-specific OAuth token linked to the mapping and where it stands;
    /// `None` when the mapping uses the shared token.
    pub oauth_token: Option<(TokenId, crate::domain::oauth::TokenState)>,
    /// The entity ID the provider reported when the organization connected, when it differs
    /// from the mapping's: the admin may adopt it.
    pub detected_entity_id: Option<String>,
}

/// The Add/Edit Mapping form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingDraft {
    pub organization_id: OrganizationId,
    pub entity_id: String,
    pub entity_name: String,
    pub overrides: Vec<ValueInput>,
}

/// One mapping with its overrides, for the edit form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingView {
    pub id: MappingId,
    pub organization_id: OrganizationId,
    pub organization_name: String,
    pub entity_id: String,
    pub entity_name: String,
    pub values: Vec<FieldValueView>,
    /// The organization-specific OAuth token linked to the mapping, if any.
    pub oauth_token_id: Option<TokenId>,
}

/// An organization that can still be mapped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationChoice {
    pub id: OrganizationId,
    pub name: String,
}
